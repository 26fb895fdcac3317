// How webhooks change a run: every submission carries webhookURL (added to the wire request only: the
// spec hash is computed from the manifest, so a render's identity never depends on it), polls become a
// slow safety net, riders are off (they would add getResponse tasks for renders nobody asked about), and
// a call that passes the receiver's checks wakes its video.
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { LoadedVideo, VideoRequest } from '../../manifest/model.js';
import type { ProviderClient } from '../../provider/types.js';
import type { ReconcileDeps } from '../../reconcile/context.js';
import type { Controller } from '../../reconcile/controller-api.js';
import { HOOK_PATH, type WebhookTarget } from './receiver.js';

export interface WebhookConfig {
  /** Public base URL that reaches the receiver (scheme, host, optional port and path prefix). */
  baseUrl: string;
  token: string;
  /** Longest gap between two safety polls of a running render: the longest a lost webhook goes unnoticed. */
  safetyPollMs: number;
}

/** Confirmations travel in poll rounds this far apart at most: a burst of webhooks shares one request. */
const WEBHOOK_POLL_ROUND_MS = 50;

/** `<base>/hooks/runware/<video name>?token=<secret>`. The name routes the call; the body's taskUUID is checked against the state. */
export function webhookURL(baseUrl: string, name: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${HOOK_PATH}${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
}

/**
 * The safety net's schedule: a first check after 1.5× the typical render time (median of recent renders
 * whose webhook arrived; `cap` until one has), then doubling, never more than `cap` apart. Jitter only
 * shortens a delay, so `cap` (plus one poll round) bounds how long a finished render can go unnoticed.
 */
export function safetyPollDelayMs(pollCount: number, random: () => number, o: { typicalMs?: number; capMs: number }): number {
  const first = o.typicalMs === undefined ? o.capMs : Math.min(o.capMs, Math.max(1000, o.typicalMs * 1.5));
  return Math.round(Math.min(o.capMs, first * 2 ** pollCount) * (0.8 + 0.2 * random()));
}

/** Render times (submit → webhook) of the last 50 tasks, one sample per task. */
export class RenderTimes {
  private byTask = new Map<string, number>();
  add(taskUUID: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || this.byTask.has(taskUUID)) return;
    this.byTask.set(taskUUID, ms);
    if (this.byTask.size > 50) this.byTask.delete(this.byTask.keys().next().value!);
  }
  typical(): number | undefined {
    const s = [...this.byTask.values()].sort((a, b) => a - b);
    return s.length === 0 ? undefined : s[s.length >> 1];
  }
}

/** What a webhook hint may see of the controller and ask of it. */
export type HintedController = Pick<Controller, 'attempt' | 'wake' | 'isStopping'>;

export interface WebhookWiring {
  pollRoundMs: number;
  /** The controller's dependencies that webhooks change (spread over the defaults). */
  overrides(base: {
    client: ProviderClient;
    resolveRequest: ReconcileDeps['resolveRequest'];
    random: () => number;
    clock?: Clock;
  }): Pick<ReconcileDeps, 'client' | 'resolveRequest' | 'pollDelayMs'>;
  /** What the receiver wakes, once the controller exists (only through its interface). */
  target(controller: HintedController, clock: Clock): WebhookTarget;
}

export function createWebhookWiring(cfg: WebhookConfig, logger: Logger): WebhookWiring {
  const times = new RenderTimes();
  const ownHook = new Set<string>();
  let gate: PollGate | undefined;
  return {
    pollRoundMs: WEBHOOK_POLL_ROUND_MS,
    overrides: (base) => ({
      client: (gate = new PollGate(base.client, base.clock ?? systemClock)).client,
      resolveRequest: async (v: LoadedVideo): Promise<VideoRequest> => {
        const request = await base.resolveRequest(v);
        if (request.webhookURL !== undefined) {
          // The manifest names its own hook (Runware takes one): keep it; this video is found by the safety poll.
          if (!ownHook.has(v.name))
            logger.warn(
              { video: v.name },
              `${v.name} sets its own spec.request.webhookURL: reelctl's receiver will not hear of it; its render is noticed by the safety poll (at most every ${Math.round(cfg.safetyPollMs / 1000)} s)`,
            );
          ownHook.add(v.name);
          return request;
        }
        return { ...request, webhookURL: webhookURL(cfg.baseUrl, v.name, cfg.token) };
      },
      pollDelayMs: (n) =>
        safetyPollDelayMs(n, base.random, { capMs: cfg.safetyPollMs, ...(times.typical() !== undefined ? { typicalMs: times.typical()! } : {}) }),
    }),
    target: (controller, clock) => ({
      hint(id, taskUUID) {
        if (controller.isStopping()) return 'unavailable';
        const attempt = controller.attempt(id, taskUUID);
        if (!attempt) return 'unknown';
        if (attempt.state !== 'intent' && attempt.state !== 'accepted') return 'duplicate';
        times.add(taskUUID, clock.now() - Date.parse(attempt.createdAt));
        gate?.hint(taskUUID);
        controller.wake(id); // a hint only: the step asks getResponse, and only its answer changes the state
        return 'woken';
      },
    }),
  };
}

/** Two real looks at one running task are at least this far apart unless a webhook came in between. */
export const MIN_POLL_GAP_MS = 750;

/**
 * The client the controller polls through while webhooks are on. No `watch` (no riders: they would ask
 * getResponse about renders nobody is waiting for). And a gate: a step that runs for other reasons (a
 * reload, start-up queueing a video twice, a resync) asks getResponse only if a webhook hinted since the
 * last look, or the last look (or the submit) is MIN_POLL_GAP_MS old; otherwise it is told "processing",
 * which is what the last look said. The safety schedule's delays are never shorter than the gap, so the
 * gate only folds together looks that would have been redundant. A task unknown to the gate (accepted
 * before a restart, when webhooks may have been missed) is always looked at.
 */
export class PollGate {
  private lastLook = new Map<string, number>();
  private hinted = new Set<string>();
  readonly client: ProviderClient;
  constructor(
    c: ProviderClient,
    private readonly clock: Clock,
  ) {
    const self = this;
    this.client = {
      submit: async (t, o) => {
        const r = await c.submit(t, o);
        if (r.status === 'accepted') self.lastLook.set(t.taskUUID, clock.elapsed());
        return r;
      },
      poll: async (u, o) => {
        const last = self.lastLook.get(u);
        if (last !== undefined && !self.hinted.has(u) && clock.elapsed() - last < MIN_POLL_GAP_MS) return { taskUUID: u, status: 'processing' };
        self.hinted.delete(u);
        self.lastLook.set(u, clock.elapsed());
        const r = await c.poll(u, o);
        if (r.status !== 'processing') self.forget(u);
        return r;
      },
      download: (u, o) => c.download(u, o),
      unwatch: (u: string) => {
        self.forget(u);
        c.unwatch?.(u);
      },
      get breakerOpen() {
        return c.breakerOpen;
      },
      stats: () => c.stats(),
      close: () => c.close(),
    };
  }
  hint(taskUUID: string): void {
    this.hinted.add(taskUUID);
  }
  private forget(u: string): void {
    this.lastLook.delete(u);
    this.hinted.delete(u);
  }
}
