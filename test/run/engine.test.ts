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

test("the run's ETA says estimating (null) until the first scale has finished, then gives a figure", async (t) => {
  const { parts } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small", "medium"]), parts);
  await benchmark.start();
  const endOfSmall = events.findIndex((e) => e.type === "comparison" && e.scale === "small");
  const etas = (from: number, to: number) => events.slice(from, to).flatMap((e) => (e.type === "eta" ? [e.runRemainingMs] : []));
  t.true(endOfSmall > 0);
  t.true(etas(0, endOfSmall).length > 0);
  t.true(etas(0, endOfSmall).every((ms) => ms === null));
  t.true(etas(endOfSmall, events.length).every((ms) => typeof ms === "number" && ms >= 0));
});
