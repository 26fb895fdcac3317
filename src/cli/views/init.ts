// `reelctl init` rendered: the files it wrote and the next commands to try, for people.
import path from 'node:path';
import type { Out } from './view.js';

export interface InitResult {
  dir: string;
  written: string[];
}

export function initView(out: Out): { render(r: InitResult): void } {
  return {
    render: ({ dir, written }) => {
      const manifests = path.join(dir, 'manifests');
      out.write(
        `${written.map((f) => `wrote ${f}`).join('\n')}\n\nNext:\n  reelctl validate ${manifests}\n  reelctl plan ${manifests}\n  reelctl apply --simulate ${manifests}   # try it without a key\n`,
      );
    },
  };
}
