import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { createFakeProvider } from '../doubles/fake-provider.js';
import { startSimulator } from '../../src/provider/sim/server.js';
import { providerContract } from './provider-contract.js';

providerContract('Runware HTTP driver → simulator', async () => {
  const sim = await startSimulator({ latency: { minMs: 200, maxMs: 200 } });
  return {
    provider: createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }),
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => sim.close(),
  };
});

providerContract('in-memory fake', async () => {
  let now = 1_000_000;
  return {
    provider: createFakeProvider({ latencyMs: 200, now: () => now }),
    elapse: async (ms) => void (now += ms),
    close: async () => undefined,
  };
});
