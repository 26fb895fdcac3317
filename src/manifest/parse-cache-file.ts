// The parse cache's file, read and written one entry at a time (issue 19 item 3): a 50,000-manifest cache is
// ~60 MB of JSON, and building or parsing it as one string held that string, its UTF-8 copy and every
// object at once. The file is still one JSON document (anything can read it), laid out one entry per line:
//   {"format":2,"reelctl":"<version>","entries":{
//   "<abs path>":{…entry…},
//   …
//   "<abs path>":{…entry…}
//   }}
// JSON.stringify never emits a raw newline, so a line is exactly one entry. A file in any other layout
// (an older format, damage) reads as undefined: the caller starts an empty cache.
import type { FileHandle } from 'node:fs/promises';

const FORMAT = 2;
const CHUNK = 1 << 20;

const header = (version: string) => `{"format":${FORMAT},"reelctl":${JSON.stringify(version)},"entries":{`;

/** Writes `entries` to `fh` in chunks of about 1 MB. */
export async function writeEntries(fh: FileHandle, version: string, entries: Iterable<[string, unknown]>): Promise<void> {
  let buf = header(version);
  let first = true;
  for (const [key, value] of entries) {
    buf += `${first ? '' : ','}\n${JSON.stringify(key)}:${JSON.stringify(value)}`;
    first = false;
    if (buf.length >= CHUNK) {
      await fh.write(buf);
      buf = '';
    }
  }
  await fh.write(buf + '\n}}\n');
}

/** The entries of a file written by writeEntries for `version`, or undefined (other version, layout or damage). */
export async function readEntries(fh: FileHandle, version: string): Promise<Map<string, unknown> | undefined> {
  const entries = new Map<string, unknown>();
  let state: 'header' | 'entries' | 'end' = 'header';
  const line = (text: string): boolean => {
    if (state === 'header') {
      state = 'entries';
      return text === header(version);
    }
    if (state === 'end') return text === '';
    if (text === '}}') {
      state = 'end';
      return true;
    }
    const one = JSON.parse(`{${text.endsWith(',') ? text.slice(0, -1) : text}}`) as Record<string, unknown>;
    const keys = Object.keys(one);
    if (keys.length !== 1) return false;
    entries.set(keys[0]!, one[keys[0]!]);
    return true;
  };
  try {
    const ok = await forEachLine(fh, line);
    return ok && (state as string) === 'end' ? entries : undefined;
  } catch {
    return undefined; // a damaged line
  }
}

/** Calls `fn` with each line (without its newline) until it returns false; whether every call returned true. */
async function forEachLine(fh: FileHandle, fn: (line: string) => boolean): Promise<boolean> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let rest: Buffer[] = [];
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
    if (bytesRead === 0) break;
    let start = 0;
    for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < bytesRead; nl = buf.indexOf(10, start)) {
      const piece = buf.subarray(start, nl);
      const text = rest.length ? Buffer.concat([...rest, piece]).toString('utf8') : piece.toString('utf8');
      rest = [];
      start = nl + 1;
      if (!fn(text)) return false;
    }
    if (start < bytesRead) rest.push(Buffer.from(buf.subarray(start, bytesRead)));
  }
  return rest.length === 0 || fn(Buffer.concat(rest).toString('utf8'));
}
