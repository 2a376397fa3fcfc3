// A child its limits end is a measured outcome, not a fault: the run goes on to the other modes and
// scales, exits 0 when nothing FAILed, and SUMMARY.csv keeps its columns with status OOM. On fake
// parts (the real kill is covered by test/child/limit-enforcement.test.ts).
import test from "ava";
import { summaryTableCsv } from "../../src/report/summary-table-csv.ts";
import { limitedScales } from "../../src/run/benchmark.ts";
import type { Limits } from "../../src/limits/limit-settings.ts";
import { ladderScale } from "../../src/scales.ts";
import { fakeBenchmark, fakeConfig, fakeParts, removeFakeRunDirs } from "./fake-parts.ts";

test.after.always(removeFakeRunDirs);

const MiB = 1024 * 1024;
const limit = (mib: number): Limits => ({ memoryLimitBytes: mib * MiB, cpus: null, preset: null, timeoutSeconds: null });

test("an in-memory OOM goes on to streaming and the next scale, and the run ends PASS with exit 0", async (t) => {
  const { parts, calls } = fakeParts({ limitKill: (scale, mode) => (scale === "medium" && mode === "in-memory" ? { outcome: "OOM" as const, peakMiB: 750 } : undefined) });
  const { benchmark, events } = fakeBenchmark(fakeConfig(["medium", "large"], { limits: [limit(750)] }), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(benchmark.exitCode, 0);
  t.true(calls.includes("aggregate medium streaming"), "the other mode still runs");
  t.true(calls.includes("aggregate large in-memory"), "the next scale still runs");
  t.false(calls.includes("writeSummary medium in-memory"), "a killed child has no summary to write");
  t.true(events.some((e) => e.type === "limit-kill" && e.outcome === "OOM" && e.mode === "in-memory"));
  t.false(events.some((e) => e.type === "error"), "an OOM under the user's limit is no error");
});

test("SUMMARY.csv keeps its columns: status OOM, validation n/a, the peak reached and the time until the kill", async (t) => {
  const { parts } = fakeParts({ limitKill: (scale, mode) => (scale === "medium" && mode === "in-memory" ? { outcome: "OOM" as const, peakMiB: 750 } : undefined) });
  const { benchmark } = fakeBenchmark(fakeConfig(["medium"], { limits: [limit(750)] }), parts);
  await benchmark.start();
  const lines = summaryTableCsv(benchmark.report).trim().split("\n");
  t.is(lines[0].split(",").length, 13, "the same 13 columns");
  // the fake's kill: peak 750 MiB = 750.0 MB (MB = 1024 * 1024 bytes), 1500 ms until the kill = 1.500 s;
  // input rows are the scale's (10 in the fake), no output rows, 1 run
  t.is(lines[1], "medium,in-memory,OOM,1.500,750.0,10,0,n/a,1,1.500,1.500,750.0,750.0");
  t.regex(lines[2], /^medium,streaming,SUCCESS,.*,PASS,/);
});

test("after an OOM the mode's other repetitions at that scale are not run (the outcome is measured)", async (t) => {
  const { parts, calls } = fakeParts({ limitKill: (scale, mode) => (scale === "medium" && mode === "in-memory" ? { outcome: "OOM" as const, peakMiB: 700 } : undefined) });
  const { benchmark } = fakeBenchmark(fakeConfig(["medium"], { repetitions: 3, limits: [limit(750)] }), parts);
  t.is(await benchmark.start(), "PASS");
  t.is(calls.filter((c) => c === "aggregate medium in-memory").length, 1);
  t.is(calls.filter((c) => c === "aggregate medium streaming").length, 3);
});

test("a TIMEOUT is an outcome too: status TIMEOUT, the run goes on, exit 0", async (t) => {
  const { parts } = fakeParts({ limitKill: (scale, mode) => (scale === "medium" && mode === "streaming" ? { outcome: "TIMEOUT" as const, peakMiB: 300 } : undefined) });
  const { benchmark } = fakeBenchmark(fakeConfig(["medium"], { limits: [limit(750)] }), parts);
  t.is(await benchmark.start(), "PASS");
  t.regex(summaryTableCsv(benchmark.report), /\nmedium,streaming,TIMEOUT,1\.500,300\.0,10,0,n\/a,/);
});

test("a list of memory limits runs every scale under each in turn, each pair recorded as <scale>@<limit>", async (t) => {
  const { parts, limited } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small", "medium"], { limits: [limit(400), limit(750)] }), parts);
  t.is(await benchmark.start(), "PASS");
  t.deepEqual(benchmark.report.scales.map((s) => s.scale), ["small@400MiB", "medium@400MiB", "small@750MiB", "medium@750MiB"]);
  t.deepEqual(limited.map((l) => l.memoryLimitBytes), [400 * MiB, 750 * MiB], "the children are put under each limit once, in the order given");
  t.deepEqual(events.filter((e) => e.type === "limits").map((e) => e.type === "limits" && e.capBytes), [400 * MiB, 750 * MiB]);
});

test("under a list of limits the run announces its rows as <scale>@<limit>, so the monitor shows no row that never runs", async (t) => {
  const { parts } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { limits: [limit(400), limit(750)] }), parts);
  await benchmark.start();
  const start = events.find((e) => e.type === "run-start");
  t.deepEqual(start?.type === "run-start" && start.scales, ["small@400MiB", "small@750MiB"]);
});

