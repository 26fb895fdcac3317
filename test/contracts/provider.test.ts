import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { createFakeProvider } from '../doubles/fake-provider.js';
import { startSimulator } from '../../src/provider/sim/server.js';
import { providerContract } from './provider-contract.js';

// The simulator's renders follow a simulated clock, so a busy machine cannot finish a render before the test polls.
providerContract('Runware HTTP driver → simulator', async () => {
  let now = 1_000_000;
  const sim = await startSimulator({ latency: { minMs: 200, maxMs: 200 }, now: () => now });
  return {
    provider: createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }),
    elapse: async (ms) => void (now += ms),
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
