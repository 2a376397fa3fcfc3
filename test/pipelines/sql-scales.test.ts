// On the generated "small" and "medium" scales (parquet in the Koku layout), the SQL engines give
// the rows of the reference fed with the very rows the generator wrote (rel tol 1e-9, labels as
// parsed maps): duckdb, postgres on a PGlite the child hosts, and postgres on the DATABASE_URL
// server when one is set (CI).
import test from "ava";
import { join } from "node:path";
import type { Job, Mode } from "../../src/contract/job.ts";
import { runPipeline } from "../../src/child/launcher.ts";
import { generate } from "../../src/nise/generate.ts";
import { DailySummaryReference } from "../../src/reference/index.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { scaleManifest } from "../../src/scales.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { removeDir, tempDir } from "./helpers.ts";
import { serverJobDatabase } from "./sql-helpers.ts";

for (const scale of ["small", "medium"]) {
  test(`${scale} scale: duckdb and postgres give the reference's rows`, async (t) => {
    const work = tempDir(`sql-scale-${scale}`);
    try {
      const reference = new DailySummaryReference({ enabledTagKeys: null });
      const gen = await generate(scaleManifest(scale), { clusterId: `test-${scale}`, outDir: join(work, "input"), format: "parquet", sink: reference });
      const expected = reference.finish();
      t.true(expected.length > 0, "the reference produced rows");
      const server = serverJobDatabase();
      const runs: Array<[string, Mode, Partial<Job>]> = [
        ["duckdb", "duckdb", {}],
        ["postgres (PGlite in the child)", "postgres", {}],
        ...(server ? [["postgres (DATABASE_URL server)", "postgres", { database: server }] as [string, Mode, Partial<Job>]] : []),
      ];
      for (const [name, mode, extra] of runs) {
        const output = join(work, `${mode}.parquet`);
        const { report } = await runPipeline({ mode, input: { kind: "parquet", dir: gen.outDir }, output, enabledTagKeys: null, ...extra });
        t.is(report.rowsIn.pod, gen.rows.pod, `${name} read every pod row`);
        const r = compareSummaries(expected, await readSummaryParquet(output), DEFAULT_TOLERANCE);
        t.is(r.verdict, "PASS", `${name} vs reference: ${JSON.stringify({ rows: r.rows, samples: r.samples })}`);
      }
    } finally {
      removeDir(work);
    }
  });
}
