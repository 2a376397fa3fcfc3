// The child side of the protocol in job.ts, shared by in-memory.ts and streaming.ts: parse the job,
// open the input (eagerly or lazily), apply the ONE plan (daily-summary.ts), execute it on the
// mode's engine, write the summary parquet (zstd, temp file + rename) and print ONE JSON line last.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { DataFrame, LazyDataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import {
  labelsDaily,
  LABEL_ERROR_COLUMN,
  nodeCapacity,
  keptPodUsageDaily,
  podUsageDaily,
  storageDaily,
  storagePods,
  summarizeDaily,
  withinWindow,
  type DailyTables,
  type SummaryInputs,
} from "./daily-summary.ts";
import { StageClock } from "./stage-clock.ts";
import { REPORT_TYPE, TABLE_KEYS, type TableKey } from "../src/contract/input-tables.ts";
import type { Job, JobInput, JobReport, Mode } from "../src/contract/job.ts";
import { exitWithFailure, exitWithReport, ownPeakRssKb, parseJob, writeFailure } from "./job-io.ts";
import {
  checkCsvHeaders,
  checkParquetSchemas,
  cloudOptionsOf,
  countRows,
  describePolarsError,
  discoverCsv,
  discoverParquet,
  discoverS3,
  findBadMeasure,
  InputError,
  locateBadLabels,
  locateReadError,
  readCsvTable,
  readParquetTable,
  scanCsvTable,
  scanParquetTable,
  type InputFiles,
} from "./read-inputs.ts";
import { checkCsvFiles } from "./csv-check.ts";

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
    checkMeasures(job, files);
    return files;
  }
  const files = await discoverS3(input);
  checkParquetSchemas(files, cloudOptionsOf(input));
  checkMeasures(job, files);
  return files;
}

/** Parquet input the parent has not vouched for: NaN, ±Infinity or missing measures are refused before reading. */
function checkMeasures(job: Job, files: InputFiles): void {
  if (job.measuresChecked) return;
  const bad = findBadMeasure(files, job.input);
  if (bad) throw bad;
}

function writeSummary(df: DataFrame, output: string): void {
  const tmp = `${output}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(output), { recursive: true });
    df.writeParquet(tmp, { compression: "zstd" });
    renameSync(tmp, output);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(e, "writing the summary: cannot write", output);
  }
}

/**
 * Optional (off by default): streaming mode reduces the hourly pod rows in windows of whole days
 * (STREAMBENCH_CHUNK_DAYS=N; 0 = one pass) once the pod table has more than
 * STREAMBENCH_WINDOW_MIN_ROWS rows (default 2,000,000). The group keys contain the day, so no group
 * spans two windows and the windows' results just concatenate. The window filter on interval_start
 * reaches the parquet scan (row-group statistics), so each window reads only its rows IF the files
 * are ordered by time. Why off: the generator writes node by node (each 100,000-row group spans
 * most of the month), so every window re-read nearly all of the pod table: at production-large
 * 5 windows cost ~7.0 s of CPU against 5.2 s for one pass of the per-pod roll-up they were made
 * for (620,000 groups, ~1.0 GB peak); the folded roll-up (124,000 groups) needs no windows.
 */
function envWholeNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, got "${v}"`);
  return n;
}

/**
 * Streaming mode: polars' parquet source reads ahead one row group at a time
 * (POLARS_ROW_GROUP_PREFETCH_SIZE=1) unless the user set it. The default read-ahead decodes many
 * row groups at once, and that, not the group-by state, was most of streaming's peak: at
 * production-large (14.88 M pod rows, 150 row groups of 100,000) the per-pod roll-up of a few
 * thousand output rows peaked at ~550-630 MB of anonymous RSS, ~270-290 MB with one row group ahead;
 * the whole child 752 -> ~390 MB (bench/aggregate.ts, issue 23). Same CPU time in the profile.
 * polars reads the variable when a scan starts, so setting it here, before the first query, works.
 */
export function boundParquetReadAhead(): void {
  process.env.POLARS_ROW_GROUP_PREFETCH_SIZE ??= "1";
}

const DAY_MS = 86_400_000;

