// Entry: the duckdb mode. DuckDB in this process runs the project's ONE SQL definition of the daily
// summary (pipelines/sql/daily-summary-sql.ts) over read_parquet of the hourly input. S3 objects are
// fetched with the AWS SDK into a temporary folder first (counted as read: DuckDB's httpfs extension
// cannot be downloaded here). --duckdb-memory-limit reaches it as job.duckdbMemoryLimit.
// Job JSON in argv[2] or on stdin; prints one JobReport/JobFailure line last (src/contract/job.ts).
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { JobReport } from "../src/contract/job.ts";
import { SUMMARY_COLUMNS } from "../src/contract/summary-schema.ts";
import { InputError } from "./input-files.ts";
import { exitWithFailure, exitWithReport, ownPeakRssKb, parseJob, writeFailure } from "./job-io.ts";
import { dailySummarySql, LABEL_ERROR_COLUMN, sqlString } from "./sql/daily-summary-sql.ts";
import { countHourly, createHourlyViews, discoverInput, findBadLabels, findBadNumber, firstLine, HOURLY_RELATION, localInput } from "./sql/duckdb-inputs.ts";

async function main(): Promise<void> {
  // performance.timeOrigin is the process start: this is start-to-ready (runtime and DuckDB loaded).
  // A child started ahead of its job then waits for it on stdin; its clock starts with the job.
  const ready = performance.now();
  let cleanup = () => {};
  try {
    const job = parseJob(process.argv);
    const t0 = performance.now();
    const files = await discoverInput(job.input);

    const tRead = performance.now();
    const local = await localInput(job, files);
    cleanup = local.cleanup;
    const download = performance.now() - tRead;
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    if (job.duckdbMemoryLimit) {
      try {
        await conn.run(`SET memory_limit = ${sqlString(job.duckdbMemoryLimit)}`);
      } catch (e) {
        throw new InputError(`--duckdb-memory-limit ${job.duckdbMemoryLimit}: ${firstLine(e)}`);
      }
    }
    // --cpus: the threads a user would give DuckDB in a pod of that many CPUs
    if (job.duckdbThreads !== undefined) await conn.run(`SET threads = ${Math.max(1, Math.floor(job.duckdbThreads))}`);
    await conn.run("SET TimeZone = 'UTC'");
    await createHourlyViews(conn, job.input, local.files, local.shownAs, !job.measuresChecked);
    const read = performance.now() - tRead;

    const tAgg = performance.now();
    const sql = dailySummarySql(
      "duckdb",
      { pod: HOURLY_RELATION.pod, storage: HOURLY_RELATION.storage, nodeLabels: HOURLY_RELATION.nodeLabels, namespaceLabels: HOURLY_RELATION.namespaceLabels },
      { enabledTagKeys: job.enabledTagKeys ?? null },
    );
    const plan = performance.now() - tAgg;
    try {
      await conn.run(`CREATE TEMP TABLE summary_result AS ${sql}`);
    } catch (e) {
      throw (await findBadNumber(conn, job.input, local.files)) ?? e;
    }
    const flagged = await conn.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE ${LABEL_ERROR_COLUMN}) AS bad FROM summary_result`);
    const aggregate = performance.now() - tAgg;
    const { n, bad } = flagged.getRowObjects()[0];
    if (Number(bad) > 0) throw await findBadLabels(conn, job.input, local.files, local.shownAs);

    const tWrite = performance.now();
    mkdirSync(dirname(job.output), { recursive: true });
    const tmp = `${job.output}.tmp-${process.pid}`;
    try {
      await conn.run(
        `COPY (SELECT ${SUMMARY_COLUMNS.join(", ")} FROM summary_result) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      renameSync(tmp, job.output);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw writeFailure(e, "writing the summary: cannot write", job.output);
    }
    const write = performance.now() - tWrite;
    const total = performance.now() - t0;

    // bookkeeping, after the clock stopped: parquet counts come from the footers
    const rowsIn = await countHourly(conn);
    const settings = (await conn.runAndReadAll("SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit")).getRowObjects()[0];
    conn.closeSync();
    instance.closeSync();
    cleanup();
    const cpu = process.cpuUsage();
    const report: JobReport = {
      ok: true,
      mode: "duckdb",
      engine: "duckdb",
      rowsIn,
      rowsOut: Number(n),
      timings: { ready, read, plan, execute: aggregate - plan, write, total, aggregate, download },
      maxRSSKb: ownPeakRssKb(),
      memoryMeasured: `peak RSS (VmHWM) of the child running DuckDB in-process, memory_limit ${String(settings.memory_limit)}`,
      threads: Number(settings.threads),
      cpu: { user: cpu.user, system: cpu.system },
    };
    exitWithReport(report);
  } catch (e) {
    cleanup();
    exitWithFailure("duckdb", e, firstLine);
  }
}

await main();
