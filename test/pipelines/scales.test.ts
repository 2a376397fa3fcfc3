// On the generated "small" and "medium" scales (src/scales.ts + src/nise generator, parquet in the
// Koku layout), in-memory and streaming give the same rows as each other and as the reference fed
// with the very rows the generator wrote (rel tol 1e-9, labels as parsed maps).
import test from "ava";
import { join } from "node:path";
import type { Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { runPipeline } from "../../src/child/launcher.ts";
import { generate } from "../../src/nise/generate.ts";
import { DailySummaryReference } from "../../src/reference/index.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { scaleManifest } from "../../src/scales.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { removeDir, tempDir } from "./helpers.ts";

for (const scale of ["small", "medium"]) {
  test(`${scale} scale: in-memory, streaming (one pass and in day windows) and the reference give the same rows`, async (t) => {
    const work = tempDir(`scale-${scale}`);
    try {
      const reference = new DailySummaryReference({ enabledTagKeys: null });
      const gen = await generate(scaleManifest(scale), {
        clusterId: `test-${scale}`,
        outDir: join(work, "input"),
        format: "parquet",
        sink: reference,
      });
      const expected = reference.finish();
      t.true(expected.length > 0, "the reference produced rows");
      const actual = new Map<string, SummaryRow[]>();
      // streaming once as configured by default, once forced into 3-day windows (the path big inputs take)
      const runs: Array<[string, Mode, NodeJS.ProcessEnv]> = [
        ["in-memory", "in-memory", process.env],
        ["streaming", "streaming", process.env],
        ["streaming in 3-day windows", "streaming", { ...process.env, STREAMBENCH_WINDOW_MIN_ROWS: "0", STREAMBENCH_CHUNK_DAYS: "3" }],
      ];
      for (const [name, mode, env] of runs) {
        const output = join(work, `${actual.size}.parquet`);
        const { report } = await runPipeline({ mode, input: { kind: "parquet", dir: gen.outDir }, output, enabledTagKeys: null }, { env });
        t.is(report.rowsIn.pod, gen.rows.pod, `${name} read every pod row`);
        actual.set(name, await readSummaryParquet(output));
      }
      for (const [mode, rows] of actual) {
        const r = compareSummaries(expected, rows, DEFAULT_TOLERANCE);
        t.is(r.verdict, "PASS", `${mode} vs reference: ${JSON.stringify({ rows: r.rows, samples: r.samples })}`);
      }
      for (const name of ["streaming", "streaming in 3-day windows"]) {
        const cross = compareSummaries(actual.get("in-memory")!, actual.get(name)!, DEFAULT_TOLERANCE);
        t.is(cross.verdict, "PASS", `${name} vs in-memory: ${JSON.stringify({ rows: cross.rows })}`);
      }
    } finally {
      removeDir(work);
    }
  });
}
