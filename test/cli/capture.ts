// A stream a view writes to in tests: what was written, and whether it pretends to be a terminal.
export function capture(isTTY = false): { out: { isTTY: boolean; write(text: string): boolean }; text(): string } {
  const chunks: string[] = [];
  return { out: { isTTY, write: (t) => (chunks.push(t), true) }, text: () => chunks.join('') };
}