/** The window queries (built, not run): one per `days` whole days from the first to the last hour. */
function dayWindowQueries(
  pod: LazyDataFrame,
  reduce: (lf: LazyDataFrame) => LazyDataFrame,
  days: number,
  clock: StageClock,
): LazyDataFrame[] {
  const [range] = clock.collect("pod day range (windows)", [
    pod.select(
      pl.col("interval_start").min().cast(pl.Int64).cast(pl.Float64).alias("lo"), // (Int64 .get() truncates to 32 bits)
      pl.col("interval_start").max().cast(pl.Int64).cast(pl.Float64).alias("hi"),
    ),
  ], "streaming");
  const lo = range.getColumn("lo").get(0) as number | null;
  const hi = range.getColumn("hi").get(0) as number | null;
  if (lo === null || hi === null) return [reduce(pod)];
  const queries: LazyDataFrame[] = [];
  for (let from = Math.floor(lo / DAY_MS) * DAY_MS; from <= hi; from += days * DAY_MS) {
    queries.push(reduce(withinWindow(pod, from, from + days * DAY_MS)));
  }
  return queries;
}

/** Every CSV read, as the job named it (the parent names them as the user gave them), with its report type and rows (counted after the clock stopped). */
function inputFileList(files: InputFiles, input: JobInput): NonNullable<JobReport["inputs"]> {
  const used = TABLE_KEYS.flatMap((key) => files[key].map((f) => ({ source: f.path, type: REPORT_TYPE[key], rows: countRows([f], key, input) })));
  return { used };
}

/**
 * The four input tables as this mode reads them: in-memory loads every file fully into DataFrames
 * (rowsIn counts them); streaming scans them lazily.
 */
async function readTables(mode: Mode, files: InputFiles, input: JobInput, rowsIn: JobReport["rowsIn"]): Promise<SummaryInputs> {
  const tables = {} as Record<TableKey, LazyDataFrame>;
  if (mode === "in-memory") {
    // read every input file fully into DataFrames
    for (const key of TABLE_KEYS) {
      const df =
        input.kind === "csv" ? readCsvTable(files[key], key) : await readParquetTable(files[key], key, input);
      rowsIn[key] = df.height;
      tables[key] = df.lazy();
    }
  } else {
    for (const key of TABLE_KEYS) {
      tables[key] = input.kind === "csv" ? scanCsvTable(files[key], key) : scanParquetTable(files[key], key, input);
    }
  }
  return {
    pod: tables.pod,
    storage: tables.storage,
    nodeLabels: tables.nodeLabels,
    namespaceLabels: tables.namespaceLabels,
  };
}

/**
 * Step 1 (the heavy, data-sized part): the hourly rows reduced to daily tables, each collected
 * with this mode's engine (see runJob). podRows: the pod rows counted to decide on day windows (0 if not counted).
 */
function collectDailyTables(
  mode: Mode,
  engine: "in-memory" | "streaming",
  inputs: SummaryInputs,
  files: InputFiles,
  input: JobInput,
  clock: StageClock,
): { daily: DailyTables; podRows: number } {
  let daily: DailyTables;
  let podRows = 0;
  try {
    // storage first: keptPodUsageDaily keeps the own daily rows of the pods it names
    const storage = clock.collect("storage daily (hourly -> daily)", [storageDaily(inputs.storage)], engine)[0];
    const windowDays =
      mode === "streaming" && input.kind !== "csv" ? envWholeNumber("STREAMBENCH_CHUNK_DAYS", 0) : 0;
    podRows = windowDays > 0 ? countRows(files.pod, "pod", input) : 0;
    const windowed = windowDays > 0 && podRows > envWholeNumber("STREAMBENCH_WINDOW_MIN_ROWS", 2_000_000);
    const podQueries = windowed
      ? dayWindowQueries(inputs.pod, podUsageDaily, windowDays, clock)
      : [podUsageDaily(inputs.pod)];
    const [kept] = clock.collect(
      "pod daily, storage + apiserver pods",
      [keptPodUsageDaily(inputs.pod, storagePods(storage))],
      engine,
    );
    const podParts = clock.collect("pod daily, folded (hourly -> daily)", podQueries, engine);
    const capacity = clock.collect("node capacity (hourly -> daily)", [nodeCapacity(inputs.pod)], engine)[0];
    const [nodeLabels, namespaceLabels] = clock.collect(
      "label rows daily (hourly -> daily)",
      [
        labelsDaily(inputs.nodeLabels, "node", "node_labels"),
        labelsDaily(inputs.namespaceLabels, "namespace", "namespace_labels"),
      ],
      engine,
    );
    daily = {
      podDaily: (podParts.length === 1 ? podParts[0] : pl.concat(podParts, { how: "vertical" })).lazy(),
      keptPodDaily: kept.lazy(),
      nodeCapacity: capacity.lazy(),
      storageDaily: storage.lazy(),
      nodeLabelsDaily: nodeLabels.lazy(),
      namespaceLabelsDaily: namespaceLabels.lazy(),
    };
  } catch (e) {
    // the lazy engine reports a bad value without the file: find it by reading file by file
    throw mode === "streaming" ? locateReadError(files, input, e) : e;
  }
  return { daily, podRows };
}

