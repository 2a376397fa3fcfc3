// The SQL engines (DuckDB in-process, PostgreSQL: PGlite hosted by the child, and a real server when
// DATABASE_URL is set) run the project's one SQL definition and give the reference implementation's
// rows on both nise fixtures, from CSV and from the Koku parquet layout (rel tol 1e-9, labels as
// parsed maps: src/validate); and the same rows as the polars in-memory mode.
import test from "ava";
import { join } from "node:path";
import type { JobInput, Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { compareSummaries, DEFAULT_TOLERANCE, type ValidationResult } from "../../src/validate/index.ts";
import { csvFixtureToParquet, FIXTURE_NAMES, FIXTURES, removeDir, runPipelineChild, tempDir } from "./helpers.ts";
import { serverJobDatabase } from "./sql-helpers.ts";

async function run(mode: Mode, input: JobInput, extra: Record<string, unknown> = {}): Promise<SummaryRow[]> {
  const dir = tempDir("out");
  try {
    const output = join(dir, "summary.parquet");
    const result = await runPipelineChild(mode, input, output, null, extra);
    if (result.exitCode !== 0 || !result.report?.ok) {
      throw new Error(`${mode} failed (exit ${result.exitCode}): ${result.report?.error ?? result.stderr}`);
    }
    const rows = await readSummaryParquet(output);
    if (rows.length !== result.report.rowsOut) throw new Error(`${mode}: rowsOut ${result.report.rowsOut} != ${rows.length} rows`);
    return rows;
  } finally {
    removeDir(dir);
  }
}

function explain(r: ValidationResult): string {
  const bad = r.metrics.filter((m) => m.verdict !== "PASS").map((m) => ({ metric: m.metric, worst: m }));
  const text = r.text.filter((x) => x.mismatches > 0).map((x) => ({ column: x.column, samples: x.samples }));
  return JSON.stringify({ rows: r.rows, samples: r.samples, badMetrics: bad, badText: text }).slice(0, 4000);
}

for (const fixture of FIXTURE_NAMES) {
  const csvDir = join(FIXTURES, fixture);

  test(`${fixture}: duckdb gives the reference's rows from CSV and from parquet input`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    const parquetDir = csvFixtureToParquet(csvDir);
    try {
      for (const [name, input] of [["csv", { kind: "csv", dir: csvDir }], ["parquet", { kind: "parquet", dir: parquetDir }]] as const) {
        const r = compareSummaries(reference, await run("duckdb", input), DEFAULT_TOLERANCE);
        t.is(r.verdict, "PASS", `duckdb/${name} vs reference: ${explain(r)}`);
      }
    } finally {
      removeDir(parquetDir);
    }
  });

  test(`${fixture}: postgres on the child's own PGlite gives the reference's rows from parquet input`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    const parquetDir = csvFixtureToParquet(csvDir);
    try {
      const r = compareSummaries(reference, await run("postgres", { kind: "parquet", dir: parquetDir }), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `postgres/pglite vs reference: ${explain(r)}`);
    } finally {
      removeDir(parquetDir);
    }
  });

  const database = serverJobDatabase();
  if (database) {
    test(`${fixture}: postgres on the DATABASE_URL server (COPY) gives the reference's rows from CSV input`, async (t) => {
      const reference = (await aggregateInput(csvDir, "reference")).rows;
      const r = compareSummaries(reference, await run("postgres", { kind: "csv", dir: csvDir }, { database }), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `postgres/server vs reference: ${explain(r)}`);
    });
  }
}
