// --runs auto: three rounds, then one more at a time while a verdict is inconclusive and its
// estimate says it would settle, within the budget; the scale records how many runs and why it stopped.
import test from "ava";
import { AUTO_MAX_RUNS, nextRound, SamplingBudget } from "../../src/run/sampling.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { fakeBenchmark, fakeConfig, fakeParts, removeFakeRunDirs } from "./fake-parts.ts";

test.after.always(removeFakeRunDirs);

test("a scale whose verdicts settle in the first three runs gets no more", async (t) => {
  // every run of both modes takes 4 ms: ratio 1, interval [1, 1], comparable on time and memory
  const { parts, calls } = fakeParts();
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 3, autoRuns: { budgetSeconds: 60 } }), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(calls.filter((c) => c.startsWith("aggregate")).length, 6);
  t.deepEqual(benchmark.report.scales[0].sampling, { runs: 3, extraRuns: 0, stoppedBecause: "every verdict settled" });
});

test("an inconclusive time verdict gets one more round, and stops once it settles", async (t) => {
  // streaming 8 ms every run; in-memory 4, 8, 4, then 4 ms. After 3 pairs the log ratios are
  // ln 2, 0, ln 2: sd 0.400, half-width t(2) 4.303 × 0.400 / √3 = 0.994, interval 2 × e^±0.994 =
  // 0.74-5.4: inconclusive; distance ln 2 − ln 1.1 = 0.598 is first beaten at n = 5
  // (2.776 × 0.400 / √5 = 0.497), so a 4th round is worth it. After 4 pairs (ln 2, 0, ln 2, ln 2):
  // sd 0.3466, half 3.182 × 0.3466 / 2 = 0.551, interval from 2 × e^−0.551 = 1.15 > 1.1: settled.
  const { parts, calls } = fakeParts({ totalMs: (mode, n) => (mode === "streaming" ? 8 : n === 2 ? 8 : 4) });
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 3, autoRuns: { budgetSeconds: 60 } }), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(calls.filter((c) => c.startsWith("aggregate")).length, 8);
  t.deepEqual(benchmark.report.scales[0].sampling, { runs: 4, extraRuns: 1, stoppedBecause: "every verdict settled" });
  // the 4th round runs B A (streaming first), as even rounds do
  t.deepEqual(calls.filter((c) => c.startsWith("aggregate")).slice(6), ["aggregate small streaming", "aggregate small in-memory"]);
  t.true(comparisonReport(benchmark.report).includes("- small: 4 runs per mode (3 + 1 more, --runs auto); stopped: every verdict settled."));
  t.true(events.some((e) => e.type === "log" && /small: run 4 per mode \(--runs auto\): still inconclusive, time in-memory vs streaming \(about 5 runs\)/.test(e.text)));
});

test("with no budget left an inconclusive scale stops at three runs and says so", async (t) => {
  const { parts } = fakeParts({ totalMs: (mode, n) => (mode === "streaming" ? 8 : n === 2 ? 8 : 4) });
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 3, autoRuns: { budgetSeconds: 0 } }), parts);
  t.is(await benchmark.start(), "PASS");
  const s = benchmark.report.scales[0].sampling!;
  t.is(s.runs, 3);
  t.regex(s.stoppedBecause, /^budget spent .* still inconclusive: time in-memory vs streaming \(about 5 runs\)/);
});

test("--runs N is a fixed count, recorded as such", async (t) => {
  const { parts } = fakeParts({ totalMs: (mode, n) => (mode === "streaming" ? 8 : n === 2 ? 8 : 4) });
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 3 }), parts);
  await benchmark.start();
  t.deepEqual(benchmark.report.scales[0].sampling, { runs: 3, extraRuns: 0, stoppedBecause: "--runs 3: a fixed count" });
});

test("nextRound stops when nothing is open, when no reachable count would settle it, at the cap, and past the budget", (t) => {
  t.deepEqual(nextRound([], 3, 1, 0, 10), { more: false, because: "every verdict settled" });
  t.false(nextRound([{ what: "time", runsToSettle: null }], 3, 1, 0, 10).more);
  t.false(nextRound([{ what: "time", runsToSettle: AUTO_MAX_RUNS + 1 }], 3, 1, 0, 10).more);
  t.false(nextRound([{ what: "time", runsToSettle: 5 }], AUTO_MAX_RUNS, 1, 0, 100).more);
  // a round of 2 s with 1.5 s left of a 3 s share does not fit; with 2 s left it does
  t.false(nextRound([{ what: "time", runsToSettle: 5 }], 3, 2, 1.5, 3).more);
  t.true(nextRound([{ what: "time", runsToSettle: 5 }], 3, 2, 1, 3).more);
});

test("the budget is shared: a scale may spend what is left over the scales still to run", (t) => {
  const b = new SamplingBudget(9, 3);
  t.is(b.share, 3);
  b.spend(1); // the first scale spent 1 of its 3
  b.scaleDone();
  t.is(b.share, 4); // 8 left over 2 scales
});
