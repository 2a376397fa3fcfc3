// Environment + flags -> one frozen Config (src/run/config.ts) for a benchmark run, validated
// with clear errors.
import { resolve } from "node:path";
import { ALL_MODES, isMode, POLARS_MODES, type Mode } from "../contract/job.ts";
import { UsageError } from "../errors.ts";
import { list, nonNegativeInteger, parseFlags, positiveInteger } from "./flags.ts";
import { DEFAULT_TOLERANCE, MAX_RELATIVE_TOLERANCE, parseTolerance } from "../validate/tolerance.ts";
import { DEFAULT_PROFILE, DEFAULT_SCALE_SEED, parseProfile, type Profile } from "../scales.ts";
import { resolveBucket, s3SettingsFromEnv } from "../storage/settings.ts";
import { pgSettingsFromEnv } from "../db/settings.ts";
import { DEFAULT_PG_ANSWER_TIMEOUT_MS, PG_SILENCE_NOTICE_MS } from "../db/answer-watch.ts";
import { stageLimitFromEnv } from "../input/stage-files.ts";
import type { Config } from "../run/config.ts";
import { describeRun, loadRun } from "../compare/run-source.ts";
import { AUTO_FIRST_RUNS, AUTO_MAX_RUNS, DEFAULT_BUDGET_SECONDS } from "../run/sampling.ts";
import { DEFAULT_THRESHOLD } from "../compare/run-comparison.ts";
import { parseFailOn, parseThreshold } from "./compare.ts";
import { enforcementWanted, LIMIT_PRESETS, limitsFromFlags } from "../limits/limit-settings.ts";

export const DEFAULT_SCALES = ["small", "medium", "large"];
/** The same default as `streambench generate --scale`, so it reproduces a run's data. */
export const DEFAULT_SEED = DEFAULT_SCALE_SEED;

/** The help lines of the flags `run` and `sweep` share word for word: output, services, front end. */
export const SHARED_FLAGS_HELP = `  --enabled-tag-keys LIST label keys kept in the summary (default: every key)
  --out DIR               put the run folder under DIR instead of results/
  --bucket NAME           S3 bucket (default $STREAMBENCH_BUCKET or cost-management)
  --s3-endpoint URL       S3 endpoint (default $AWS_ENDPOINT_URL; unset: embedded S3 server)
  --database-url URL      PostgreSQL (default $DATABASE_URL or PG*; unset: embedded PGlite)
  --schema NAME           PostgreSQL schema (default org1234567)
  --pg-timeout SECONDS    give up (exit 3) when PostgreSQL has not answered a statement for this
                          long (default $STREAMBENCH_PG_TIMEOUT or ${DEFAULT_PG_ANSWER_TIMEOUT_MS / 1000}); it says so after ${PG_SILENCE_NOTICE_MS / 1000} s
  --headless              plain progress lines instead of the terminal UI (automatic without a terminal)
  -h, --help              this help
`;

