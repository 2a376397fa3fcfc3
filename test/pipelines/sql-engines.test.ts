// The SQL engines (DuckDB in-process, PostgreSQL: PGlite hosted by the child, and a real server when
// DATABASE_URL is set) run the project's one SQL definition and give the reference implementation's
// rows on both nise fixtures, from CSV and from the Koku parquet layout (rel tol 1e-9, labels as
// parsed maps: src/validate); and the same rows as the polars in-memory mode.
import test from "ava";
import { join } from "node:path";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { csvFixtureToParquet, explainValidation, FIXTURE_NAMES, FIXTURES, removeDir, runSummary } from "./helpers.ts";
import { serverJobDatabase } from "./sql-helpers.ts";

for (const fixture of FIXTURE_NAMES) {
  const csvDir = join(FIXTURES, fixture);

  test(`${fixture}: duckdb gives the reference's rows from CSV and from parquet input`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    const parquetDir = csvFixtureToParquet(csvDir);
    try {
      for (const [name, input] of [["csv", { kind: "csv", dir: csvDir }], ["parquet", { kind: "parquet", dir: parquetDir }]] as const) {
        const r = compareSummaries(reference, await runSummary("duckdb", input), DEFAULT_TOLERANCE);
        t.is(r.verdict, "PASS", `duckdb/${name} vs reference: ${explainValidation(r)}`);
      }
    } finally {
      removeDir(parquetDir);
    }
  });

  test(`${fixture}: postgres on the child's own PGlite gives the reference's rows from parquet input`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    const parquetDir = csvFixtureToParquet(csvDir);
    try {
      const r = compareSummaries(reference, await runSummary("postgres", { kind: "parquet", dir: parquetDir }), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `postgres/pglite vs reference: ${explainValidation(r)}`);
    } finally {
      removeDir(parquetDir);
    }
  });

  const database = serverJobDatabase();
  if (database) {
    test(`${fixture}: postgres on the DATABASE_URL server (COPY) gives the reference's rows from CSV input`, async (t) => {
      const reference = (await aggregateInput(csvDir, "reference")).rows;
      const r = compareSummaries(reference, await runSummary("postgres", { kind: "csv", dir: csvDir }, { database }), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `postgres/server vs reference: ${explainValidation(r)}`);
    });
  }
}
