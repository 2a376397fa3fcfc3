// The engine (Benchmark + runScale) on fake parts: the order of its phases, fail-fast, the rerun of
// one scale, and interruption, in milliseconds each. The real parts are covered end to end by
// headless-run.test.ts.
import test from "ava";
import { fakeBenchmark, fakeConfig, fakeParts, removeFakeRunDirs } from "./fake-parts.ts";

test.after.always(removeFakeRunDirs);

test("a scale runs generate, upload, then per mode aggregate, write, validate, then in-memory against streaming", async (t) => {
  const { parts, calls } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"]), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(benchmark.exitCode, 0);
  t.deepEqual(calls, [
    "prepare small",
    "prestart in-memory", // the first child loads while the input uploads
    "upload small",
    "aggregate small in-memory",
    "prestart streaming", // the next child loads while this run is written and validated
    "writeSummary small in-memory",
    "compare PASS",
    "aggregate small streaming",
    "writeSummary small streaming",
    "compare PASS",
    "compare PASS", // in-memory against streaming
    "discardPrestarted",
    "removeUpload small",
    "writeReports",
  ]);
  const phases = events.filter((e) => e.type === "phase-start").map((e) => `${e.phase}${e.mode ? ` ${e.mode}` : ""}`);
  t.deepEqual(phases, ["generate", "upload", "aggregate in-memory", "write in-memory", "validate in-memory", "aggregate streaming", "write streaming", "validate streaming", "validate"]);
  t.is(events.at(-1)?.type, "run-end");
});

test("with --runs 2 each mode runs twice, and every run is recorded", async (t) => {
  const { parts, calls } = fakeParts();
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 2 }), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(calls.filter((c) => c.startsWith("aggregate small")).length, 4); // 2 modes x 2 runs
  t.is(benchmark.report.scales[0].runs.length, 4);
});

test("a validation FAIL stops the run at once: no later mode or scale runs, the reports are written, exit 1", async (t) => {
  const { parts, calls } = fakeParts({ failValidation: new Set(["small in-memory"]) });
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "FAIL");
  t.is(benchmark.exitCode, 1);
  t.false(calls.includes("aggregate small streaming"));
  t.false(calls.includes("prepare medium"));
  t.true(calls.includes("removeUpload small"), "the uploaded input is removed even on a FAIL");
  t.is(calls.at(-1), "writeReports");
  t.is(benchmark.report.status, "FAIL");
  t.true(events.some((e) => e.type === "log" && e.level === "error" && e.text.startsWith("FAIL tail of")), "the failing logs' tails are shown");
});

test("rerunning one scale runs only that scale again and keeps the other scales' results", async (t) => {
  const { parts, calls } = fakeParts();
  const { benchmark } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "PASS");
  calls.length = 0;
  benchmark.rerunScale("medium");
  await benchmark.idle();
  t.deepEqual(calls.filter((c) => c.startsWith("prepare")), ["prepare medium"]);
  t.deepEqual(benchmark.report.scales.map((s) => s.scale), ["small", "medium"]);
  t.is(benchmark.report.scales.find((s) => s.scale === "small")!.runs.length, 2, "small's results still stand");
  t.is(benchmark.status, "PASS");
});

test("all again (a) then quit (q) writes a new results folder and leaves the finished PASS folder's report PASS", async (t) => {
  let quitting = false;
  const { parts } = fakeParts({
    async onAggregate(scale, mode, kill) {
      if (!quitting || scale !== "medium" || mode !== "streaming") return;
      void benchmark.quit(); // q while medium streaming runs in the second pass
      await kill;
      throw new Error("child killed");
    },
  });
  // the reports each writeReports call would write: folder and status at that moment
  const written: { dir: string; status: string }[] = [];
  const writeReports = parts.writeReports;
  parts.writeReports = async (dir, report) => {
    written.push({ dir, status: report.status });
    return writeReports(dir, report);
  };
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "PASS");
  const firstDir = benchmark.runDir;
  const firstWrites = written.length;
  t.is(written.at(-1)!.status, "PASS");
  quitting = true;
  benchmark.runAll();
  await benchmark.idle();
  t.is(benchmark.status, "INTERRUPTED");
  t.not(benchmark.runDir, firstDir, "the rerun has a folder of its own");
  const later = written.slice(firstWrites);
  t.true(later.length > 0);
  t.deepEqual(later.filter((w) => w.dir === firstDir), [], "nothing written into the finished folder after its PASS");
  t.is(later.at(-1)!.status, "INTERRUPTED");
  const starts = events.filter((e) => e.type === "run-start");
  t.is(starts.length, 2);
  t.deepEqual(starts.map((e) => e.type === "run-start" && e.outDir), [firstDir, benchmark.runDir]);
  t.is(benchmark.report.settings.rerunOf, firstDir, "the rerun's report names the folder it reran");
});

test("all again (a) quit during its first scale: the new folder's report holds no scale it did not run (the earlier medium stays in the earlier folder)", async (t) => {
  let quitting = false;
  const { parts } = fakeParts({
    async onAggregate(scale, mode, kill) {
      if (!quitting || scale !== "small" || mode !== "streaming") return;
      void benchmark.quit(); // q while small streaming runs in the second pass: medium never starts again
      await kill;
      throw new Error("child killed");
    },
  });
  const { benchmark } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "PASS");
  quitting = true;
  benchmark.runAll();
  await benchmark.idle();
  t.is(benchmark.status, "INTERRUPTED");
  // small: its in-memory run 1 finished before q; medium: not run in this folder at all
  t.deepEqual(benchmark.report.scales.map((s) => [s.scale, s.runs.length]), [["small", 1]]);
});

