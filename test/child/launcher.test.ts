// The parent's side of a pipeline child on the real polars children and a fixture: a child started
// ahead of its job runs it with the wait on no clock, a launcher starts a child when none waits, and
// the parent samples the child's RSS densely enough to draw it.
import test from "ava";
import { join } from "node:path";
import type { Job, JobReport } from "../../src/contract/job.ts";
import { PipelineLauncher, pipelineCommand } from "../../src/child/launcher.ts";
import { runChild } from "../../src/child/spawn.ts";
import { copyFixture, csvFixtureToParquet, removeDir, tempDir } from "../pipelines/helpers.ts";

for (const mode of ["in-memory", "streaming"] as const) {
  test(`${mode}: a child started ahead of its job runs it, and the time it waited for the job is on no clock`, async (t) => {
    const csv = copyFixture("random-defaults");
    const dir = csvFixtureToParquet(csv);
    const out = tempDir("prestart");
    const launcher = new PipelineLauncher();
    try {
      launcher.prestart(mode);
      // Far longer than a child takes to load, even on a loaded machine: ~1 s alone, 4.2-5.2 s seen
      // on these 2 cores at a load of 13-23. Were the wait on a clock, ready and total would exceed it.
      const waitMs = 10_000;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      const job: Job = { mode, input: { kind: "parquet", dir }, output: join(out, `${mode}.parquet`), enabledTagKeys: null };
      const { report, outcome } = await launcher.run(job);
      t.true(report.ok);
      t.is(report.rowsIn.pod, 144, "the job handed over later is the one it ran (48 + 96 rows in the fixture's two pod files)");
      t.true(report.timings.ready < waitMs, `start-to-ready ${report.timings.ready} ms excludes the wait for the job`);
      t.true(report.timings.total < waitMs && outcome.wallMs < waitMs, "neither the child's phases nor the parent's wall time count the wait");
      t.true(outcome.samples.every((s) => s.tMs < waitMs), "memory samples are timed from the job handed over");
    } finally {
      launcher.close();
      removeDir(csv);
      removeDir(dir);
      removeDir(out);
    }
  });
}

test("a launcher runs a mode nobody started ahead in a child started then", async (t) => {
  const csv = copyFixture("random-defaults");
  const out = tempDir("prestart-cold");
  const launcher = new PipelineLauncher();
  try {
    launcher.prestart("streaming");
    launcher.close(); // the waiting streaming child is ended, not reused
    const { report } = await launcher.run({ mode: "streaming", input: { kind: "csv", dir: csv }, output: join(out, "s.parquet"), enabledTagKeys: null });
    t.true(report.ok);
    t.is(report.rowsIn.pod, 144);
  } finally {
    launcher.close();
    removeDir(csv);
    removeDir(out);
  }
});

test("the parent samples a child's RSS densely enough to draw it: a sub-second child on the fixture gives at least 10 points", async (t) => {
  // At the old 200 ms a 0.4 s child was seen once or twice (a one-point line in memory_over_time).
  // The child lives at least ~300 ms from its job to its exit (runtime ready, read, plan, execute,
  // write); every 15 ms that is ~20 samples; 10 leaves room for a loaded machine's late timers.
  const csv = copyFixture("random-defaults");
  const dir = csvFixtureToParquet(csv);
  const out = tempDir("dense-samples");
  try {
    const job: Job = { mode: "in-memory", input: { kind: "parquet", dir }, output: join(out, "m.parquet"), enabledTagKeys: null };
    const { command, args } = pipelineCommand("in-memory", [JSON.stringify(job)]);
    const outcome = await runChild(command, args);
    t.true((outcome.report as JobReport).ok);
    t.true(outcome.samples.length >= 10, `${outcome.samples.length} samples over ${outcome.wallMs.toFixed(0)} ms`);
  } finally {
    removeDir(csv);
    removeDir(dir);
    removeDir(out);
  }
});
