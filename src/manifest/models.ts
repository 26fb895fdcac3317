// The one table of what reelctl knows per Runware video model: sizes, limits and prices, each with where it
// was read and when. rules.ts (validation) and pricing/prices.ts (estimates) both read it; add a row when
// another model is supported. Reject only what is known to be wrong: a list marked incomplete is advice.

export interface ModelInfo {
  sizes: {
    /** width × height pairs known to work. */
    known: [number, number][];
    /** True only when the model page lists every allowed size; otherwise other sizes are not refused. */
    complete: boolean;
    source: string;
    asOf: string;
  };
  defaultDuration: number;
  maxElements: number;
  price: {
    usdPerSecond: number;
    usdPerSecondWithSound: number;
    source: string;
    /** When the price was read from the public price page. */
    asOf: string;
  };
}

export const MODELS: Record<string, ModelInfo> = {
  'klingai:kling-video@3-standard': {
    sizes: {
      known: [
        [1280, 720],
        [720, 1280],
        [960, 960],
      ],
      complete: false,
      // The model page lost its list of sizes; its examples use 1280×720, and 720×1280 / 960×960 are the
      // 9:16 and 1:1 forms of the same 720p tier. Unlisted sizes go to the API, which refuses them for free.
      source: 'Runware model page "Kling VIDEO 3.0 Standard" (seed 000_b68253d41109e2bf), its request examples',
      asOf: '2026-11-01',
    },
    defaultDuration: 5,
    maxElements: 3,
    price: {
      usdPerSecond: 0.084,
      usdPerSecondWithSound: 0.126,
      // The seed's four examples cost 0.42 (5 s), 0.504 (6 s), 0.672 (8 s) and 0.672 (8 s); sound from the price page.
      source: 'Runware model page examples (cost field) and public price page (native audio)',
      asOf: '2026-11-01',
    },
  },
};
