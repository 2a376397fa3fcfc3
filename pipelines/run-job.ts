// The child side of the protocol in job.ts, shared by in-memory.ts and streaming.ts: parse the job,
// open the input (eagerly or lazily), apply the ONE plan (daily-summary.ts), execute it on the
// mode's engine, write the summary parquet (zstd, temp file + rename) and print ONE JSON line last.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { DataFrame, LazyDataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import {
  DAILY_TABLE_NAMES,
  nodeCapacity,
  podDaily,
  withinWindow,
  LABEL_ERROR_COLUMN,
  reduceHourly,
  summarizeDaily,
  type DailyTables,
  type SummaryInputs,
} from "./daily-summary.ts";
import { TABLE_KEYS, type TableKey } from "../src/contract/input-tables.ts";
import type { Job, JobFailure, JobReport, Mode } from "../src/contract/job.ts";
import { ownPeakRssKb, parseJob } from "./job-io.ts";
import {
  checkCsvHeaders,
  checkParquetSchemas,
  cloudOptionsOf,
  countRows,
  describePolarsError,
  discoverCsv,
  discoverParquet,
  discoverS3,
  InputError,
  locateBadLabels,
  locateReadError,
  readCsvTable,
  readParquetTable,
  scanCsvTable,
  scanParquetTable,
  type InputFiles,
} from "./read-inputs.ts";

const ROWS_IN_NAME: Record<TableKey, keyof JobReport["rowsIn"]> = {
  pod: "pod",
  storage: "storage",
  nodeLabels: "nodeLabels",
  namespaceLabels: "namespaceLabels",
};

async function discover(job: Job): Promise<InputFiles> {
  const input = job.input;
  if (input.kind === "csv") {
    const files = discoverCsv(input.dir);
    checkCsvHeaders(files);
    return files;
  }
  if (input.kind === "parquet") {
    const files = discoverParquet(input.dir);
    checkParquetSchemas(files);
    return files;
  }
  const files = await discoverS3(input);
  checkParquetSchemas(files, cloudOptionsOf(input));
  return files;
}