/** Run one job in this process; prints the JobReport (or JobFailure) line and exits. */
export async function runJob(mode: Mode, argv: string[]): Promise<void> {
  try {
    // performance.timeOrigin is the process start: this is start-to-ready (runtime, tsx, polars
    // loaded). A child started ahead of its job then waits for it on stdin, off the clock.
    const ready = performance.now();
    const job = parseJob(argv);
    const clock = new StageClock(job.profile === true);
    if (mode === "streaming") boundParquetReadAhead();
    const input = job.input;
    const enabledTagKeys = job.enabledTagKeys ?? null;

    // read: discovering the files (CSV input comes staged by the parent), and (in-memory) loading them
    const tRead = performance.now();
    const files = await discover(job);
    const rowsIn: JobReport["rowsIn"] = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
    // CSV: polars reads short rows, cut files, NaN and bad timestamps without a word; check first
    const csvRows = input.kind === "csv" ? checkCsvFiles(files) : undefined;
    const inputs = await readTables(mode, files, input, rowsIn);
    const read = performance.now() - tRead;

    // Step 1 (the heavy, data-sized part): the hourly rows reduced to daily tables, each collected
    // with this mode's engine. Step 2: the summary from those small tables (about 1/24 of the
    // input rows or fewer), also on this mode's engine. One plan definition (daily-summary.ts),
    // executed in two steps: handed to polars as one query, the daily tables are re-derived for
    // every branch that reads them (no common-subplan reuse across joins/concat in 0.26.1): 14 s
    // instead of 0.5 s at the "large" scale, and the streaming engine then peaked at 3.8 GB.
    const tAgg = performance.now();
    const engine = mode === "streaming" ? "streaming" : "in-memory";
    const { daily, podRows } = collectDailyTables(mode, engine, inputs, files, input, clock);
    // profiled: every reused intermediate is collected as its own stage (the plan is built
    // between them); otherwise cache()d as in a normal run
    const reuse = clock.enabled
      ? (stage: string, lf: LazyDataFrame) => clock.collect(stage, [lf], engine)[0].lazy()
      : undefined;
    const summary = summarizeDaily(daily, { enabledTagKeys, reuse });
    let out = clock.collect(clock.enabled ? "Unallocated rows + union" : "summary", [summary], engine)[0];
    if (out.getColumn(LABEL_ERROR_COLUMN).any()) throw locateBadLabels(files, input);
    out = out.drop(LABEL_ERROR_COLUMN);
    const aggregate = performance.now() - tAgg;
    // everything in step 1 and 2 that was not polars running a query is building plans in JS
    const plan = aggregate - clock.collectMs;
    const execute = aggregate - plan;

    const tWrite = performance.now();
    clock.time("write summary", () => writeSummary(out, job.output));
    const write = performance.now() - tWrite;
    const total = read + plan + execute + write;

    if (mode === "streaming") {
      // bookkeeping, after the clock stopped: parquet counts come from the footers
      for (const key of TABLE_KEYS) {
        rowsIn[key] = csvRows !== undefined ? csvRows[key] : key === "pod" && podRows > 0 ? podRows : countRows(files[key], key, input);
      }
    }

    const cpu = process.cpuUsage();
    const inputList = input.kind === "csv" ? inputFileList(files, input) : undefined;
    const report: JobReport = {
      ...(inputList ? { inputs: inputList } : {}),
      ok: true,
      mode,
      engine: mode === "streaming" ? "streaming" : "in-memory",
      rowsIn,
      rowsOut: out.height,
      timings: { ready, read, plan, execute, write, total, aggregate },
      ...(clock.enabled ? { stages: clock.stages } : {}),
      // (the profile resets the high-water mark per stage and keeps the highest)
      maxRSSKb: Math.max(ownPeakRssKb(), clock.maxPeakMb * 1024),
      cpu: { user: cpu.user, system: cpu.system },
    };
    exitWithReport(report);
  } catch (e) {
    exitWithFailure(mode, e, describePolarsError);
  }
}
