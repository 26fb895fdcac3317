// `reelctl completion SHELL` and the hidden `__complete` rendered: a script, or one candidate per line.
import type { Out } from './view.js';

export function completionView(out: Out): { script(text: string): void; candidates(words: string[]): void } {
  return {
    script: (text) => void out.write(text),
    candidates: (words) => void (words.length && out.write(words.join('\n') + '\n')),
  };
}
