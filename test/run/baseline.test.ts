// run --baseline on the fake parts: the run is compared with the baseline at its end, the report
// carries it (derived.baseline in summary.json, "Against the baseline" in COMPARISON_REPORT.md),
// each scale's modes are shown against it as they finish, and --fail-on turns a regression into exit 6.
import test from "ava";
import type { RunReport } from "../../src/records/run-report.ts";
import { summaryJson } from "../../src/report/summary-json.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { fakeBenchmark, fakeConfig, fakeParts, removeFakeRunDirs } from "./fake-parts.ts";

test.after.always(removeFakeRunDirs);

/** The report of a fake run of small with 4 runs per mode (every run identical). */
async function fakeRun(): Promise<RunReport> {
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 4 }), fakeParts().parts);
  await benchmark.start();
  return structuredClone(benchmark.report);
}

/** The report with every in-memory duration multiplied by `factor`. */
function scaled(report: RunReport, factor: number): RunReport {
  const copy = structuredClone(report);
  for (const r of copy.scales[0].runs) if (r.mode === "in-memory") r.durationSeconds *= factor;
  return copy;
}

test("a run against a baseline where in-memory took half as long is slower there, and --fail-on slower exits 6", async (t) => {
  const base = scaled(await fakeRun(), 0.5);
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 4, baseline: { against: "base", report: base }, failOn: ["slower"] }), fakeParts().parts);
  t.is(await benchmark.start(), "PASS");
  t.is(benchmark.exitCode, 6);
  const changes = benchmark.report.baseline!.comparison.changes;
  // every run took d now and d/2 in the baseline: all 16 ratios are 2, the interval is [2, 2]
  const d = changes.find((c) => c.mode === "in-memory" && c.figure === "duration")!;
  t.is(d.class, "slower");
  t.true(Math.abs(d.interval!.lo - 2) < 1e-9 && Math.abs(d.interval!.hi - 2) < 1e-9);
  t.is(changes.find((c) => c.mode === "streaming" && c.figure === "duration")!.class, "unchanged");
  // the monitor gets the change as the runs complete (the first after in-memory's first run), then once final
  const live = events.filter((e) => e.type === "baseline");
  t.true(live.length > 2);
  const last = live.at(-1)!;
  t.truthy(last.type === "baseline" && last.final && last.changes.some((c) => c.mode === "in-memory" && c.class === "slower"));
  t.true(live.slice(0, -1).every((e) => e.type === "baseline" && !e.final));
  t.true(events.some((e) => e.type === "error" && /--fail-on slower.*small in-memory duration slower/.test(e.message)));
  const json = JSON.parse(summaryJson(benchmark.report));
  t.is(json.derived.baseline.against, "base");
  t.is(json.report.baseline, undefined, "the comparison is written once, under derived");
  t.regex(comparisonReport(benchmark.report), /## Against the baseline[\s\S]*\| small \| in-memory \| duration \|.*\| 2\.00× \|.*\| slower \|/);
});

test("an unchanged run against its baseline exits 0 with --fail-on slower,memory", async (t) => {
  const base = await fakeRun();
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 4, baseline: { against: "base", report: base }, failOn: ["slower", "memory"] }), fakeParts().parts);
  t.is(await benchmark.start(), "PASS");
  t.is(benchmark.exitCode, 0);
  // the fake's child reports the same timings, memory and CPU every run (the write and validate
  // phases are timed for real, in microseconds, and may move): ratio 1, interval [1, 1]
  const fixed = benchmark.report.baseline!.comparison.changes.filter((c) => ["duration", "peak memory", "child CPU"].includes(c.figure));
  t.is(fixed.length, 6);
  t.deepEqual([...new Set(fixed.map((c) => c.class))], ["unchanged"]);
});

test("without --fail-on a regression is reported but the exit code stays the validation's", async (t) => {
  const base = scaled(await fakeRun(), 0.5);
  const { benchmark } = fakeBenchmark(fakeConfig(["small"], { repetitions: 4, baseline: { against: "base", report: base } }), fakeParts().parts);
  t.is(await benchmark.start(), "PASS");
  t.is(benchmark.exitCode, 0);
  t.truthy(benchmark.report.baseline);
});

test("a baseline with other data cannot be checked: --fail-on exits 2 and says why", async (t) => {
  const base = await fakeRun();
  base.scales[0].inputRows = 99;
  const { benchmark, events } = fakeBenchmark(fakeConfig(["small"], { repetitions: 4, baseline: { against: "base", report: base }, failOn: ["slower"] }), fakeParts().parts);
  await benchmark.start();
  t.is(benchmark.exitCode, 2);
  t.true(events.some((e) => e.type === "error" && /small cannot be compared with the baseline: the data differ \(rows: pod usage 99/.test(e.message)));
});
