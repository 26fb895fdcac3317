// Locating files shipped with the package (schemas/, assets/) from both src/ (tests) and dist/src/ (built).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'schemas'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot locate the reelctl package root');
    dir = up;
  }
  return (root = dir);
}

export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
