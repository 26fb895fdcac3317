// `reelctl version` rendered: one line for people, or with -o json the runtime too, for bug reports.
import type { Out } from './view.js';

export interface VersionInfo {
  version: string;
  node: string;
  platform: string;
}

export interface VersionView {
  render(v: VersionInfo): void;
}

export const VERSION_FORMATS = ['text', 'json'] as const;

export const VERSION_VIEWS: Record<(typeof VERSION_FORMATS)[number], (out: Out) => VersionView> = {
  text: (out) => ({ render: (v) => void out.write(`reelctl ${v.version} (node ${v.node}, ${v.platform})\n`) }),
  json: (out) => ({ render: (v) => void out.write(JSON.stringify(v) + '\n') }),
};
