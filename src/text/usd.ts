// Money as people read it: two decimals, four for sub-cent amounts (a price per second).
export function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 4 : 2)}`;
}
