// The child's report: every phase, and with a profile, every stage of the plan with how often it
// read the hourly pod table. Runs the real streaming and in-memory children on a fixture.
import test from "ava";
import { join } from "node:path";
import type { Job, JobReport, Mode } from "../../src/contract/job.ts";
import { runChild } from "../../src/child/spawn.ts";
import { pipelineCommand } from "../../src/child/launcher.ts";
import { podScansOf } from "../../pipelines/stage-clock.ts";
import { copyFixture, csvFixtureToParquet, removeDir, tempDir } from "./helpers.ts";

async function profiled(mode: Mode, dir: string, out: string): Promise<JobReport> {
  const job: Job = { mode, input: { kind: "parquet", dir }, output: join(out, `${mode}.parquet`), enabledTagKeys: null, profile: true };
  const { command, args } = pipelineCommand(mode, [JSON.stringify(job)]);
  const outcome = await runChild(command, args);
  return outcome.report as JobReport;
}

for (const mode of ["in-memory", "streaming"] as const) {
  test(`${mode}: the child reports ready, read, plan, execute, write; total is their sum, aggregate is plan + execute`, async (t) => {
    const csv = copyFixture("random-defaults");
    const dir = csvFixtureToParquet(csv);
    const out = tempDir("job-report");
    try {
      const r = await profiled(mode, dir, out);
      t.true(r.ok, JSON.stringify(r));
      const { ready, read, plan, execute, write, total, aggregate } = r.timings;
      for (const [name, v] of Object.entries(r.timings)) t.true(Number.isFinite(v) && v >= 0, `${name} = ${v}`);
      t.true(ready > 0, "process start to ready is never 0");
      t.true(Math.abs(total - (read + plan + execute + write)) < 1e-6);
      t.true(Math.abs(aggregate - (plan + execute)) < 1e-6);
      // three queries read the hourly pod table, once each: the per-pod rows of storage and
      // apiserver pods, the folded rows, and node capacity
      const readers = (r.stages ?? []).filter((s) => s.podScans > 0);
      t.deepEqual(
        readers.map((s) => [s.stage, s.podScans, s.queries]),
        [
          ["pod daily, storage + apiserver pods", 1, 1],
          ["pod daily, folded (hourly -> daily)", 1, 1],
          ["node capacity (hourly -> daily)", 1, 1],
        ],
      );
      t.true(r.stages!.some((s) => s.stage === "write summary"));
      // what each stage hands on: the last section is the summary itself, row for row
      const last = r.stages!.find((s) => s.stage === "Unallocated rows + union");
      t.is(last?.rowsOut, r.rowsOut, "the union's rows are the summary's rows");
      t.true((last?.bytesOutMb ?? 0) > 0);
      for (const s of r.stages!) t.true((s.heldAnonMb ?? 0) > 0, `${s.stage}: anonymous RSS held at its end`);
    } finally {
      removeDir(csv);
      removeDir(dir);
      removeDir(out);
    }
  });
}

test("a pod scan is counted per plan line that reads the hourly pod table: parquet, CSV, or the in-memory frame", (t) => {
  const plan = [
    "UNION",
    '  Parquet SCAN [/d/openshift_pod_usage_line_items/part-0.parquet, ... 3 other sources]',
    '  Parquet SCAN [/d/openshift_storage_usage_line_items/part-0.parquet]',
    '  Csv SCAN [/d/October-2025-c1-ocp_pod_usage.csv]',
    '  DF ["interval_start", "pod", "namespace", "node", ...]; PROJECT */16 COLUMNS',
    '  DF ["usage_start", "namespace", "node", "pod_labels", ...]; PROJECT */14 COLUMNS',
  ].join("\n");
  t.is(podScansOf(plan), 3, "the pod parquet, the pod CSV and the pod frame; not storage, not a daily table");
});