export const RUN_HELP = `streambench run: the benchmark. For each scale: generate nise data, upload it to S3,
aggregate it in-memory and streaming (each in its own process), write the summary to
PostgreSQL, read it back, validate it against the reference, and write reports.

Flags:
  --scales LIST           scales to run, comma-separated (default small,medium,large).
                          Known: small, medium, large, xlarge, xxlarge, production-small,
                          production-medium, production-large, production-xlarge (37.2 M rows),
                          production-xxlarge (74.4 M rows)
  --input PATH            run on data you bring instead of generated scales:
                          - a folder of nise CSV files, plain or gzipped (.csv.gz), split parts mixed;
                          - koku-metrics-operator payloads (.tar.gz with manifest.json and
                            <uuid>_openshift_report.<n>.csv; type from the CSV header, cluster id from
                            the manifest), one payload, a folder of them or of their extracted folders;
                          - s3://bucket/prefix: a Koku parquet tree (data/<org>/OCP/source=<uuid>/
                            year=/month=/<table>/*.parquet) on the S3 endpoint below. Read-only:
                            nothing is uploaded to or deleted from that bucket; streaming scans the
                            objects in place, in-memory downloads them, the reference reads them too.
                          Files that are not OCP data or of a report type the summary does not use
                          (VM, GPU, ROS) are listed as skipped; summary.json lists every file read.
  --modes LIST            any of in-memory, streaming, duckdb, postgres (default in-memory,streaming).
                          duckdb: DuckDB in the child over the parquet (fetched from S3 first);
                          postgres: the hourly rows loaded into PostgreSQL (the run's DATABASE_URL
                          server, or a PGlite the child hosts) and the same SQL run there
  --duckdb-memory-limit S DuckDB's memory_limit for the duckdb mode, e.g. 2GB (default: 80% of --memory-limit,
                          else DuckDB's: 80% of RAM)
  --memory-limit LIST     cap on each engine child's memory, e.g. 750MiB or 4GiB; a list (400MiB,750MiB)
                          runs every scale under each in turn. Held by a control group of the child's own
                          (cgroup v2 or v1) where one can be made, else by a watchdog on its RSS; a child
                          over it ends as OOM, a measured outcome (the run goes on). Default: a guard at
                          90% of the memory available at the start
  --cpus N                CPUs per engine child (fractional, e.g. 0.2): cgroup CPU quota (watchdog path:
                          affinity to whole cores); polars and DuckDB get ceil(N) threads
  --limits PRESET         a deployed worker's limits: ${Object.entries(LIMIT_PRESETS).map(([name, p]) => `${name} (${p.what.split(": ")[1]})`).join(", ")}
  --timeout DURATION      per child run, e.g. 90s or 5m: a child still running then ends as TIMEOUT
  --runs auto|N           repetitions per scale and mode, each in a fresh process, the modes
                          interleaved (A B B A ...); verdicts carry a 95% interval. auto (default):
                          ${AUTO_FIRST_RUNS} each, then one more round at a time while a verdict (or, with
                          --baseline, a change against it) is inconclusive and its estimate says
                          up to ${AUTO_MAX_RUNS} runs would settle it; the report says why each scale stopped
  --budget S              --runs auto: seconds of extra rounds for the whole run, shared by the
                          scales (default ${DEFAULT_BUDGET_SECONDS}: the default run stays within about 30 s)
  --warmup N              warm-up runs per scale and mode before those, validated but left out
                          of every figure (default 0)
  --seed N                seed of the generated data (default ${DEFAULT_SEED})
  --profile NAME          data of the generated scales: constant (default; one usage value per pod
                          for the month, as the earlier benchmark) or realistic (usage drawn every
                          hour as nise draws it, pods starting/ending within the month, labels
                          changing on some day)
  --tolerance R           relative tolerance of the validation, up to ${MAX_RELATIVE_TOLERANCE} (default ${DEFAULT_TOLERANCE.relTolerance})
  --baseline DIR|latest   compare with an earlier run at the end (a run folder, its summary.json, or
                          latest under --out): "Against the baseline" in COMPARISON_REPORT.md,
                          derived.baseline in summary.json, each mode's change in the monitor
  --fail-on LIST          with --baseline: slower and/or memory; exit 6 when a duration is classed
                          slower (memory: a peak higher) against the baseline; never on inconclusive
  --threshold P           the baseline comparison's noise band in percent (default 10)
${SHARED_FLAGS_HELP}
Services (nothing set: embedded S3 server and embedded PGlite, no setup needed):
  S3          AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, STREAMBENCH_BUCKET
  PostgreSQL  DATABASE_URL, or PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE
`;

