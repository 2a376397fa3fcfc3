// What one benchmark run is asked to do: the engine's input, produced from flags and environment
// by the command layer (src/commands/run-config.ts).
import type { Mode } from "../contract/job.ts";
import type { S3Settings } from "../storage/client.ts";
import type { PgSettings } from "../db/settings.ts";
import type { Profile } from "../scales.ts";
import type { RunReport } from "../records/run-report.ts";
import type { FailOn } from "../compare/run-comparison.ts";
import type { Limits } from "../limits/limit-settings.ts";

export interface Config {
  /** Scale names in run order; ["input"] when the user brings data with --input. */
  scales: readonly string[];
  input: string | null;
  modes: readonly Mode[];
  /** Measured repetitions per (scale, mode), each a fresh process, modes interleaved A B B A. */
  repetitions: number;
  /** --runs auto (the default): `repetitions` first, then more rounds while verdicts are inconclusive, within this budget (src/run/sampling.ts); null: --runs N, a fixed count. */
  autoRuns: { budgetSeconds: number } | null;
  /** Warm-up runs per (scale, mode) before the measured ones: validated, recorded, in no figure. */
  warmup: number;
  seed: number;
  /** Data profile of the generated scales (constant or realistic); ignored with --input. */
  profile: Profile;
  relTolerance: number;
  absTolerance: number;
  /** Forced headless (also automatic without a terminal). */
  headless: boolean;
  /** The folder that receives streaming_comparison_<timestamp>/ and the latest link. */
  outRoot: string;
  bucket: string;
  schema: string;
  /** null: every label key is enabled. */
  enabledTagKeys: readonly string[] | null;
  /** An external S3 (MinIO); null: start the embedded S3 server. Holds a secret: print with describeS3. */
  s3: S3Settings | null;
  /** An external PostgreSQL; null: start embedded PGlite. Holds a password: print with describePg. */
  postgres: PgSettings | null;
  /**
   * STREAMBENCH_INJECT_FAULT=scale:mode alters one value of that run's summary before it is written,
   * to show that validation catches a wrong result and the run fails fast. Off unless set.
   */
  injectFault: { scale: string; mode: Mode } | null;
  /** `--baseline DIR|latest`: the earlier run this one is compared with at its end (read before it starts); null: none. */
  baseline: { against: string; report: RunReport } | null;
  /** `--fail-on slower[,memory]`: exit 6 when a figure is classed slower (higher) against the baseline. */
  failOn: readonly FailOn[];
  /** The noise band of the baseline comparison (--threshold, a fraction: 0.1 = ±10%). */
  threshold: number;
  /** duckdb mode: DuckDB's memory_limit (e.g. "2GB"); null = DuckDB's default (80% of RAM). */
  duckdbMemoryLimit: string | null;
  /** No answer from PostgreSQL for this long while a statement waits: the run gives up (exit 3). */
  pgTimeoutMs: number;
  /**
   * The limits every engine child runs under, one entry per --memory-limit of the list (run in
   * turn); one entry with memoryLimitBytes null when none is given (the machine guard then holds).
   */
  limits: readonly Limits[];
}

