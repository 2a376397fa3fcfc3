// What a run was asked for and what it ran against, as summary.json's `settings` records it
// (run/lifecycle.ts recordedSettings makes it; the report's "## Settings" lists it, compare/ reads
// profile, seed, input, limits and the services to tell whether two runs are alike). The keys are
// those summary.json has always written: `runs` is the --runs flag's count, under the flag's name.
// No secrets: the services are described, never their credentials. Types only.
import type { Mode } from "../contract/job.ts";

export interface RunSettings {
  /** Scale names in run order; ["input"] with --input. */
  scales: readonly string[];
  /** --input as given; null for generated scales. */
  input: string | null;
  modes: readonly Mode[];
  /** --runs: measured rounds per (scale, mode); with --runs auto, the first rounds (see runsAuto). */
  runs: number;
  /** --runs auto (the default): the rounds it starts with and the seconds of extra rounds allowed (--budget). */
  runsAuto?: { firstRuns: number; budgetSeconds: number };
  /** --warmup: warm-up runs per (scale, mode), in no figure. */
  warmup: number;
  seed: number;
  /** The generated data's profile ("constant" or "realistic", scales.ts PROFILES), or "input" with --input. */
  profile: string;
  relTolerance: number;
  absTolerance: number;
  /** The label keys enabled, or "all". */
  enabledTagKeys: readonly string[] | "all";
  /** The S3 server, described (run/services.ts): "http://127.0.0.1:9000 (access key ...), bucket b (embedded s3rver)". */
  s3: string;
  /** The PostgreSQL server, described: "postgres@db:5432/koku" or "... (embedded PGlite)". */
  postgres: string;
  /** The PostgreSQL schema the summaries are written to. */
  schema: string;
  limits: SettingsLimits;
  /** `streambench sweep`: the ladder's scale names ("pods-100", ...). */
  ladder?: string[];
  /** A rerun from the monitor (r, a): the folder of the run it reran, where the other scales' logs stay. */
  rerunOf?: string;
}

/**
 * settings as a summary.json holds it: a run records a whole RunSettings; a summary of an older
 * version lacks the settings added since, and its limits some of their fields (read them as not
 * recorded), and a test's report gives only those it needs.
 */
export type RecordedSettings = Partial<Omit<RunSettings, "limits">> & { limits?: Partial<SettingsLimits> };

/**
 * settings.limits: what the children ran under and what held them, one shape for every run (each
 * run's own `limits` is a RunLimits, run-report.ts). Older summaries lack it, or some of its fields.
 */
export interface SettingsLimits {
  /** The first or only --memory-limit; null: none given. */
  memoryLimitBytes: number | null;
  /** Every --memory-limit of the list, in run order (empty: none). */
  memoryLimitsBytes: number[];
  cpus: number | null;
  preset: string | null;
  /** With a preset: what it stands for, in words. */
  presetFigures?: string | null;
  timeoutSeconds: number | null;
  /** Without a limit: the guard's cap (a share of MemAvailable at the start); null with a limit or when it cannot be read. */
  guardBytes: number | null;
  /** What held the children, as probed at the start: "cgroup v1", "cgroup v2" or "watchdog". */
  enforcement: string;
  /** What each mode's engine was told of its budget, in words. */
  told: Partial<Record<Mode, string>>;
}
