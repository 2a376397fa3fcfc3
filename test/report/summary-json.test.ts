import test from "ava";
import { parseSummaryJson, summaryJson } from "../../src/report/summary-json.ts";
import { report, run, scale } from "./fixtures.ts";

test("summary.json round-trips an INTERRUPTED run, including non-finite differences", (t) => {
  const s = scale("small", 7440, [0.4, 150], [0.5, 120]);
  // a run cut off: streaming never validated, one relative difference against an expected 0
  s.runs[1] = run("small", "streaming", 1, 0.5, 120, 7440, { status: "FAILED", validation: "NOT_RUN", error: "interrupted" });
  s.runs[0].maxDiff = { abs: 1e-12, rel: Infinity };
  delete s.modesIdentical;
  const r = report([s], { status: "INTERRUPTED", finishedAt: null });
  const text = summaryJson(r);
  const back = parseSummaryJson(text);
  t.deepEqual(back, r);
  t.is(back.status, "INTERRUPTED");
  t.is(back.scales[0].runs[0].maxDiff?.rel, Infinity);
  t.is(JSON.parse(text).status, "INTERRUPTED");
});

test("summary.json carries every figure of a run: phases, baseline and peak RSS, CPU, rows per type, throughput, memory series", (t) => {
  const doc = JSON.parse(summaryJson(report([scale("small", 7440, [0.4, 150], [0.5, 120], 3)])));
  const r = doc.report.scales[0].runs[0];
  // d = 0.4 s: start 0.05, read d/4, plan d/8, execute 3d/8, aggregate d/2, output d/4, write d/4
  t.deepEqual(r.phases, {
    start: 0.05,
    read: 0.1,
    plan: 0.05,
    execute: 0.15000000000000002, // 0.4 * 3 / 8 in binary floating point
    aggregate: 0.2,
    output: 0.1,
    write: 0.1,
    validate: 0.1,
    total: 0.5,
  });
  t.is(r.peakMemoryMb, 150);
  t.is(r.baselineMemoryMb, 50);
  t.is(r.cpuUserSeconds, 0.6000000000000001); // 0.4 * 1.5 in binary floating point
  t.deepEqual(r.inputRowsByType, { pod: 7440, storage: 0, nodeLabels: 10, namespaceLabels: 10 });
  t.is(r.throughputRowsPerSecond, 18600); // 7440 / 0.4
  t.is(r.memorySeries.length, 2);
  t.is(doc.report.environment.versions["nodejs-polars"], "0.26.1");
  t.deepEqual(doc.report.settings, { runs: 1, relTolerance: 1e-9, seed: 1 });
  // derived: in-memory 0.4 s vs streaming 0.5 s in each of 3 pairs -> ratio 1.25, no spread, so the
  // interval is [1.25, 1.25], wholly above 1.1 -> in-memory faster; memory 120 / 150 = 0.8 < 1/1.1
  const c = doc.derived.comparisons[0];
  t.is(c.timeClass, "in-memory faster");
  // (1.25 up to the last binary digit: the mean of three equal logs may round by one ulp)
  t.true(Math.abs(c.timeInterval.lo - 1.25) < 1e-12 && Math.abs(c.timeInterval.hi - 1.25) < 1e-12);
  t.is(c.timePairs, 3);
  t.is(c.timeRunsToSettle, null);
  t.is(c.memoryClass, "streaming lower");
  t.true(Math.abs(c.memoryInterval.lo - 0.8) < 1e-12 && Math.abs(c.memoryInterval.hi - 0.8) < 1e-12);
});

test("parseSummaryJson rejects a file that is not a streambench summary", (t) => {
  t.throws(() => parseSummaryJson('{"hello":1}'));
});
