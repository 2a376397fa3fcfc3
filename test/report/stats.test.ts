import test from "ava";
import { summariseMode } from "../../src/report/mode-summary.ts";
import { median, outlierIndexes } from "../../src/stats/statistics.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { report, run, scale } from "./fixtures.ts";

test("median of an odd count is the middle value, of an even count the mean of the two middle ones", (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
});

test("outlier: 14 among 10, 10.2, 10.1, 10.0 (hinges 10 and 10.2, upper fence 10.2 + 1.5 x 0.2 = 10.5; 14 beyond it and > 5% off)", (t) => {
  // sorted 10, 10, 10.1, 10.2, 14: lower half 10, 10, 10.1 -> Q1 10; upper half 10.1, 10.2, 14 -> Q3 10.2
  t.deepEqual(outlierIndexes([10, 10.2, 10.1, 10.0, 14]), [4]);
});

test("the issue's small in-memory runs are not outliers: two runs 10% under the median are inside Tukey's fences", (t) => {
  // sorted 0.229, 0.231, 0.255, 0.26, 0.27: Q1 0.231, Q3 0.26, IQR 0.029, lower fence 0.231 − 0.0435 = 0.1875.
  // The old rule (1.5 × MAD from the median) flagged both 0.229 and 0.231: MAD 0.015, 1.5 × 0.015 = 0.0225 < 0.024.
  t.deepEqual(outlierIndexes([0.229, 0.255, 0.231, 0.26, 0.27]), []);
});

test("with Q1 = Q3 a deviation under 5% of the median is not an outlier, above it is", (t) => {
  t.deepEqual(outlierIndexes([5, 5, 5, 5, 5.1]), []); // beyond the fence 5, but 0.1 < 5% of 5 = 0.25
  t.deepEqual(outlierIndexes([5, 5, 5, 5, 6]), [4]); // 1 > 0.25
});

test("no outliers are flagged with fewer than 5 runs: the quartiles would be the extreme runs themselves", (t) => {
  t.deepEqual(outlierIndexes([1, 100]), []);
  t.deepEqual(outlierIndexes([0.229, 0.229, 0.255, 0.281]), []); // 4 runs, as in the issue: not checked
});

test("a slow repetition is flagged with its rep and metric, and listed in the report", (t) => {
  const runs = [
    run("s", "streaming", 1, 2.0, 100, 1000),
    run("s", "streaming", 2, 2.1, 101, 1000),
    run("s", "streaming", 3, 5.0, 100, 1000),
    run("s", "streaming", 4, 2.1, 100, 1000),
    run("s", "streaming", 5, 2.2, 101, 1000),
  ];
  // durations sorted 2.0, 2.1, 2.1, 2.2, 5.0: Q1 2.1, Q3 2.2, upper fence 2.2 + 0.15 = 2.35; 5.0 beyond, median 2.1
  // memory 100, 100, 100, 101, 101: Q1 100, Q3 101, fences 98.5 and 102.5: none
  const m = summariseMode("s", "streaming", runs)!;
  t.deepEqual(m.outliers, [{ rep: 3, metric: "duration", value: 5.0, median: 2.1 }]);
  t.deepEqual(m.duration, { median: 2.1, min: 2.0, max: 5.0, n: 5 });
  const s = scale("s", 1000, [1, 100], [1, 100]);
  s.runs = [
    run("s", "in-memory", 1, 1, 100, 1000),
    run("s", "in-memory", 2, 1, 100, 1000),
    run("s", "in-memory", 3, 1, 100, 1000),
    run("s", "in-memory", 4, 1, 100, 1000),
    run("s", "in-memory", 5, 1, 100, 1000),
    ...runs,
  ];
  const md = comparisonReport(report([s]));
  t.true(md.includes("- s, streaming, run 3: duration 5.000 s vs median 2.100 s."));
  t.true(md.includes("Figures are medians of 5 runs per (scale, mode), min–max in brackets"));
});

