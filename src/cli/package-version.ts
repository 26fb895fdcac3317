// The package version: the one place package.json is read for it (--version, `reelctl version`, the
// daemon's reelctl_build_info metric).
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

let cached: string | undefined;

export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
