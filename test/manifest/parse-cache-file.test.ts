// The parse cache's file is written and read one entry per line (issue 19 item 3), and is still one JSON
// document; entries larger than the 1 MB write/read chunk, lines split across chunks and any damage all
// round-trip or read as "no cache".
import { open, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEntries, writeEntries } from '../../src/manifest/parse-cache-file.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();

async function write(file: string, version: string, entries: [string, unknown][]) {
  const fh = await open(file, 'w');
  try {
    await writeEntries(fh, version, entries);
  } finally {
    await fh.close();
  }
}

async function read(file: string, version: string) {
  const fh = await open(file, 'r');
  try {
    return await readEntries(fh, version);
  } finally {
    await fh.close();
  }
}

describe('parse cache file', () => {
  it('round-trips many entries (lines crossing the 1 MB chunks, one entry larger than a chunk) as one JSON document', async () => {
    const file = path.join(tmp('reelctl-pcf-'), 'c.json');
    const entries: [string, unknown][] = Array.from({ length: 3000 }, (_, i) => [
      `/m/ü-${i}.yaml`,
      { size: i, videos: [{ name: `v${i}`, prompt: 'ä\n"x"'.repeat(i % 97) }] },
    ]);
    entries.push(['/m/big.yaml', { videos: [{ prompt: 'y'.repeat(1_500_000) }] }]);
    await write(file, '1.2.3', entries);
    const got = await read(file, '1.2.3');
    expect(got && [...got]).toEqual(entries);
    const whole = JSON.parse(await readFile(file, 'utf8')) as { format: number; reelctl: string; entries: Record<string, unknown> };
    expect(whole.reelctl).toBe('1.2.3');
    expect(Object.keys(whole.entries)).toHaveLength(entries.length);
  });

  it('reads an empty cache, and reads as undefined for another version, another layout, a cut or damaged file', async () => {
    const d = tmp('reelctl-pcf-');
    const file = path.join(d, 'c.json');
    await write(file, 'v', []);
    expect(await read(file, 'v')).toEqual(new Map());
    await write(file, 'v', [
      ['/a', { x: 1 }],
      ['/b', { x: 2 }],
    ]);
    expect(await read(file, 'w')).toBeUndefined();
    const text = await readFile(file, 'utf8');
    await writeFile(file, JSON.stringify(JSON.parse(text))); // the same document on one line (the old layout)
    expect(await read(file, 'v')).toBeUndefined();
    await writeFile(file, text.replace('"x":2', '"x":2,'));
    expect(await read(file, 'v')).toBeUndefined();
    await writeFile(file, text);
    await truncate(file, text.length - 4);
    expect(await read(file, 'v')).toBeUndefined();
    await writeFile(file, text + 'trailing');
    expect(await read(file, 'v')).toBeUndefined();
  });
});
