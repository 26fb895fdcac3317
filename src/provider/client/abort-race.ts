// A request's promise raced against a shutdown signal, with ONE abort listener per signal however many
// requests wait on it. A listener per call made every call walk the signal's list of listeners (Node's
// EventTarget looks for a duplicate before adding one, and walks it again to remove one): with a daemon's
// 10,000 renders polled in one round, ~50 million steps per round; 200 submits at start-up, ~3 ms.

type Rejecter = (reason: unknown) => void;

const waiting = new WeakMap<AbortSignal, Set<Rejecter>>();

/** `p`, or the signal's reason as soon as it aborts (at once when it already has). */
export function raceAbort<T>(signal: AbortSignal | undefined, p: Promise<T>): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  let set = waiting.get(signal);
  if (!set) {
    const rejecters = new Set<Rejecter>();
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const reject of rejecters) reject(signal.reason);
        rejecters.clear();
      },
      { once: true },
    );
    waiting.set(signal, (set = rejecters));
  }
  const rejecters = set;
  return new Promise<T>((resolve, reject) => {
    rejecters.add(reject);
    p.then(
      (v) => {
        rejecters.delete(reject);
        resolve(v);
      },
      (err: unknown) => {
        rejecters.delete(reject);
        reject(err);
      },
    );
  });
}
