// Watching the manifests tree (chokidar): debounced, safe with editors' atomic saves (write a temp file,
// rename over), ignoring swap/backup/temp files and anything that is not *.yaml / *.yml.
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';

const EDITOR_JUNK = [/\.sw[a-p]$/i, /~$/, /^\.#/, /^#.*#$/, /^4913$/, /\.tmp$/i, /\.bak$/i, /\.orig$/i];

export function isIgnored(file: string, isDir: boolean): boolean {
  const base = path.basename(file);
  if (base.startsWith('.')) return true;
  if (EDITOR_JUNK.some((r) => r.test(base))) return true;
  return !isDir && !/\.ya?ml$/i.test(base);
}

export interface ManifestWatcher {
  close(): Promise<void>;
  ready: Promise<void>;
}

export function watchManifests(paths: string[], onChange: (changed: string[]) => void, debounceMs = 300): ManifestWatcher {
  const roots = paths.map((p) => path.resolve(p));
  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: false,
    ignored: (file, stats) => !roots.includes(path.resolve(file)) && isIgnored(file, stats ? stats.isDirectory() : !path.extname(file)),
  });
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  const fire = () => {
    const list = [...changed];
    changed = new Set();
    onChange(list);
  };
  const touch = (file: string) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  for (const ev of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) watcher.on(ev, touch);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

/** `30s`, `5m`, `1h`, `1500ms` → milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration "${s}": use e.g. 30s, 5m, 1h`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
