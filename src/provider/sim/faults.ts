// Fault injection for the simulator: random rates for demos and soak runs, and a deterministic script
// (`next`, consumed one per API request) for precise tests.

export type ApiFault = 'ok' | '408' | '429' | '500' | '503' | '504' | 'drop-before' | 'drop-after-accept' | 'slow' | 'malformed';
export type DownloadFault = 'ok' | 'truncate' | 'expired' | 'slow';

export interface SimFaults {
  rate429?: number;
  rate5xx?: number;
  dropAfterAcceptRate?: number;
  malformedRate?: number;
  slowRate?: number;
  slowMs?: number;
  generationFailureRate?: number;
  truncateRate?: number;
  expireUrls?: boolean;
  /** Seconds for Retry-After on 429 (omitted when undefined). */
  retryAfterSec?: number;
  next?: ApiFault[];
  nextDownload?: DownloadFault[];
}

export function pickApiFault(f: SimFaults, random: () => number): ApiFault {
  const scripted = f.next?.shift();
  if (scripted) return scripted;
  const r = random();
  let acc = 0;
  for (const [rate, fault] of [
    [f.rate429, '429'],
    [f.rate5xx, '503'],
    [f.dropAfterAcceptRate, 'drop-after-accept'],
    [f.malformedRate, 'malformed'],
    [f.slowRate, 'slow'],
  ] as const) {
    acc += rate ?? 0;
    if (r < acc) return fault;
  }
  return 'ok';
}

export function pickDownloadFault(f: SimFaults, random: () => number): DownloadFault {
  const scripted = f.nextDownload?.shift();
  if (scripted) return scripted;
  if (f.expireUrls) return 'expired';
  return random() < (f.truncateRate ?? 0) ? 'truncate' : 'ok';
}