/** The flags of `run`; `sweep` takes the same ones except --scales and --input. */
export const RUN_FLAGS = {
  scales: { type: "string" },
  input: { type: "string" },
  modes: { type: "string" },
  "duckdb-memory-limit": { type: "string" },
  "memory-limit": { type: "string" },
  cpus: { type: "string" },
  limits: { type: "string" },
  timeout: { type: "string" },
  runs: { type: "string" },
  budget: { type: "string" },
  warmup: { type: "string" },
  seed: { type: "string" },
  profile: { type: "string" },
  tolerance: { type: "string" },
  "enabled-tag-keys": { type: "string" },
  out: { type: "string" },
  bucket: { type: "string" },
  "s3-endpoint": { type: "string" },
  "database-url": { type: "string" },
  schema: { type: "string" },
  baseline: { type: "string" },
  "fail-on": { type: "string" },
  threshold: { type: "string" },
  "pg-timeout": { type: "string" },
  headless: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Repetitions per (scale, mode) by default: --runs auto (src/run/sampling.ts), AUTO_FIRST_RUNS
 * first, then more only where a verdict is inconclusive and would likely settle, within --budget.
 * A fixed count could not be right for every scale: with 3, this VM's 10-20% run-to-run noise left
 * half the default verdicts inconclusive in one run and settled in the next; 4 for all took 24-29 s
 * and still left large's memory verdict to chance; 5 for all took 34-38 s.
 * --runs N fixes the count.
 */
function runsFromFlags(flags: RunFlagValues): Pick<Config, "repetitions" | "autoRuns"> {
  const auto = flags.runs === undefined || flags.runs === "auto";
  if (!auto && flags.budget !== undefined) throw new UsageError("--budget goes with --runs auto (the default), not with a fixed --runs N");
  if (!auto) return { repetitions: positiveInteger(flags.runs!, "--runs"), autoRuns: null };
  return { repetitions: AUTO_FIRST_RUNS, autoRuns: { budgetSeconds: flags.budget !== undefined ? parseBudget(flags.budget) : DEFAULT_BUDGET_SECONDS } };
}

/** --budget: seconds, "20" or "20s" (0: no extra runs). */
function parseBudget(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*s?\s*$/.exec(value);
  if (!m) throw new UsageError(`--budget must be seconds (e.g. 20 or 20s), got "${value}"`);
  return Number(m[1]);
}

/**
 * --baseline, --fail-on, --threshold. The baseline is read now, before the run moves `latest` to
 * itself, so a missing or unreadable one stops the run before any work (exit 2).
 */
function baselineFromFlags(flags: RunFlagValues, outRoot: string): Pick<Config, "baseline" | "failOn" | "threshold"> {
  if (flags["fail-on"] !== undefined && flags.baseline === undefined) throw new UsageError("--fail-on needs --baseline DIR|latest: the run it is compared with");
  const loaded = flags.baseline !== undefined ? loadRun(flags.baseline, outRoot, "--baseline") : null;
  return {
    baseline: loaded ? { against: describeRun(loaded), report: loaded.report } : null,
    failOn: flags["fail-on"] !== undefined ? parseFailOn(flags["fail-on"]) : [],
    threshold: flags.threshold !== undefined ? parseThreshold(flags.threshold) : DEFAULT_THRESHOLD,
  };
}

export type ConfigOrHelp = { help: true } | { help: false; config: Config };

export type RunFlagValues = Omit<ReturnType<typeof parseFlags<typeof RUN_FLAGS>>, "help">;

export function configFromArgs(argv: string[], env: Record<string, string | undefined>, knownScales: readonly string[], cwd = process.cwd()): ConfigOrHelp {
  const flags = parseFlags(argv, RUN_FLAGS, "run");
  if (flags.help) return { help: true };
  return { help: false, config: configFromFlags(flags, env, knownScales, cwd) };
}

/** Parsed flag values + environment -> the frozen Config (shared by `run` and `sweep`). */
export function configFromFlags(flags: RunFlagValues, env: Record<string, string | undefined>, knownScales: readonly string[], cwd = process.cwd()): Config {
  if (flags.input !== undefined && flags.scales !== undefined) {
    throw new UsageError("--input and --scales exclude each other: --input runs on the data you bring");
  }
  if (flags.input !== undefined && flags.profile !== undefined) {
    throw new UsageError("--input and --profile exclude each other: --profile shapes generated data, --input is yours");
  }
  if (flags.input !== undefined) stageLimitFromEnv(env); // STREAMBENCH_STAGE_LIMIT checked before any work
  const scales = flags.input !== undefined ? ["input"] : flags.scales !== undefined ? list(flags.scales) : DEFAULT_SCALES;
  if (scales.length === 0) throw new UsageError("--scales needs at least one scale name");
  for (const scale of scales) {
    if (flags.input === undefined && !knownScales.includes(scale)) {
      throw new UsageError(`--scales: unknown scale "${scale}" (known: ${knownScales.join(", ")})`);
    }
  }
  if (new Set(scales).size !== scales.length) throw new UsageError("--scales lists a scale twice");
  const modes = flags.modes !== undefined ? list(flags.modes) : [...POLARS_MODES];
  for (const mode of modes) {
    if (!isMode(mode)) throw new UsageError(`--modes: unknown mode "${mode}" (expected ${ALL_MODES.join(", ")})`);
  }
  if (modes.length === 0 || new Set(modes).size !== modes.length) throw new UsageError(`--modes needs one or more of ${ALL_MODES.join(", ")}, each once`);
  const duckdbMemoryLimit = flags["duckdb-memory-limit"]?.trim() || null;
  if (duckdbMemoryLimit !== null && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i.test(duckdbMemoryLimit)) {
    throw new UsageError(`--duckdb-memory-limit: expected a size such as 512MB or 4GB, got "${duckdbMemoryLimit}"`);
  }
  const relTolerance = flags.tolerance !== undefined ? parseTolerance(flags.tolerance) : DEFAULT_TOLERANCE.relTolerance;
  const schema = flags.schema ?? "org1234567";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new UsageError(`--schema "${schema}" is not a plain lower-case PostgreSQL identifier`);
  if (/^pg_/.test(schema) || schema === "information_schema") {
    throw new UsageError(`--schema "${schema}": a PostgreSQL system schema (names starting "pg_" and information_schema are reserved); give a schema of your own`);
  }
  const bucket = resolveBucket(env, flags.bucket);
  const enabledTagKeys = flags["enabled-tag-keys"] !== undefined ? list(flags["enabled-tag-keys"]) : null;
  const s3 = s3SettingsFromEnv(env, { bucket, endpoint: flags["s3-endpoint"] });
  const postgres = pgSettingsFromEnv(env, { databaseUrl: flags["database-url"] });
  let injectFault: Config["injectFault"] = null;
  const fault = env.STREAMBENCH_INJECT_FAULT?.trim();
  if (fault) {
    const [scale, mode] = fault.split(":");
    if (!scale || !isMode(mode)) throw new UsageError(`STREAMBENCH_INJECT_FAULT must be scale:mode (e.g. small:streaming), got "${fault}"`);
    injectFault = { scale, mode: mode as Mode };
  }
  enforcementWanted(env); // checked now: a bad value stops the run before any service starts
  const outRoot = resolve(cwd, flags.out ?? "results");
  const config: Config = {
    scales,
    input: flags.input === undefined ? null : flags.input.startsWith("s3://") ? flags.input : resolve(cwd, flags.input),
    modes: modes as Mode[],
    ...runsFromFlags(flags),
    warmup: flags.warmup !== undefined ? nonNegativeInteger(flags.warmup, "--warmup") : 0,
    seed: flags.seed !== undefined ? nonNegativeInteger(flags.seed, "--seed") : DEFAULT_SEED,
    profile: flags.profile !== undefined ? parseProfile(flags.profile) : DEFAULT_PROFILE,
    relTolerance,
    absTolerance: DEFAULT_TOLERANCE.absTolerance,
    headless: flags.headless ?? false,
    outRoot,
    bucket,
    schema,
    enabledTagKeys,
    s3,
    postgres,
    injectFault,
    duckdbMemoryLimit,
    ...baselineFromFlags(flags, outRoot),
    pgTimeoutMs: pgTimeoutMs(flags["pg-timeout"], env.STREAMBENCH_PG_TIMEOUT),
    limits: limitsFromFlags(flags),
  };
  return Object.freeze(config);
}

/** --pg-timeout, else STREAMBENCH_PG_TIMEOUT, else the default: whole seconds, at least the notice's. */
function pgTimeoutMs(flag: string | undefined, env: string | undefined): number {
  const [raw, name] = flag !== undefined ? [flag, "--pg-timeout"] : env?.trim() ? [env, "STREAMBENCH_PG_TIMEOUT"] : [undefined, ""];
  if (raw === undefined) return DEFAULT_PG_ANSWER_TIMEOUT_MS;
  const seconds = positiveInteger(raw, name);
  if (seconds * 1000 < PG_SILENCE_NOTICE_MS) throw new UsageError(`${name}: expected ${PG_SILENCE_NOTICE_MS / 1000} seconds or more, got ${raw}`);
  return seconds * 1000;
}
