// Every target the issues set. The report joins measured results to this list, so a target with no
// case still shows up as "not measured" — none is dropped quietly.
export const TARGETS: { case: string; measure: string; target: string }[] = [
  { case: 'plan 1k manifests', measure: 'time ÷ parse floor', target: '≤ 1.5×' },
  { case: 'plan 10k manifests', measure: 'time ÷ parse floor', target: '≤ 1.5×' },
  { case: 'plan 10k manifests', measure: 'wall time', target: '< 3 s' },
  { case: 'plan 10k manifests', measure: 'peak RSS', target: '< 300 MB' },
  { case: 'validate 10k manifests', measure: 'time ÷ parse floor', target: '≤ 2×' },
  { case: '200 videos, 30 s renders', measure: 'API requests per video', target: '≤ 0.25' },
  { case: '200 videos, 30 s renders', measure: 'naive requests ÷ ours', target: '≥ 50×' },
  { case: '200 videos, 30 s renders', measure: 'added latency vs naive', target: '≤ 1 poll interval' },
  { case: '200 videos at concurrency C', measure: 'makespan ÷ ideal', target: '≤ 1.15' },
  { case: 'daemon', measure: 'saved manifest → submit', target: '≤ 500 ms' },
  { case: '10,000 tracked videos', measure: 'daemon RSS', target: '≤ 200 MB' },
  { case: '10,000 tracked videos', measure: 'one state save', target: '≤ 50 ms' },
  { case: 'webhooks, 20 videos', measure: 'getResponse per video (webhooks on)', target: '≤ 1.2' },
  { case: 'webhooks, 20 videos', measure: 'webhook → download start', target: '≤ 500 ms' },
  { case: '1 GB download from the simulator', measure: 'throughput ÷ raw stream copy', target: '≥ 0.8' },
  { case: '1 GB download from the simulator', measure: 'RSS growth', target: '< 50 MB' },
  { case: 'plan 10k videos, PostgreSQL state', measure: 'time ÷ file state', target: '≤ 2×' },
  { case: 'status 10k videos, PostgreSQL state', measure: 'time ÷ file state', target: '≤ 2×' },
  { case: 'one state save, PostgreSQL state', measure: 'median', target: '≤ 10 ms' },
  { case: 'claim throughput, 3 replicas', measure: 'videos claimed per second', target: '≥ 100/s' },
];