test("a rerun of the first scale keeps the scales in their configured order in the new report", async (t) => {
  const { parts } = fakeParts();
  const { benchmark } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  await benchmark.start();
  benchmark.rerunScale("small");
  await benchmark.idle();
  // small was rerun (2 runs, one per mode), medium carried over (2 runs): small still first
  t.deepEqual(benchmark.report.scales.map((s) => [s.scale, s.runs.length]), [["small", 2], ["medium", 2]]);
});

test("a rerun that passes leaves the run FAIL when another scale failed before", async (t) => {
  const failing = new Set(["small streaming"]);
  const { parts } = fakeParts({ failValidation: failing });
  const { benchmark } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "FAIL");
  failing.clear();
  benchmark.rerunScale("medium");
  await benchmark.idle();
  t.is(benchmark.status, "FAIL", "small's FAIL still stands");
  t.is(benchmark.exitCode, 1);
});

test("quitting during a mode run kills its child, runs nothing more, and marks the run INTERRUPTED (exit 130)", async (t) => {
  let killedChild = false;
  const { parts, calls } = fakeParts({
    async onAggregate(scale, mode, kill) {
      if (scale !== "small" || mode !== "streaming") return;
      void benchmark.quit();
      await kill; // the engine's Ctrl-C kills the child ...
      killedChild = true;
      throw new Error("child killed"); // ... which then fails
    },
  });
  const { benchmark } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  t.is(await benchmark.start(), "INTERRUPTED");
  t.true(killedChild);
  t.is(benchmark.exitCode, 130);
  t.false(calls.includes("prepare medium"));
  t.false(calls.includes("writeSummary small streaming"));
  t.is(benchmark.report.status, "INTERRUPTED");
  t.is(benchmark.report.finishedAt, null);
  t.is(calls.at(-1), "writeReports", "what completed is still reported");
});

test("a one-scale run's ETA is a figure from its first measured run on (no earlier run on disk)", async (t) => {
  const { parts } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 2 }), parts);
  await benchmark.start();
  const firstResult = events.findIndex((e) => e.type === "result");
  const lastResult = events.findLastIndex((e) => e.type === "result");
  const etas = (from: number, to: number) => events.slice(from, to).flatMap((e) => (e.type === "eta" ? [e.runRemainingMs] : []));
  t.true(firstResult > 0);
  t.true(etas(0, firstResult).every((ms) => ms === null), "before any mode run finished: estimating");
  const after = etas(firstResult, lastResult);
  t.true(after.length > 0 && after.every((ms) => typeof ms === "number" && ms >= 0), JSON.stringify(after));
});

test("after a rerun (r) the run's ETA is a figure from the start: the earlier run in this process prices it", async (t) => {
  const { parts } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"]), parts);
  await benchmark.start();
  const from = events.length;
  benchmark.rerunScale("small");
  await benchmark.idle();
  const etas = events.slice(from).flatMap((e) => (e.type === "eta" ? [e.runRemainingMs] : []));
  t.true(etas.length > 0 && etas.every((ms) => typeof ms === "number"), JSON.stringify(etas));
});

test("a phase that reports no progress is expected to take as long as it last did: the phase ETA of run 2's aggregate", async (t) => {
  const { parts } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 2 }), parts);
  await benchmark.start();
  const isAggregate = (e: (typeof events)[number], rep: number) => e.type === "phase-start" && e.phase === "aggregate" && e.mode === "in-memory" && e.rep === rep;
  const firstEnd = events.find((e) => e.type === "phase-end" && e.phase === "aggregate" && e.mode === "in-memory" && e.rep === 1);
  const second = events.findIndex((e) => isAggregate(e, 2));
  const first = events.findIndex((e) => isAggregate(e, 1));
  // the ETA emitted just before each aggregate's phase-start
  const etaBefore = (at: number) => events.slice(0, at).findLast((e) => e.type === "eta");
  t.is(etaBefore(first)?.type === "eta" ? etaBefore(first)!.phaseRemainingMs : "none", null, "the first aggregate: not known");
  t.is(etaBefore(second)?.type === "eta" ? etaBefore(second)!.phaseRemainingMs : "none", firstEnd?.type === "phase-end" ? firstEnd.durationMs : -1);
});

test("the run's ETA is never shorter than the phase's: a slow first in-memory aggregate does not leave 'phase 3s · run 2s'", async (t) => {
  // in-memory run 1's aggregate takes 300 ms, every other aggregate ~0: before in-memory run 2
  // (A B B A) its phase ETA is that 300 ms, while the run's mode units priced at their median
  // (~0 ms of three) put the run's end sooner than the phase's
  let slow = true;
  const { parts } = fakeParts({
    async onAggregate(_scale, mode) {
      if (mode !== "in-memory" || !slow) return;
      slow = false;
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
  });
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 2 }), parts);
  await benchmark.start();
  const both = events.flatMap((e) => (e.type === "eta" && e.phaseRemainingMs !== null && e.runRemainingMs !== null ? [e] : []));
  t.true(both.some((e) => e.phaseRemainingMs! >= 250), "the phase ETA of in-memory run 2's aggregate is the 300 ms it last took");
  t.deepEqual(both.filter((e) => e.runRemainingMs! < e.phaseRemainingMs!), []);
});
