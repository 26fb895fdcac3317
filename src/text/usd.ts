// Money as people read it: two decimals, four for sub-cent amounts (a price per second).
export function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 4 : 2)}`;
}

/** A recorded cost with its source: `$0.42`, or `$0.42 (estimate)` when the API did not report it. */
export function usdOf(x: number, source: 'api' | 'estimate' | undefined): string {
  return source === 'estimate' ? `${usd(x)} (estimate)` : usd(x);
}
