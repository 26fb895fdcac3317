// The simulator's webhooks, as Runware documents them: when a task with `webhookURL` ends, POST its result
// there — the flat task object (no `data` wrapper), one call per result when numberResults > 1, retried a
// few times while the answer is not 2xx. Loopback targets only: a simulator must never call out.

interface WebhookTaskView {
  readyAt: number;
  request: Record<string, unknown>;
}

export interface WebhookSenderOptions {
  /** The accepted task, or undefined. */
  task: (taskUUID: string) => WebhookTaskView | undefined;
  /** What getResponse would answer once it is done: result items, or the error item. */
  result: (taskUUID: string) => { data: object[]; error?: object };
  now: () => number;
  /** Delays before each retry of a call not answered 2xx (default 200 ms, 1 s, 3 s: four tries). */
  retryDelaysMs?: number[];
  fetch?: typeof fetch;
}

export interface WebhookSenderStats {
  /** Calls answered 2xx. */
  delivered: number;
  /** Calls given up after the last retry. */
  failed: number;
  /** Tasks whose webhookURL was not a loopback http URL: never called. */
  refused: number;
  /** Every POST made, retries included. */
  attempts: number;
  byStatus: Record<string, number>;
}

export interface WebhookSender {
  /** Called when the simulator accepts a task: schedules its calls for when it ends. */
  accepted(taskUUID: string): void;
  stats(): WebhookSenderStats;
  close(): void;
}

export function isLoopbackUrl(text: string): boolean {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(u.hostname);
}

export function createWebhookSender(o: WebhookSenderOptions): WebhookSender {
  const delays = o.retryDelaysMs ?? [200, 1000, 3000];
  const doFetch = o.fetch ?? fetch;
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const stats: WebhookSenderStats = { delivered: 0, failed: 0, refused: 0, attempts: 0, byStatus: {} };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(
      () => {
        timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    timers.add(t);
  };

  async function post(url: string, body: object): Promise<void> {
    for (let i = 0; i <= delays.length && !abort.signal.aborted; i++) {
      stats.attempts++;
      let status = 'network';
      try {
        const res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: abort.signal,
          redirect: 'manual',
        });
        await res.body?.cancel();
        status = String(res.status);
      } catch {
        if (abort.signal.aborted) return;
      }
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (/^2\d\d$/.test(status)) return void stats.delivered++;
      if (i < delays.length) await new Promise<void>((r) => later(delays[i]!, r));
    }
    if (!abort.signal.aborted) stats.failed++;
  }

  function fire(taskUUID: string, url: string): void {
    const t = o.task(taskUUID);
    if (!t) return;
    if (o.now() < t.readyAt) return later(Math.ceil(t.readyAt - o.now()) + 1, () => fire(taskUUID, url)); // timers may fire a little early
    const r = o.result(taskUUID);
    const items = r.error ? [{ ...r.error, status: 'error' }] : r.data;
    for (const item of items) void post(url, item);
  }

  return {
    accepted(taskUUID) {
      const t = o.task(taskUUID);
      const url = t?.request.webhookURL;
      if (typeof url !== 'string') return;
      if (!isLoopbackUrl(url)) return void stats.refused++;
      later(Math.ceil(t!.readyAt - o.now()) + 1, () => fire(taskUUID, url));
    },
    stats: () => structuredClone(stats),
    close() {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
