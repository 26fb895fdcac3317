// Terminal styling: colour only on a TTY and never with NO_COLOR (https://no-color.org).
export interface Style {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  bold: (s: string) => string;
  dim: (s: string) => string;
}

/**
 * Whether the environment allows colour: the one place NO_COLOR is read. A non-empty NO_COLOR turns it off
 * (no-color.org), and so does TERM=dumb. Callers also require a terminal.
 */
export function colorAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}

export function makeStyle(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): Style {
  const on = !!stream.isTTY && colorAllowed(env);
  const wrap = (code: number, reset: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[${reset}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

export const plainStyle: Style = makeStyle({ isTTY: false });
