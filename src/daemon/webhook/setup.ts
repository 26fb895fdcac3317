// `run --webhook-listen HOST:PORT [--webhook-url URL]`: flag checks, the token, the receiver, and the
// wiring handed to the runtime. The receiver binds first (its real port is known before any submission
// names it) and answers 503 until the state is loaded.
import type { Clock } from '../../clock.js';
import { UsageError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { formatAddress, parseListen, type ListenAddress } from '../options.js';
import { startWebhookReceiver, type WebhookReceiver, type WebhookTarget } from './receiver.js';
import { resolveWebhookTokens, tokenChecker } from './token.js';
import { createWebhookWiring, type HintedController, type WebhookWiring } from './wiring.js';

export interface WebhookFlags {
  listen: ListenAddress;
  /** Public base URL; undefined = the bound address (allowed on loopback only: local use and tests). */
  url?: string;
  safetyPollMs: number;
  /** How long the previous token is still accepted after start (rotation). */
  graceMs: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function parseWebhookFlags(
  f: { webhookListen?: string; webhookUrl?: string },
  metrics: ListenAddress,
  safetyPollMs: number,
  graceMs: number,
): WebhookFlags | undefined {
  if (!f.webhookListen) {
    if (f.webhookUrl) throw new UsageError('--webhook-url needs --webhook-listen HOST:PORT (the address the receiver binds)');
    return undefined;
  }
  const listen = parseListen(f.webhookListen);
  if (listen.port !== 0 && listen.port === metrics.port)
    throw new UsageError(`--webhook-listen must not share the metrics port ${metrics.port} (--listen): the receiver gets its own listener`);
  if (safetyPollMs < 1000) throw new UsageError('--webhook-safety-poll must be at least 1s');
  let url: string | undefined;
  if (f.webhookUrl) {
    let u: URL;
    try {
      u = new URL(f.webhookUrl);
    } catch {
      throw new UsageError(`invalid --webhook-url "${f.webhookUrl}": expected e.g. https://reelctl.example.com`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError('--webhook-url must be http(s)');
    if (u.search || u.hash || u.username || u.password)
      throw new UsageError('--webhook-url is a base URL: no query, fragment or credentials (the token is added by reelctl)');
    url = u.href;
  } else if (!LOOPBACK.test(listen.host))
    throw new UsageError('--webhook-url URL is required: the public address through which Runware reaches --webhook-listen');
  return { listen, ...(url ? { url } : {}), safetyPollMs, graceMs };
}

export interface Webhooks {
  wiring: WebhookWiring;
  receiver: WebhookReceiver;
  baseUrl: string;
  attach(controller: HintedController): void;
  close(): Promise<void>;
}

export async function startWebhooks(f: WebhookFlags, o: { env: NodeJS.ProcessEnv; stateFile: string; logger: Logger; clock: Clock }): Promise<Webhooks> {
  const tokens = await resolveWebhookTokens(o.env, o.stateFile);
  if (tokens.source === 'generated') o.logger.info({ file: tokens.file }, `generated a webhook token, kept in ${tokens.file} (mode 0600)`);
  const check = tokenChecker(tokens, { elapsed: () => o.clock.elapsed(), previousUntil: o.clock.elapsed() + f.graceMs });
  let target: WebhookTarget | undefined;
  const receiver = await startWebhookReceiver({ listen: f.listen, check, target: () => target, logger: o.logger });
  const baseUrl = f.url ?? formatAddress(receiver.address);
  const wiring = createWebhookWiring({ baseUrl, token: tokens.current, safetyPollMs: f.safetyPollMs }, o.logger);
  o.logger.info(
    { baseUrl, safetyPollMs: f.safetyPollMs, previousToken: Boolean(tokens.previous) },
    `webhooks on: Runware calls ${baseUrl}; safety poll at most every ${Math.round(f.safetyPollMs / 1000)} s`,
  );
  return {
    wiring,
    receiver,
    baseUrl,
    attach: (controller) => void (target = wiring.target(controller, o.clock)),
    close: () => receiver.close(),
  };
}
