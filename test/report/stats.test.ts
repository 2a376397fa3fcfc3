import test from "ava";
import { median, outlierIndexes, summariseMode } from "../../src/report/stats.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { report, run, scale } from "./fixtures.ts";

test("median of an odd count is the middle value, of an even count the mean of the two middle ones", (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
});

test("outlier: 14 among 10, 10.2, 10.1, 10.0 (median 10.1, MAD 0.1, |14 - 10.1| = 3.9 > 0.15 and > 5%)", (t) => {
  t.deepEqual(outlierIndexes([10, 10.2, 10.1, 10.0, 14]), [4]);
});

test("no outlier when every deviation is within 1.5 x MAD (10, 10.2, 10.1: MAD 0.1, largest deviation 0.1)", (t) => {
  t.deepEqual(outlierIndexes([10, 10.2, 10.1]), []);
});

test("with MAD 0 a deviation under 5% of the median is not an outlier, above it is", (t) => {
  t.deepEqual(outlierIndexes([5, 5, 5.1]), []); // 0.1 < 0.25
  t.deepEqual(outlierIndexes([5, 5, 6]), [2]); // 1 > 0.25 and > 0
});

test("no outliers are flagged with fewer than 3 runs", (t) => {
  t.deepEqual(outlierIndexes([1, 100]), []);
});

test("a slow repetition is flagged with its rep and metric, and listed in the report", (t) => {
  const runs = [
    run("s", "streaming", 1, 2.0, 100, 1000),
    run("s", "streaming", 2, 2.1, 101, 1000),
    run("s", "streaming", 3, 5.0, 100, 1000),
  ];
  const m = summariseMode("s", "streaming", runs)!;
  t.deepEqual(m.outliers, [{ rep: 3, metric: "duration", value: 5.0, median: 2.1 }]);
  t.deepEqual(m.duration, { median: 2.1, min: 2.0, max: 5.0, n: 3 });
  const s = scale("s", 1000, [1, 100], [1, 100]);
  s.runs = [
    run("s", "in-memory", 1, 1, 100, 1000),
    run("s", "in-memory", 2, 1, 100, 1000),
    run("s", "in-memory", 3, 1, 100, 1000),
    ...runs,
  ];
  const md = comparisonReport(report([s]));
  t.true(md.includes("- s, streaming, run 3: duration 5.000 s vs median 2.100 s."));
  t.true(md.includes("Figures are medians of 3 runs per (scale, mode), min–max in brackets"));
});
