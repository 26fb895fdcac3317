// Every benchmark case, in the order they run.
import type { BenchCase } from './harness-api.js';
import { cases as plan } from './plan.js';
import { cases as planCpu } from './plan-cpu.js';
import { cases as startup } from './startup.js';
import { cases as reconcile } from './reconcile.js';
import { cases as daemon } from './daemon.js';
import { cases as daemonScale } from './daemon-scale.js';
import { cases as download } from './download.js';
import { cases as webhooks } from './webhooks.js';
import { cases as pgState } from './pg-state.js';

export const allCases: BenchCase[] = [...plan, ...planCpu, ...startup, ...reconcile, ...daemon, ...daemonScale, ...webhooks, ...download, ...pgState];
