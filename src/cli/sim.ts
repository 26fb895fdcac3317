// `reelctl sim`: a Runware-compatible simulator on 127.0.0.1 serving real playable files.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { startSimulator } from '../provider/sim/server.js';
import { parseVariants, SIM_VARIANTS } from '../provider/sim/variants.js';
import { simView } from './views/sim.js';

interface SimFlags {
  port: string;
  latency: string;
  failRate: string;
  apiKey?: string;
  rate429: string;
  dropRate: string;
  urlTtl?: string;
  variant?: string;
}

const num = (v: string, name: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number from ${min} to ${max}, got "${v}"`);
  return n;
};

export function register(program: Command): void {
  program
    .command('sim')
    .summary('run a Runware-compatible simulator on 127.0.0.1 (no key, nothing spent)')
    .description(
      'Run a Runware-compatible simulator on 127.0.0.1: the same wire protocol, async renders, costs from the price table,\nand real playable MP4/WEBM/MOV files. Point reelctl at it with RUNWARE_API_URL and RUNWARE_API_KEY.',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '8787')
    .option('--latency <ms>', 'mean render time in ms (uniform ±50%)', '3000')
    .option('--fail-rate <p>', 'share of renders that fail with a generation error (0..1)', '0')
    .option('--rate-429 <p>', 'share of API requests answered 429 (0..1)', '0')
    .option('--drop-rate <p>', 'share of API requests processed but answered by a dropped connection (0..1)', '0')
    .option('--url-ttl <seconds>', 'how long result URLs stay valid')
    .option('--api-key <key>', 'the key the simulator accepts (default: printed at start)')
    .option('--variant <names>', 'answer in these protocol variants, comma-separated (see below)')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl sim --port 8787 --api-key dev-key &\n  RUNWARE_API_URL=http://127.0.0.1:8787/v1 RUNWARE_API_KEY=dev-key reelctl apply\n  reelctl sim --latency 500 --fail-rate 0.1 --rate-429 0.2   # a flaky API for demos\n  curl -s 127.0.0.1:8787/_sim/stats\n  reelctl sim --variant nested-errors,taskless-conflicts   # Runware-shaped answers reelctl must survive\n\nVariants:\n' +
        Object.entries(SIM_VARIANTS)
          .map(([k, d]) => `  ${k.padEnd(25)} ${d}`)
          .join('\n'),
    )
    .action(async (f: SimFlags) => {
      const latency = num(f.latency, '--latency', 0, 3_600_000);
      const variants = parseVariants(f.variant);
      const sim = await startSimulator({
        port: num(f.port, '--port', 0, 65535),
        latency: { minMs: latency * 0.5, maxMs: latency * 1.5 },
        ...(f.apiKey ? { apiKey: f.apiKey } : {}),
        variants,
        ...(f.urlTtl ? { urlTtlMs: num(f.urlTtl, '--url-ttl', 1, 1e7) * 1000 } : {}),
        faults: {
          generationFailureRate: num(f.failRate, '--fail-rate', 0, 1),
          rate429: num(f.rate429, '--rate-429', 0, 1),
          dropAfterAcceptRate: num(f.dropRate, '--drop-rate', 0, 1),
        },
      });
      simView(process.stdout).listening({ url: sim.url, apiKey: sim.apiKey, origin: sim.origin, variants });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await sim.close();
    });
}
