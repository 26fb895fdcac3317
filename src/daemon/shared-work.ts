// `reelctl run --shared`: several replicas on one PostgreSQL state share the videos. Each replica claims
// its fair share (videos ÷ live replicas) of free or expired claims, renews them every few seconds, and
// hands the controller only the videos it holds — the controller itself is unchanged. Safety does not
// depend on the timing: every state write is dropped for a video claimed anew by another replica
// (fencing epoch, checked in the write's transaction), and no paid request leaves unless its task UUID is
// in PostgreSQL under a video this replica still holds (mayPay, just before the send). A takeover
// therefore re-sends or polls the UUID already recorded: never a second paid render.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LoadedVideo } from '../manifest/model.js';
import type { ProviderClient } from '../provider/types.js';
import type { Controller } from '../reconcile/controller-api.js';
import type { StateFile } from '../state/model.js';
import { derivePhase, SETTLED_PHASES } from '../state/phase.js';
import type { ClaimsDb } from '../state/pg/claims.js';
import type { PgStateStore } from '../state/pg/store.js';

export interface SharedWorkOptions {
  store: PgStateStore;
  state: StateFile;
  clock: Clock;
  logger: Logger;
  /** Claim lifetime without renewal (default 15 s) and the renewal period (default 3 s). */
  ttlMs?: number;
  renewMs?: number;
}

export class SharedWork {
  readonly replicaId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  /** video → epoch of our claim. */
  readonly held = new Map<string, number>();
  readonly stats = { takeovers: 0, fencedWrites: 0, fencedSubmits: 0, claimsLost: 0, liveReplicas: 1, lastRenewMs: 0 };
  private readonly claims: ClaimsDb;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private full: LoadedVideo[] = [];
  private inner: Controller | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private m: { takeovers: Counter; fenced: Counter; lost: Counter; renew: Histogram } | undefined;

  constructor(private readonly o: SharedWorkOptions) {
    this.ttlMs = o.ttlMs ?? 15_000;
    this.renewMs = o.renewMs ?? Math.max(100, Math.min(3000, Math.floor(this.ttlMs / 5)));
    this.claims = o.store.share({ replicaId: this.replicaId, epochs: this.held, onFenced: (names) => this.lose(names, 'write') });
  }

  /** The controller as the daemon sees it: setDesired keeps the whole set and passes on what we hold. */
  wrapController<C extends Controller>(c: C): C {
    this.inner = c;
    return {
      ...c,
      patchDesired: undefined, // a change goes through setDesired too: only the videos we hold reach the controller
      setDesired: (videos: LoadedVideo[]) => {
        this.full = videos;
        this.push();
        this.wakeUp?.();
      },
    };
  }