// ---- the verdict's interval ----------------------------------------------------------------

import { pairRuns } from "../../src/report/mode-summary.ts";
import { ratioEstimate, runsToSettle, sampleSd, tQuantile975 } from "../../src/stats/statistics.ts";
import { compareScales } from "../../src/report/analysis.ts";

const close = (a: number, b: number, eps = 1e-4) => Math.abs(a - b) < eps;
/** Pairs with in-memory 1 s and streaming e^x s, so log(streaming ÷ in-memory) = x exactly. */
const pairsOfLogs = (...logs: number[]) => logs.map((x, i) => ({ rep: i + 1, base: 1, other: Math.exp(x) }));

test("interval of 3 pairs with log ratios 0.1, 0.2, 0.3: ratio e^0.2 = 1.2214, 95% interval 0.9527–1.5658", (t) => {
  // mean 0.2; sd = sqrt((0.1² + 0 + 0.1²) / 2) = 0.1; t(0.975, 2) = 4.3027;
  // half = 4.3027 × 0.1 / √3 = 0.248417; centre = log(median e^x ÷ median 1) = 0.2;
  // interval = e^(0.2 − 0.248417) = e^−0.048417 = 0.95273 … e^(0.2 + 0.248417) = e^0.448417 = 1.56582.
  const e = ratioEstimate(pairsOfLogs(0.1, 0.2, 0.3));
  t.true(close(e.ratio, 1.221403), String(e.ratio));
  t.true(close(e.logSd, 0.1));
  t.true(close(e.interval!.lo, 0.95273), String(e.interval!.lo));
  t.true(close(e.interval!.hi, 1.56582), String(e.interval!.hi));
  t.is(e.pairs, 3);
});

test("that interval reaches from inside the band (0.95) to beyond it (1.57): inconclusive, and 7 runs would likely settle it", (t) => {
  // distance from the ratio to the band's edge on the log scale: 0.2 − log 1.1 = 0.2 − 0.09531 = 0.10469.
  // runs n needed: t(0.975, n − 1) × 0.1 / √n < 0.10469, i.e. t / √n < 1.0469:
  //   n = 4: 3.1824 / 2 = 1.591; n = 5: 2.7764 / 2.2361 = 1.242; n = 6: 2.5706 / 2.4495 = 1.0494;
  //   n = 7: 2.4469 / 2.6458 = 0.9248 < 1.0469 -> 7.
  const e = ratioEstimate(pairsOfLogs(0.1, 0.2, 0.3));
  t.is(runsToSettle(e, 0.1), 7);
});

test("a ratio sitting on the band's edge cannot be settled by any number of runs: null, 'more than 100'", (t) => {
  // log ratios log 1.1 ± 0.05: the centre is the edge itself, distance 0
  const edge = Math.log(1.1);
  t.is(runsToSettle(ratioEstimate(pairsOfLogs(edge - 0.05, edge, edge + 0.05)), 0.1), null);
});

test("a drift that hits both modes alike cancels in the pairs: 1, 2, 4 s vs 1.5, 3, 6 s is in-memory faster, with no spread", (t) => {
  // The ranges overlap (1–4 s vs 1.5–6 s), but every back-to-back pair has streaming 1.5× slower:
  // log ratios all log 1.5, sd 0, interval [1.5, 1.5], wholly above 1.1.
  const s = scale("drift", 1000, [0, 0], [0, 0]);
  s.runs = [
    run("drift", "in-memory", 1, 1, 100, 1000),
    run("drift", "streaming", 1, 1.5, 100, 1000),
    run("drift", "streaming", 2, 3, 100, 1000),
    run("drift", "in-memory", 2, 2, 100, 1000),
    run("drift", "in-memory", 3, 4, 100, 1000),
    run("drift", "streaming", 3, 6, 100, 1000),
  ];
  const [c] = compareScales(report([s]));
  t.is(c.timeClass, "in-memory faster");
  t.true(close(c.time.interval!.lo, 1.5) && close(c.time.interval!.hi, 1.5));
  t.is(c.memoryClass, "comparable"); // 100 MB everywhere: ratio 1, interval [1, 1]
});

