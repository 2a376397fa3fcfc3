// In-memory and streaming give the same summary rows, on both nise fixtures, from CSV input and
// from the Koku parquet layout, and both equal the plain-TypeScript reference (rel tol 1e-9,
// labels compared as parsed maps: src/validate).
import test from "ava";
import { join } from "node:path";
import type { JobInput, Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { compareSummaries, DEFAULT_TOLERANCE, type ValidationResult } from "../../src/validate/index.ts";
import { csvFixtureToParquet, FIXTURE_NAMES, FIXTURES, removeDir, runPipelineChild, tempDir } from "./helpers.ts";

async function run(mode: Mode, input: JobInput): Promise<SummaryRow[]> {
  const dir = tempDir("out");
  try {
    const output = join(dir, "summary.parquet");
    const result = await runPipelineChild(mode, input, output);
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
  const bad = r.metrics.filter((m) => m.verdict !== "PASS").map((m) => m.metric);
  const text = r.text.filter((x) => x.mismatches > 0).map((x) => ({ column: x.column, samples: x.samples }));
  return JSON.stringify({ rows: r.rows, samples: r.samples, badMetrics: bad, badText: text });
}

async function allRuns(csvDir: string): Promise<Array<[string, SummaryRow[]]>> {
  const parquetDir = csvFixtureToParquet(csvDir);
  try {
    return [
      ["in-memory/csv", await run("in-memory", { kind: "csv", dir: csvDir })],
      ["streaming/csv", await run("streaming", { kind: "csv", dir: csvDir })],
      ["in-memory/parquet", await run("in-memory", { kind: "parquet", dir: parquetDir })],
      ["streaming/parquet", await run("streaming", { kind: "parquet", dir: parquetDir })],
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
      t.is(r.verdict, "PASS", `${name} vs in-memory/csv: ${explain(r)}`);
    }
  });

  test(`${fixture}: both polars modes give the reference implementation's rows`, async (t) => {
    const reference = (await aggregateInput(csvDir, "reference")).rows;
    t.true(reference.length > 0, "the reference produced rows");
    for (const [name, rows] of await runsOf(csvDir)) {
      const r = compareSummaries(reference, rows, DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${name} vs reference: ${explain(r)}`);
    }
  });
}
