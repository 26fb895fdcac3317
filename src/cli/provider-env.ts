// The one place the provider is chosen and built from the environment: the Runware HTTP API (key from
// RUNWARE_API_KEY / RUNWARE_API_KEY_FILE, URL from RUNWARE_API_URL), or the in-process simulator with
// --simulate. apply, run and `plan --verify-remote` all go through here.
import { ReelctlError } from '../errors.js';
import { apiUrl, resolveApiKey } from '../provider/runware/api-key.js';
import { createRunwareProvider, type RunwareProviderOptions } from '../provider/runware/http-provider.js';
import { startSimulator, type SimHandle, type SimOptions } from '../provider/sim/server.js';
import type { Provider } from '../provider/types.js';

/** Where the provider will come from, read from the environment before anything else is opened. */
export interface ProviderSource {
  simulate: boolean;
  /** The API key (undefined with --simulate: the simulator makes its own). */
  apiKey: string | undefined;
  baseUrl: string;
}

/**
 * Reads the key and the API URL. Without --simulate a missing key is an error now, before a state is locked
 * or a file written (`noKey` is the message, which names the command's way out).
 */
export function providerSource(simulate: boolean, env: NodeJS.ProcessEnv, noKey: string): ProviderSource {
  const apiKey = simulate ? undefined : resolveApiKey(env);
  if (!simulate && !apiKey) throw new ReelctlError(noKey, { code: 'config.no-key' });
  return { simulate, apiKey, baseUrl: apiUrl(env) };
}

export interface BuiltProvider {
  provider: Provider;
  /** The simulator behind the provider with --simulate (closed by the caller). */
  sim: SimHandle | undefined;
}

/** Starts the simulator when simulating, then builds the HTTP driver against it or against the API. */
export async function buildProvider(src: ProviderSource, o: { sim?: SimOptions; download?: RunwareProviderOptions['download'] } = {}): Promise<BuiltProvider> {
  const sim = src.simulate ? await startSimulator(o.sim ?? {}) : undefined;
  const provider = createRunwareProvider({
    baseUrl: sim?.url ?? src.baseUrl,
    apiKey: sim?.apiKey ?? src.apiKey!,
    ...(o.download ? { download: o.download } : {}),
  });
  return { provider, sim };
}
