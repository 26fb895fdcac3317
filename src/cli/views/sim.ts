// `reelctl sim` rendered: where the simulator listens and how to point reelctl at it, for people.
import type { Out } from './view.js';

export interface SimListening {
  url: string;
  apiKey: string;
  origin: string;
  variants: string[];
}

export function simView(out: Out): { listening(s: SimListening): void } {
  return {
    listening: (s) =>
      void out.write(
        `reelctl simulator listening\n  RUNWARE_API_URL=${s.url}\n  RUNWARE_API_KEY=${s.apiKey}\n  stats: ${s.origin}/_sim/stats\n${s.variants.length ? `  variants: ${s.variants.join(', ')}\n` : ''}`,
      ),
  };
}
