// Times every request the Runware provider sends (one Provider call = one API request), for the
// `reelctl_api_request_duration_seconds{op,result}` histogram: op is submit, poll or download; result is
// `ok` or the error's code. A decorator over the driver contract, so the lanes and retries stay untouched.
import type { Provider } from '../provider/types.js';

export interface ApiObservation {
  op: 'submit' | 'poll' | 'download';
  result: string;
  seconds: number;
}

export function timeProvider(p: Provider, observe: (o: ApiObservation) => void, now: () => number = () => performance.now()): Provider {
  const timed = async <T>(op: ApiObservation['op'], call: () => Promise<T>): Promise<T> => {
    const t0 = now();
    try {
      const r = await call();
      observe({ op, result: 'ok', seconds: (now() - t0) / 1000 });
      return r;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      observe({ op, result: typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? code : 'error', seconds: (now() - t0) / 1000 });
      throw err;
    }
  };
  return {
    submit: (tasks, opts) => timed('submit', () => p.submit(tasks, opts)),
    poll: (uuids, opts) => timed('poll', () => p.poll(uuids, opts)),
    download: (url, opts) => timed('download', () => p.download(url, opts)),
  };
}

/** A small fan-out so the daemon can subscribe after the runtime (and its provider) exists. */
export function apiObserverHub() {
  const listeners = new Set<(o: ApiObservation) => void>();
  return {
    emit: (o: ApiObservation) => {
      for (const l of listeners) l(o);
    },
    on: (l: (o: ApiObservation) => void): (() => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
