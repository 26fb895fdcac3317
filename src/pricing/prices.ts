// Estimates from the dated model table (manifest/models.ts: sizes and prices in one place, with their source).
// The API's own `cost` wins once known; this only estimates before a render.
import type { VideoRequest } from '../manifest/model.js';
import { MODELS } from '../manifest/models.js';

export interface ModelPrice {
  /** When the price was read from the public price page. */
  asOf: string;
  usdPerSecond: number;
  usdPerSecondWithSound: number;
  defaultDuration: number;
}

/** Prices by model, as read from MODELS (kept for the public API: src/index.ts exports it). */
export const PRICES: Record<string, ModelPrice> = Object.fromEntries(
  Object.entries(MODELS).map(([model, m]) => [
    model,
    { asOf: m.price.asOf, usdPerSecond: m.price.usdPerSecond, usdPerSecondWithSound: m.price.usdPerSecondWithSound, defaultDuration: m.defaultDuration },
  ]),
);

/** Estimated USD for one request (all numberResults), rounded to 1/1000 of a cent. */
export function estimateCostUsd(request: Pick<VideoRequest, 'model' | 'duration' | 'numberResults'> & { providerSettings?: unknown }): number {
  const price = PRICES[request.model];
  if (!price) return 0;
  const seconds = request.duration ?? price.defaultDuration;
  const ps = request.providerSettings as { klingai?: { sound?: boolean } } | undefined;
  const perSecond = ps?.klingai?.sound === true ? price.usdPerSecondWithSound : price.usdPerSecond;
  return roundUsd(seconds * perSecond * (request.numberResults ?? 1));
}

export function roundUsd(x: number): number {
  return Math.round(x * 100_000) / 100_000;
}
