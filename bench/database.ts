// PostgreSQL round trip of one mode's summary, as `run` does it: write (one transaction), read
// back, validate against the reference. Figures per target and run; medians with min-max.
//   node --import tsx bench/database.ts [--scale production-large] [--runs 3] [--rows-cache FILE] [--limit N] [--no-real] [--floor]
// --floor also measures what the server alone needs (insert of rows already on it, COPY out).
// Targets: embedded PGlite always; a real PostgreSQL too when DATABASE_URL (or PGHOST) is set,
// e.g. DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/streambench_test (.ci/run starts one).
// "CPU here" is this process's CPU time: with PGlite it includes the database (wasm, in process),
// with a real server it does not. On a shared machine it is the steadier figure.
// Goal (issue 11): write + read + validate of production-large's 132,060 rows <= 5 s on PGlite,
// <= 2 s on a real PostgreSQL.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { SUMMARY_COLUMNS, type SummaryRow } from "../src/contract/summary-schema.ts";
import { startEmbeddedPostgres } from "../src/db/embedded.ts";
import { connectPg } from "../src/db/pool.ts";
import { DEFAULT_SCHEMA, ensureSummaryTable, qualifiedTable } from "../src/db/schema.ts";
import { to as copyTo } from "pg-copy-streams";
import { pgSettingsFromEnv } from "../src/db/settings.ts";
import { beginSummaryWrite } from "../src/db/summary-write.ts";
import { generate } from "../src/nise/generate.ts";
import { DailySummaryReference } from "../src/reference/summary.ts";
import { scaleManifest } from "../src/scales.ts";
import { indexExpected, startComparison } from "../src/validate/compare.ts";
import { DEFAULT_TOLERANCE } from "../src/validate/tolerance.ts";

const SOURCE = "0b5c6c4e-1d0e-4d3c-9c59-000000000001";

