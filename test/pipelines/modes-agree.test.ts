// In-memory and streaming give the same summary rows, on both nise fixtures, from CSV input and
// from the Koku parquet layout, and both equal the plain-TypeScript reference (rel tol 1e-9,
// labels compared as parsed maps: src/validate).
import test from "ava";
import { join } from "node:path";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { csvFixtureToParquet, explainValidation, FIXTURE_NAMES, FIXTURES, removeDir, runSummary } from "./helpers.ts";

async function allRuns(csvDir: string): Promise<Array<[string, SummaryRow[]]>> {
  const parquetDir = csvFixtureToParquet(csvDir);
  try {
    return [
      ["in-memory/csv", await runSummary("in-memory", { kind: "csv", dir: csvDir })],
      ["streaming/csv", await runSummary("streaming", { kind: "csv", dir: csvDir })],
      ["in-memory/parquet", await runSummary("in-memory", { kind: "parquet", dir: parquetDir })],
      ["streaming/parquet", await runSummary("streaming", { kind: "parquet", dir: parquetDir })],
    ];
  } finally {
    removeDir(parquetDir);
  }
}

const cache = new Map<string, Promise<Array<[string, SummaryRow[]]>>>();
function runsOf(csvDir: string): Promise<Array<[string, SummaryRow[]]>> {
  if (!cache.has(csvDir)) cache.set(csvDir, allRuns(csvDir));
  return cache.get(csvDir)!;
}

for (const fixture of FIXTURE_NAMES) {
  const csvDir = join(FIXTURES, fixture);

  test(`${fixture}: streaming gives the same rows as in-memory, from CSV and from parquet input`, async (t) => {
    const runs = await runsOf(csvDir);
    const [, inMemory] = runs[0];
    t.true(inMemory.length > 0, "in-memory produced rows");
    for (const [name, rows] of runs.slice(1)) {
      const r = compareSummaries(inMemory, rows, DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${name} vs in-memory/csv: ${explainValidation(r)}`);
    }
  });

  test(`${fixture}: both polars modes give the reference implementation's rows`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    t.true(reference.length > 0, "the reference produced rows");
    for (const [name, rows] of await runsOf(csvDir)) {
      const r = compareSummaries(reference, rows, DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${name} vs reference: ${explainValidation(r)}`);
    }
  });
}
