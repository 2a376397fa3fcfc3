// Entry: the postgres mode, as Koku self-hosted runs the summary: the hourly rows are loaded into
// staging tables of a PostgreSQL (a PGlite this child hosts, or the server of job.database) and the
// project's ONE SQL definition (pipelines/sql/daily-summary-sql.ts) runs there. DuckDB only reads
// the input: S3 objects fetched with the AWS SDK, parquet/CSV turned into CSV chunks for COPY; it
// is closed before the query runs. Timings: read = download + convert + COPY + ANALYZE (load
// apart), aggregate = the query, write = COPY the result out + summary parquet.
// Job JSON in argv[2] or on stdin; prints one JobReport/JobFailure line last (src/contract/job.ts).
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PLAN_COLUMNS, TABLE_KEYS } from "../src/contract/input-tables.ts";
import type { JobInput, JobReport } from "../src/contract/job.ts";
import { SUMMARY_COLUMNS, SUMMARY_MEASURE_COLUMNS } from "../src/contract/summary-schema.ts";
import { InputError } from "./input-files.ts";
import { exitWithFailure, exitWithReport, ownPeakRssKb, parseJob, writeFailure } from "./job-io.ts";
import { dailySummarySql, LABEL_ERROR_COLUMN, sqlString } from "./sql/daily-summary-sql.ts";
import {
  countHourly,
  createHourlyViews,
  discoverInput,
  findBadLabels,
  findBadNumber,
  firstLine,
  HOURLY_RELATION,
  inputColumnType,
  localInput,
  type LocalInput,
} from "./sql/duckdb-inputs.ts";
import { embeddedTarget, serverTarget, type PostgresTarget } from "./sql/postgres-target.ts";

const PG_TYPE = { TIMESTAMP: "timestamp", DOUBLE: "float8", VARCHAR: "text" } as const;
/** CSV chunk size for COPY: bounds what one COPY (and PGlite's blob) holds in memory. */
const CHUNK_BYTES = "64MB";

/** Staging tables of the hourly rows, columns as the SQL reads them. */
function stagingDdl(kind: PostgresTarget["tableKind"]): string {
  return TABLE_KEYS.map(
    (key) =>
      `CREATE ${kind} TABLE ${HOURLY_RELATION[key]} (${PLAN_COLUMNS[key].map((c) => `${c} ${PG_TYPE[inputColumnType(key, c)]}`).join(", ")});`,
  ).join("\n");
}