test("pairs match repetitions by number, leave out warm-ups and failed runs, and in rep order", (t) => {
  const runs = [
    run("s", "in-memory", 2, 2, 1, 1),
    run("s", "streaming", 1, 10, 1, 1, { warmup: true }),
    run("s", "in-memory", 1, 1, 1, 1, { warmup: true }),
    run("s", "streaming", 2, 20, 1, 1),
    run("s", "in-memory", 3, 3, 1, 1),
    run("s", "streaming", 3, 30, 1, 1, { status: "FAILED" }),
    run("s", "in-memory", 1, 1, 1, 1),
    run("s", "streaming", 1, 10, 1, 1),
  ];
  t.deepEqual(pairRuns(runs, (r) => r.durationSeconds), [
    { rep: 1, base: 1, other: 10 },
    { rep: 2, base: 2, other: 20 },
  ]);
});

test("t quantiles: the table's 4.3027 at 2 degrees of freedom, and the expansion beyond 30 joins the table (2.0423 at 30)", (t) => {
  t.is(tQuantile975(2), 4.3027);
  t.true(close(tQuantile975(31), 2.0395, 2e-4)); // tables: t(0.975, 31) = 2.0395
  t.true(close(tQuantile975(120), 1.9799, 2e-4)); // tables: 1.9799
  t.true(Number.isNaN(sampleSd([1])));
});

test("warm-up runs are in no figure: a 10 s warm-up does not move the median of 1, 2, 3 s", (t) => {
  const runs = [
    run("s", "in-memory", 1, 10, 900, 1000, { warmup: true }),
    run("s", "in-memory", 1, 1, 100, 1000),
    run("s", "in-memory", 2, 2, 100, 1000),
    run("s", "in-memory", 3, 3, 100, 1000),
  ];
  const m = summariseMode("s", "in-memory", runs)!;
  t.deepEqual(m.duration, { median: 2, min: 1, max: 3, n: 3 });
  t.is(m.peakMemoryMb.max, 100);
  t.is(m.runs, 3);
  t.is(m.warmups, 1);
});

test("a warm-up that failed validation fails its mode, even with no measured run after it", (t) => {
  const m = summariseMode("s", "streaming", [run("s", "streaming", 1, 1, 100, 1000, { warmup: true, validation: "FAIL" })])!;
  t.is(m.validation, "FAIL");
  t.is(m.status, "FAILED");
  t.is(m.warmups, 1);
  // a passing warm-up alone is no figure: nothing to summarise yet
  t.is(summariseMode("s", "streaming", [run("s", "streaming", 1, 1, 100, 1000, { warmup: true })]), undefined);
});

test("a warm-up its limits ended is the mode's outcome (OOM, validation n/a), not a mode that did not run", (t) => {
  // the mode is not run again at that scale, so the killed warm-up is its only record: 750 MiB peak, 1.5 s until the kill
  const m = summariseMode("s", "in-memory", [run("s", "in-memory", 1, 1.5, 750, 1000, { warmup: true, status: "OOM", validation: "n/a" })])!;
  t.is(m.status, "OOM");
  t.is(m.validation, "n/a");
  t.is(m.peakMemoryMb.median, 750);
  t.is(m.duration.median, 1.5);
});

test("runs that scatter widely for the ratio's distance from the edge need more than 100 runs: null", (t) => {
  // log ratios −0.5, −0.08, 0.34: centre −0.08 (ratio 0.923), sd 0.42; distance to the edge
  // 0.0953 − 0.08 = 0.0153; n must satisfy t × 0.42 / √n < 0.0153, i.e. √n > 54 × t: n > 5,800
  t.is(runsToSettle(ratioEstimate(pairsOfLogs(-0.5, -0.08, 0.34)), 0.1), null);
});