  /** The provider client with the last check before a paid request. */
  wrapClient(c: ProviderClient): ProviderClient {
    return {
      submit: async (task, opts) => {
        const r = await this.claims.mayPay(task.taskUUID, (v) => this.held.get(v));
        if (r.ok) return c.submit(task, opts);
        this.stats.fencedSubmits++;
        this.m?.fenced.inc({ kind: 'submit' });
        if (r.video) this.lose([r.video], 'submit');
        const why = r.video ? `another replica claims ${r.video} now` : 'its intent is not in PostgreSQL';
        return {
          taskUUID: task.taskUUID,
          status: 'unknown',
          error: new ProviderError(`not sent: ${why} (fenced)`, { kind: 'unknown-outcome', code: 'fenced', taskUUID: task.taskUUID }),
        };
      },
      poll: (id, opts) => c.poll(id, opts),
      download: (url, opts) => c.download(url, opts),
      ...(c.watch ? { watch: (id: string, f: () => void) => c.watch!(id, f) } : {}),
      ...(c.unwatch ? { unwatch: (id: string) => c.unwatch!(id) } : {}),
      get breakerOpen() {
        return c.breakerOpen;
      },
      stats: () => c.stats(),
      close: () => c.close(),
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message }, 'claiming videos failed; will retry');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.renewMs);
        this.wakeUp = () => (clearTimeout(t), resolve());
        this.abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      this.wakeUp = undefined;
    }
  }

  /** One round: renew what we hold, then claim up to our fair share (or give back what is above it). */
  async tick(): Promise<void> {
    const t0 = this.o.clock.elapsed();
    const still = await this.claims.renew(this.held, this.ttlMs);
    this.stats.lastRenewMs = this.o.clock.elapsed() - t0;
    this.m?.renew.observe(this.stats.lastRenewMs / 1000);
    const lost = [...this.held.keys()].filter((n) => !still.has(n));
    if (lost.length) this.lose(lost, 'renew');
    const live = (this.stats.liveReplicas = await this.claims.heartbeat(this.ttlMs));
    const share = Math.ceil(this.full.length / live);
    if (this.held.size < share) {
      const got = await this.claims.claim(
        this.full.map((v) => v.name).filter((n) => !this.held.has(n)),
        share - this.held.size,
        this.ttlMs,
      );
      if (got.length === 0) return;
      const records = await this.o.store.loadVideos(got.map((g) => g.video));
      for (const g of got) {
        this.held.set(g.video, g.epoch);
        if (records[g.video]) this.o.state.videos[g.video] = records[g.video]!; // start from what is stored
        if (g.prev && g.prev !== this.replicaId) {
          this.stats.takeovers++;
          this.m?.takeovers.inc();
          this.o.logger.info({ video: g.video, from: g.prev, epoch: g.epoch }, 'took over a video from another replica');
        }
      }
      this.push();
    } else if (this.held.size > share + 1) {
      // Above our share (a replica joined or came back): give settled videos back, never one in flight.
      const extra = [...this.held.keys()].filter((n) => this.settled(n)).slice(0, this.held.size - share);
      const give = new Map(extra.map((n) => [n, this.held.get(n)!]));
      for (const n of extra) this.held.delete(n);
      this.push();
      await this.claims.release(give);
    }
  }

  /** Nothing of it in flight, by its record's facts (a video without a record is not worked on). */
  private settled(name: string): boolean {
    const v = this.o.state.videos[name];
    return !v || SETTLED_PHASES.has(derivePhase(v));
  }

  /** Fenced or expired: stop working on these videos at once. */
  private lose(names: string[], how: 'write' | 'renew' | 'submit'): void {
    const mine = names.filter((n) => this.held.delete(n));
    if (how === 'write') {
      this.stats.fencedWrites += names.length;
      this.m?.fenced.inc({ kind: 'write' }, names.length);
    }
    if (mine.length === 0) return;
    this.stats.claimsLost += mine.length;
    this.m?.lost.inc(mine.length);
    this.o.logger.warn({ videos: mine.slice(0, 10), count: mine.length, how }, 'another replica claims these videos now (fenced); stopping work on them');
    this.push();
  }

  private push(): void {
    this.inner?.setDesired(this.full.filter((v) => this.held.has(v.name)));
  }

  /** Per-replica figures for /metrics. */
  attachMetrics(registry: Registry): void {
    const reg = { registers: [registry] };
    const self = this;
    new Gauge({
      name: 'reelctl_claims_held',
      help: 'Videos this replica holds a claim on',
      ...reg,
      collect() {
        this.set(self.held.size);
      },
    });
    new Gauge({
      name: 'reelctl_replicas_live',
      help: 'Live replicas sharing the state (as this one sees them)',
      ...reg,
      collect() {
        this.set(self.stats.liveReplicas);
      },
    });
    this.m = {
      takeovers: new Counter({ name: 'reelctl_claim_takeovers_total', help: 'Videos taken over from another replica after its claim expired', ...reg }),
      fenced: new Counter({
        name: 'reelctl_fenced_total',
        help: 'State writes dropped and submits refused because another replica claims the video now',
        labelNames: ['kind'],
        ...reg,
      }),
      lost: new Counter({ name: 'reelctl_claims_lost_total', help: 'Claims this replica lost (expired and taken, or fenced)', ...reg }),
      renew: new Histogram({
        name: 'reelctl_claim_renew_seconds',
        help: 'Latency of one claim renewal round',
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        ...reg,
      }),
    };
  }

  readinessDetails(): Record<string, unknown> {
    return {
      replica: this.replicaId,
      claimsHeld: this.held.size,
      liveReplicas: this.stats.liveReplicas,
      takeovers: this.stats.takeovers,
      fencedWrites: this.stats.fencedWrites,
      fencedSubmits: this.stats.fencedSubmits,
      lastRenewMs: Math.round(this.stats.lastRenewMs * 10) / 10,
    };
  }

  /** Graceful stop (after the controller stopped): give every claim back so others take over at once. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
    const all = new Map(this.held);
    this.held.clear();
    await this.claims.release(all).catch(() => undefined);
  }
}
