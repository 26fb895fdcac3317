// What every benchmark case reports to the harness (bench/run.ts). Figures are ratios measured side by
// side in one run against a peer (floor or naive baseline), with min/median/max over repeats.

export interface BenchContext {
  /** --quick: smaller inputs, fewer repeats (CI smoke, < 2 minutes in all). */
  quick: boolean;
  /** Scratch directory under the OS temp dir, removed after the run. */
  tmpDir: string;
  /** Seeded PRNG factory for generated inputs. */
  seed: number;
  log(msg: string): void;
}

export interface BenchResult {
  /** e.g. 'plan 10k manifests' */
  case: string;
  /** e.g. 'time ÷ parse floor' */
  measure: string;
  /** The headline figure (median of samples when repeated). */
  value: number;
  unit: string;
  /** Human target, e.g. '≤ 1.5×' */
  target: string;
  met: boolean;
  samples?: number[];
  /** Raw figures behind the ratio (ms, bytes, counts) for the JSON report. */
  details?: Record<string, unknown>;
  /** Why a target is not met and what would reach it. */
  note?: string;
  /** The BenchCase that measured it (set by the harness). */
  benchCase?: string;
}

export interface BenchCase {
  name: string;
  /**
   * Runs in quick mode; a full run skips it unless `--only` names it exactly: its size is one a full run
   * already measures in another case (daemon-50k-tracked inside daemon-scale).
   */
  quickOnly?: boolean;
  /** Runs only when `--only` names it exactly (a size too long for every full run: daemon-100k-tracked). */
  namedOnly?: boolean;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