/** PostgreSQL refused a NUL character (U+0000) in the input's text: text there cannot hold one. That is the input's fault, not the server's. */
function rejectNul(e: unknown, key: (typeof TABLE_KEYS)[number], input: JobInput): never {
  const { code, message } = e as { code?: string; message?: string };
  if (code === "22021" && /0x00/.test(String(message))) {
    throw new InputError(`${input.kind === "s3" ? `s3://${input.bucket}/${input.prefix}` : input.dir}: the ${key} data holds a NUL character (U+0000) in a text column, which PostgreSQL cannot store (${message})`);
  }
  throw e;
}

/** Convert each hourly table to headerless CSV chunks with DuckDB; returns the chunk files per table and the row counts. */
async function toCsvChunks(local: LocalInput, job: ReturnType<typeof parseJob>, dir: string) {
  const instance = await DuckDBInstance.create(":memory:", { memory_limit: "512MB" });
  const conn = await instance.connect();
  try {
    await createHourlyViews(conn, job.input, local.files, local.shownAs, !job.measuresChecked);
    const chunks = {} as Record<(typeof TABLE_KEYS)[number], string[]>;
    for (const key of TABLE_KEYS) {
      const out = join(dir, key);
      await conn.run(
        `COPY (SELECT ${PLAN_COLUMNS[key].join(", ")} FROM ${HOURLY_RELATION[key]}) TO ${sqlString(out)} (FORMAT csv, HEADER false, FILE_SIZE_BYTES '${CHUNK_BYTES}')`,
      ).catch(async (e) => {
        throw (await findBadNumber(conn, job.input, local.files)) ?? e;
      });
      chunks[key] = readdirSync(out)
        .filter((f) => f.endsWith(".csv"))
        .sort()
        .map((f) => join(out, f));
    }
    return { chunks, rowsIn: await countHourly(conn) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The summary CSV (header, PostgreSQL's CSV: NULL unquoted-empty, '' quoted) -> the summary parquet. */
async function csvToSummaryParquet(csvFile: string, output: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const type = (c: string) =>
    c === "usage_start" ? "DATE" : c === "cost_category_id" ? "INTEGER" : (SUMMARY_MEASURE_COLUMNS as readonly string[]).includes(c) ? "DOUBLE" : "VARCHAR";
  const columns = `{${SUMMARY_COLUMNS.map((c) => `${sqlString(c)}: ${sqlString(type(c))}`).join(", ")}}`;
  mkdirSync(dirname(output), { recursive: true });
  const tmp = `${output}.tmp-${process.pid}`;
  try {
    await conn.run(
      `COPY (SELECT * FROM read_csv(${sqlString(csvFile)}, header = true, columns = ${columns}, allow_quoted_nulls = false)) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    renameSync(tmp, output);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(e, "writing the summary: cannot write", output);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  // performance.timeOrigin is the process start: this is start-to-ready. A child started ahead of
  // its job then waits for it on stdin; its clock starts with the job.
  const ready = performance.now();
  let t0 = ready;
  let work: string | undefined;
  let local: LocalInput | undefined;
  let target: PostgresTarget | undefined;
  const cleanup = async () => {
    await target?.close().catch(() => undefined);
    target = undefined;
    local?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  };
  try {
    const job = parseJob(process.argv);
    t0 = performance.now();
    const files = await discoverInput(job.input);
    // The server is up before the clock starts, as Koku's is: starting PGlite (compiling the wasm,
    // initdb) takes seconds and is reported apart as timings.serverStart.
    target = job.database?.kind === "server" ? await serverTarget(job.database.pg) : await embeddedTarget();
    const serverStart = performance.now() - t0;
    t0 = performance.now();
    work = mkdtempSync(join(process.env.STREAMBENCH_TMPDIR ?? tmpdir(), "streambench-postgres-"));

    const tRead = performance.now();
    local = await localInput(job, files);
    const download = performance.now() - tRead;
    const { chunks, rowsIn } = await toCsvChunks(local, job, work);
    const tLoad = performance.now();
    await target.exec("SET TimeZone = 'UTC'");
    // PostgreSQL's JIT (on by default since 12) compiles this one large query for longer than it
    // runs: on PostgreSQL 15 at "large", 36 s of JIT (LLVM optimisation + emission) for 5 s of execution
    if (target.engine === "postgresql") await target.exec("SET jit = off");
    await target.exec(stagingDdl(target.tableKind));
    for (const key of TABLE_KEYS) for (const file of chunks[key]) await target.copyIn(HOURLY_RELATION[key], file).catch((e) => rejectNul(e, key, job.input));
    // planner statistics, as tables Koku has been writing to would have
    await target.exec(`ANALYZE ${TABLE_KEYS.map((k) => HOURLY_RELATION[k]).join(", ")}`);
    const load = performance.now() - tLoad;
    const read = performance.now() - tRead;

    const tAgg = performance.now();
    const sql = dailySummarySql("postgres", HOURLY_RELATION, { enabledTagKeys: job.enabledTagKeys ?? null });
    const plan = performance.now() - tAgg;
    await target.exec(`CREATE ${target.tableKind} TABLE summary_result AS ${sql}`);
    const flagged = (await target.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE ${LABEL_ERROR_COLUMN}) AS bad FROM summary_result`))[0];
    const aggregate = performance.now() - tAgg;
    if (Number(flagged.bad) > 0) {
      const instance = await DuckDBInstance.create(":memory:");
      const conn = await instance.connect();
      await createHourlyViews(conn, job.input, local.files, local.shownAs);
      throw await findBadLabels(conn, job.input, local.files, local.shownAs);
    }

    const tWrite = performance.now();
    const csv = join(work, "summary.csv");
    await target.copyOut(`SELECT ${SUMMARY_COLUMNS.join(", ")} FROM summary_result`, csv);
    await csvToSummaryParquet(csv, job.output);
    const write = performance.now() - tWrite;
    const total = performance.now() - t0;

    const engine = target.engine;
    const server = await target.serverPeak();
    const parallel = engine === "postgresql" ? Number((await target.rows("SELECT current_setting('max_parallel_workers_per_gather') AS n"))[0].n) : 0;
    const version = String((await target.rows("SELECT current_setting('server_version') AS v"))[0].v);
    await cleanup();
    const own = ownPeakRssKb();
    const cpu = process.cpuUsage();
    const report: JobReport = {
      ok: true,
      mode: "postgres",
      engine,
      rowsIn,
      rowsOut: Number(flagged.n),
      timings: { ready, read, plan, execute: aggregate - plan, write, total, aggregate, download, load, serverStart },
      maxRSSKb: server ? server.kb : own,
      memoryMeasured: server
        ? `${server.what}; PostgreSQL ${version}; the loading child's own peak was ${Math.round(own / 1024)} MB`
        : engine === "pglite"
          ? `peak RSS (VmHWM) of the child hosting PGlite (PostgreSQL ${version} in wasm), which also ran the DuckDB parquet-to-CSV conversion (memory_limit 512MB) before the load`
          : `peak RSS (VmHWM) of the loading child only: the server's memory (PostgreSQL ${version}) is not readable from here`,
      threads: 1 + parallel,
      ...(engine === "postgresql" ? { engineSettings: "jit = off (its compile time exceeded the query's run time)" } : {}),
      cpu: { user: cpu.user, system: cpu.system },
    };
    exitWithReport(report);
  } catch (e) {
    await cleanup();
    exitWithFailure("postgres", e, firstLine);
  }
}

await main();