test("rerunning <scale>@<limit> runs that scale again under that limit only, and keeps the other rows", async (t) => {
  const { parts, calls, limited } = fakeParts();
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small", "medium"], { limits: [limit(400), limit(750)] }), parts);
  t.is(await benchmark.start(), "PASS");
  calls.length = 0;
  limited.length = 0;
  benchmark.rerunScale("medium@750MiB");
  await benchmark.idle();
  t.deepEqual(calls.filter((c) => c.startsWith("prepare")), ["prepare medium"]);
  t.deepEqual(limited.map((l) => l.memoryLimitBytes), [750 * MiB], "under 750 MiB, not 400");
  t.deepEqual(benchmark.report.scales.map((s) => s.scale), ["small@400MiB", "medium@400MiB", "small@750MiB", "medium@750MiB"]);
  t.is(benchmark.status, "PASS");
  calls.length = 0;
  benchmark.rerunScale("medium");
  await benchmark.idle();
  t.deepEqual(calls, [], "a plain scale name under a list of limits reruns nothing");
  t.true(events.some((e) => e.type === "log" && e.text === "medium runs as medium@400MiB, medium@750MiB: rerun one of those"));
});

test("one limit (or none) keeps the scale names as they are", (t) => {
  t.deepEqual(limitedScales(["small"], [limit(750)]).map((u) => u.label), ["small"]);
  t.deepEqual(limitedScales(["small"], []).map((u) => u.label), ["small"]);
});

test("a sweep under a limit measures sizes between a mode's PASS and OOM until they are within 1.5x", async (t) => {
  const ladder = [10, 1000, 10000].map((pods) => ladderScale(pods));
  const sweep = { points: ladder.map((p) => ({ scale: p.name, pods: p.pods, namespaces: p.namespaces, nodes: p.nodes, podRows: p.podRows })), minRows: 7440, maxRows: 7_440_000, steps: 1 };
  // in-memory is OOM-killed above 2,000,000 pod rows (rows = pods x 744)
  const { parts, calls } = fakeParts({
    podRows: (scale) => ladderScale(Number(scale.slice("pods-".length))).podRows,
    limitKill: (_scale, mode, rows) => (mode === "in-memory" && rows > 2_000_000 ? { outcome: "OOM" as const, peakMiB: 750 } : undefined),
  });
  const { benchmark, events } = fakeBenchmark(fakeConfig(ladder.map((p) => p.name), { limits: [limit(750)] }), parts, sweep);
  t.is(await benchmark.start(), "PASS");
  t.true(
    events.some((e) => e.type === "log" && e.text === "frontier of in-memory under 750 MiB: PASS at 744000 rows, OOM at 7440000; measuring pods-3162 (2352528 rows) between them"),
    "the log says which limit's frontier a size narrows",
  );
  // PASS 744,000 / OOM 7,440,000: sqrt of their product / 744 = 3162.3 -> pods-3162 (2,352,528 rows, OOM);
  // PASS 744,000 / OOM 2,352,528: 1778.2 -> pods-1778 (1,322,832 rows, PASS);
  // PASS 1,322,832 / OOM 2,352,528: 2371.1 -> pods-2371 (1,764,024 rows, PASS); 2,352,528 / 1,764,024 = 1.33 <= 1.5: done
  t.deepEqual(benchmark.report.scales.map((s) => s.scale), ["pods-10", "pods-1000", "pods-10000", "pods-3162", "pods-1778", "pods-2371"]);
  t.deepEqual(sweep.points.map((p) => p.pods), [10, 1000, 1778, 2371, 3162, 10000], "the ladder gains the sizes, in order");
  t.true(calls.includes("aggregate pods-2371 streaming"), "every mode runs at an added size");
  calls.length = 0;
  benchmark.rerunScale("pods-2371");
  await benchmark.idle();
  t.deepEqual(calls.filter((c) => c.startsWith("prepare")), ["prepare pods-2371"], "a size the sweep added can be rerun (r) too");
});

test("under a list of limits each limit narrows its own frontier: one limit's refinements do not use up another's", async (t) => {
  const ladder = [10, 1000, 10000].map((pods) => ladderScale(pods));
  const sweep = { points: ladder.map((p) => ({ scale: p.name, pods: p.pods, namespaces: p.namespaces, nodes: p.nodes, podRows: p.podRows })), minRows: 7440, maxRows: 7_440_000, steps: 1 };
  // the same kill at both limits (above 2,000,000 pod rows), so each limit needs the three sizes of
  // the test above: pods-3162, pods-1778, pods-2371; six in all, which a shared budget of 6 would
  // only just allow, and with a third limit (nine) would cut short
  const { parts } = fakeParts({
    podRows: (scale) => ladderScale(Number(scale.slice("pods-".length))).podRows,
    limitKill: (_scale, mode, rows) => (mode === "in-memory" && rows > 2_000_000 ? { outcome: "OOM" as const, peakMiB: 750 } : undefined),
  });
  const { benchmark } = fakeBenchmark(fakeConfig(ladder.map((p) => p.name), { limits: [limit(400), limit(750), limit(4096)] }), parts, sweep);
  t.is(await benchmark.start(), "PASS");
  const added = benchmark.report.scales.map((s) => s.scale).filter((name) => /^pods-(3162|1778|2371)@/.test(name));
  t.is(added.length, 9, "three sizes under each of the three limits");
});
