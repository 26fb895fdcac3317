// Preloaded into a measured child process (`node --import …/process-report.js`): on exit it writes the
// process's wall time since this module loaded, its CPU (user + sys, every thread) and its peak RSS to
// the file named by BENCH_REPORT, so a bench can compare whole processes (reelctl's CLI, a floor script).
import { writeFileSync } from 'node:fs';

const t0 = performance.now();
const out = process.env.BENCH_REPORT;
if (out)
  process.once('exit', (code) => {
    const cpu = process.cpuUsage();
    writeFileSync(
      out,
      JSON.stringify({ code, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }),
    );
  });
