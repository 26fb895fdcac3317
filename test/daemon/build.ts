// Tests that run compiled code (child processes) need dist/ to be current: build it when a source
// this area owns is newer than its output (npm test builds first anyway; this covers `vitest run test/daemon`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const SOURCES = ['src/daemon', 'src/daemon/webhook', 'src/cli/run.ts', 'src/cli/progress.ts'];

function newestSource(): number {
  let t = 0;
  for (const s of SOURCES) {
    const abs = path.join(root, s);
    const files = statSync(abs).isDirectory() ? readdirSync(abs).map((f) => path.join(abs, f)) : [abs];
    for (const f of files) t = Math.max(t, statSync(f).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const outs = ['dist/src/daemon/daemon.js', 'dist/src/cli/run.js', 'dist/cmd/reelctl.js'].map((f) => path.join(root, f));
  const fresh = () => outs.every(existsSync) && Math.min(...outs.map((f) => statSync(f).mtimeMs)) >= newestSource();
  if (fresh()) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    // tsc still emits on type errors elsewhere in the tree; only fail when our outputs are missing.
    if (!fresh()) throw new Error(`build failed: ${String((err as { stdout?: Buffer }).stdout ?? err)}`);
  }
}
