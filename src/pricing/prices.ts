// The dated price table (runware-protocol.md, "Cost"). One place for every model's price.
// The API's own `cost` wins once known; this table only estimates before a render.
import type { VideoRequest } from '../manifest/model.js';

export interface ModelPrice {
  /** When the price was read from the public price page. */
  asOf: string;
  usdPerSecond: number;
  usdPerSecondWithSound: number;
  defaultDuration: number;
}

export const PRICES: Record<string, ModelPrice> = {
  'klingai:kling-video@3-standard': { asOf: '2026-11-01', usdPerSecond: 0.084, usdPerSecondWithSound: 0.126, defaultDuration: 5 },
};

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