function writeSummary(df: DataFrame, output: string): void {
  mkdirSync(dirname(output), { recursive: true });
  const tmp = `${output}.tmp-${process.pid}`;
  try {
    df.writeParquet(tmp, { compression: "zstd" });
    renameSync(tmp, output);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Streaming mode reduces the hourly pod rows of big inputs in windows of whole days
 * (STREAMBENCH_CHUNK_DAYS, default 7; 0 = always one pass) once the pod table has more than
 * STREAMBENCH_WINDOW_MIN_ROWS rows (default 2,000,000; parquet footers give the count for free).
 * The group keys contain the day, so no group spans two windows and the windows' results just
 * concatenate. The window filter on interval_start reaches the parquet scan (row-group statistics),
 * so each window reads only its rows. Why: the streaming group-by keeps per-thread tables of every
 * group it has seen; at production-large (620,000 pod-days) one pass peaked at 1.0-1.3 GB, 7-day
 * windows at ~0.67 GB for about the same time. Small inputs skip it (each window costs a query).
 */
function envWholeNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, got "${v}"`);
  return n;
}

const DAY_MS = 86_400_000;

/** The window queries (built, not run): one per `days` whole days from the first to the last hour. */
function dayWindowQueries(pod: LazyDataFrame, reduce: (lf: LazyDataFrame) => LazyDataFrame, days: number): LazyDataFrame[] {
  const range = pod
    .select(
      pl.col("interval_start").min().cast(pl.Int64).cast(pl.Float64).alias("lo"), // (Int64 .get() truncates to 32 bits)
      pl.col("interval_start").max().cast(pl.Int64).cast(pl.Float64).alias("hi"),
    )
    .collectSync({ engine: "streaming" });
  const lo = range.getColumn("lo").get(0) as number | null;
  const hi = range.getColumn("hi").get(0) as number | null;
  if (lo === null || hi === null) return [reduce(pod)];
  const queries: LazyDataFrame[] = [];
  for (let from = Math.floor(lo / DAY_MS) * DAY_MS; from <= hi; from += days * DAY_MS) {
    queries.push(reduce(withinWindow(pod, from, from + days * DAY_MS)));
  }
  return queries;
}

/** Run one job in this process; prints the JobReport (or JobFailure) line and exits. */
export async function runJob(mode: Mode, argv: string[]): Promise<void> {
  const t0 = performance.now();
  let job: Job | undefined;
  try {
    job = parseJob(argv);
    const input = job.input;
    const enabledTagKeys = job.enabledTagKeys ?? null;
    const files = await discover(job);
    const rowsIn: JobReport["rowsIn"] = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };

    const tRead = performance.now();
    const tables = {} as Record<TableKey, LazyDataFrame>;
    if (mode === "in-memory") {
      // read every input file fully into DataFrames
      for (const key of TABLE_KEYS) {
        const df =
          input.kind === "csv" ? readCsvTable(files[key], key) : await readParquetTable(files[key], key, input);
        rowsIn[ROWS_IN_NAME[key]] = df.height;
        tables[key] = df.lazy();
      }
    } else {
      for (const key of TABLE_KEYS) {
        tables[key] = input.kind === "csv" ? scanCsvTable(files[key], key) : scanParquetTable(files[key], key, input);
      }
    }
    const inputs: SummaryInputs = {
      pod: tables.pod,
      storage: tables.storage,
      nodeLabels: tables.nodeLabels,
      namespaceLabels: tables.namespaceLabels,
    };
    const read = performance.now() - tRead;

    const tAgg = performance.now();
    // Step 1 (the heavy, data-sized part): the hourly rows reduced to daily tables, each collected
    // with this mode's engine. Step 2: the summary from those small tables (about 1/24 of the
    // input rows), also on this mode's engine (streaming: ~190 MB less peak than in-memory at
    // production-large). One plan definition (daily-summary.ts), executed in two steps: handed to
    // polars as one query, the daily tables are re-derived for every branch that reads them (no
    // common-subplan reuse across joins/concat in 0.26.1): 14 s instead of 0.5 s at the "large"
    // scale, and the streaming engine then peaked at 3.8 GB.
    const engine = mode === "streaming" ? "streaming" : "in-memory";
    const reduced = reduceHourly(inputs);
    let planMs = performance.now() - tAgg;
    const daily = {} as Record<(typeof DAILY_TABLE_NAMES)[number], LazyDataFrame>;
    let podRows = 0;
    try {
      // (CSV scans cannot skip rows by statistics: windows would re-read every file, so one pass)
      const windowDays =
        mode === "streaming" && input.kind !== "csv" ? envWholeNumber("STREAMBENCH_CHUNK_DAYS", 7) : 0;
      podRows = windowDays > 0 ? countRows(files.pod, "pod", input) : 0;
      const windowed = windowDays > 0 && podRows > envWholeNumber("STREAMBENCH_WINDOW_MIN_ROWS", 2_000_000);
      for (const name of DAILY_TABLE_NAMES) {
        if (windowed && (name === "podDaily" || name === "nodeCapacity")) {
          const tBuild = performance.now();
          const queries = dayWindowQueries(inputs.pod, name === "podDaily" ? podDaily : nodeCapacity, windowDays);
          planMs += performance.now() - tBuild;
          const parts = queries.map((q) => q.collectSync({ engine: "streaming" }));
          daily[name] = (parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" })).lazy();
        } else {
          daily[name] = reduced[name].collectSync({ engine }).lazy();
        }
      }
    } catch (e) {
      // the lazy engine reports a bad value without the file: find it by reading file by file
      throw mode === "streaming" ? locateReadError(files, input, e) : e;
    }
    const tPlan2 = performance.now();
    // nodejs-polars 0.26.1 under Node 20 spends ~1 ms of JS per Expr object it wraps, so building
    // this plan (~1,700 expressions) costs 1-3 s before polars runs anything (Deno: ~0.1 s)
    const summary = summarizeDaily(daily as DailyTables, { enabledTagKeys });
    planMs += performance.now() - tPlan2;
    let out = summary.collectSync({ engine });
    const aggregate = performance.now() - tAgg;

    if (out.getColumn(LABEL_ERROR_COLUMN).any()) throw locateBadLabels(files, input);
    out = out.drop(LABEL_ERROR_COLUMN);

    const tWrite = performance.now();
    writeSummary(out, job.output);
    const write = performance.now() - tWrite;
    const total = performance.now() - t0;

    if (mode === "streaming") {
      // bookkeeping, after the clock stopped: parquet counts come from the footers
      for (const key of TABLE_KEYS) rowsIn[ROWS_IN_NAME[key]] = key === "pod" && podRows > 0 ? podRows : countRows(files[key], key, input);
    }

    const cpu = process.cpuUsage();
    const report: JobReport = {
      ok: true,
      mode,
      engine: mode === "streaming" ? "streaming" : "in-memory",
      rowsIn,
      rowsOut: out.height,
      timings: { read, aggregate, write, total, plan: planMs },
      maxRSSKb: ownPeakRssKb(),
      cpu: { user: cpu.user, system: cpu.system },
    };
    process.stdout.write(JSON.stringify(report) + "\n");
    process.exit(0);
  } catch (e) {
    const failure: JobFailure = {
      ok: false,
      mode,
      error: e instanceof InputError ? e.message : `${e instanceof Error ? e.name + ": " : ""}${describePolarsError(e)}`,
      kind: e instanceof InputError ? "input" : "fault",
    };
    if (!(e instanceof InputError) && process.env.STREAMBENCH_DEBUG) console.error(e);
    process.stdout.write(JSON.stringify(failure) + "\n");
    process.exit(1);
  }
}