async function referenceRows(scale: string, cache: string | undefined): Promise<SummaryRow[]> {
  if (cache && existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as SummaryRow[];
  const dir = mkdtempSync(join(tmpdir(), "streambench-bench-db-"));
  try {
    const reference = new DailySummaryReference({ enabledTagKeys: null });
    await generate(scaleManifest(scale), { clusterId: `bench-${scale}`, outDir: join(dir, "out"), format: "parquet", sink: reference });
    const rows = reference.finish();
    if (cache) writeFileSync(cache, JSON.stringify(rows));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `${(m / 1000).toFixed(2)} s (${(s[0] / 1000).toFixed(2)}-${(s[s.length - 1] / 1000).toFixed(2)})`;
}

async function measure(name: string, pool: pg.Pool, rows: SummaryRow[], runs: number, goalS: number): Promise<void> {
  await ensureSummaryTable(pool);
  const w: number[] = [];
  const r: number[] = [];
  const v: number[] = [];
  const all: number[] = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c: number[] = [];
  // As `run` does it: the reference is indexed once per scale, before its runs.
  const expected = indexExpected(rows);
  for (let i = 0; i < runs; i++) {
    const c0 = cpu();
    const t0 = performance.now();
    // As `run` does it: one transaction, read back on its connection and compared as the rows
    // arrive, commit on PASS.
    const pending = await beginSummaryWrite(pool, { sourceUuid: SOURCE, clusterId: "bench", rows });
    const written = pending.result;
    const t1 = performance.now();
    const comparison = startComparison(expected, DEFAULT_TOLERANCE);
    await pending.readEach((row) => comparison.add(row));
    const t2 = performance.now();
    const result = comparison.finish();
    if (result.verdict !== "PASS") {
      await pending.rollback();
      throw new Error(`${name}: validation FAILED (${JSON.stringify(result.rows)})`);
    }
    await pending.commit();
    const t3 = performance.now();
    c.push(cpu() - c0);
    w.push(t1 - t0);
    r.push(t2 - t1);
    v.push(t3 - t2);
    all.push(t3 - t0);
    console.log(
      `${name.padEnd(22)} run ${i + 1}: write ${((t1 - t0) / 1000).toFixed(2)} s (${written.method}), read+compare ${((t2 - t1) / 1000).toFixed(2)} s, ` +
        `verdict+commit ${((t3 - t2) / 1000).toFixed(2)} s, total ${((t3 - t0) / 1000).toFixed(2)} s, this process's CPU ${(c[i] / 1000).toFixed(2)} s  PASS`,
    );
  }
  console.log(
    `${name.padEnd(22)} median (min-max) of ${runs}: write ${stats(w)}, read+compare ${stats(r)}, verdict+commit ${stats(v)}, ` +
      `total ${stats(all)}, CPU here ${stats(c)}  goal <= ${goalS} s`,
  );
}

/**
 * What the server alone needs, with no client work: re-inserting the source's committed rows from
 * a copy already on the server (in a transaction rolled back), and a COPY out whose bytes the
 * client only counts. A round trip cannot take less than their sum.
 */
async function serverFloor(name: string, pool: pg.Pool, runs: number): Promise<void> {
  const table = qualifiedTable(DEFAULT_SCHEMA);
  const client = await pool.connect();
  const insert: number[] = [];
  const copyOut: number[] = [];
  try {
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS floor_rows AS SELECT * FROM ${table} WHERE source_uuid = '${SOURCE}'`);
    for (let i = 0; i < runs; i++) {
      await client.query("BEGIN");
      await client.query(`DELETE FROM ${table} WHERE source_uuid = '${SOURCE}'`);
      const t0 = performance.now();
      await client.query(`INSERT INTO ${table} SELECT * FROM floor_rows`);
      insert.push(performance.now() - t0);
      await client.query("ROLLBACK");
      const t1 = performance.now();
      const columns = SUMMARY_COLUMNS.map((c) => (c === "usage_start" ? `"${c}"::text` : `"${c}"`)).join(", ");
      let bytes = 0;
      for await (const chunk of client.query(copyTo(`COPY (SELECT ${columns} FROM ${table} WHERE source_uuid = '${SOURCE}') TO STDOUT`)) as AsyncIterable<Buffer>) bytes += chunk.length;
      copyOut.push(performance.now() - t1);
      if (bytes === 0) throw new Error(`${name}: the floor's COPY read nothing`);
    }
    await client.query("DROP TABLE floor_rows");
  } finally {
    client.release();
  }
  console.log(`${name.padEnd(22)} server alone, median (min-max) of ${runs}: insert of the rows already on it ${stats(insert)}, COPY out ${stats(copyOut)}`);
}

async function main(argv: string[]): Promise<void> {
  let scale = "production-large";
  let runs = 3;
  let cache: string | undefined;
  let limit = Infinity;
  let noReal = false;
  let floor = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--scale") scale = argv[++i];
    else if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--rows-cache") cache = argv[++i];
    else if (argv[i] === "--limit") limit = Number(argv[++i]);
    else if (argv[i] === "--no-real") noReal = true;
    else if (argv[i] === "--floor") floor = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const t0 = performance.now();
  const rows = (await referenceRows(scale, cache)).slice(0, limit);
  console.log(`${scale}: ${rows.length.toLocaleString("en-US")} summary rows (reference, ${((performance.now() - t0) / 1000).toFixed(1)} s to get)`);

  const embedded = await startEmbeddedPostgres();
  const pool = await connectPg(embedded.settings);
  try {
    await measure("embedded PGlite", pool, rows, runs, 5);
    if (floor) await serverFloor("embedded PGlite", pool, runs);
  } finally {
    await pool.end();
    await embedded.stop();
  }
  const real = noReal ? null : pgSettingsFromEnv(process.env);
  if (real) {
    const pool = await connectPg(real);
    try {
      await measure(`PostgreSQL ${real.host}:${real.port}`, pool, rows, runs, 2);
      if (floor) await serverFloor(`PostgreSQL ${real.host}:${real.port}`, pool, runs);
    } finally {
      await pool.end();
    }
  } else {
    console.log("real PostgreSQL: skipped (set DATABASE_URL=postgres://user:password@host:port/db to measure one)");
  }
}

await main(process.argv.slice(2));
