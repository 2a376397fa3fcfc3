import test from "ava";
import {
  classifyMemory,
  classifyTime,
  compareScales,
  crossover,
  leastSquaresSlope,
  memoryGrowth,
} from "../../src/report/analysis.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { report, scale } from "./fixtures.ts";

// The band: comparable from 1 / 1.1 = 0.90909 to 1.1 (streaming ÷ in-memory), edges included.

test("a mode wins only when the whole interval lies beyond the band: [1.11, 1.30] in-memory faster, [0.70, 0.90] streaming faster", (t) => {
  t.is(classifyTime({ lo: 1.11, hi: 1.3 }), "in-memory faster");
  t.is(classifyTime({ lo: 0.7, hi: 0.9 }), "streaming faster"); // 0.90 < 0.90909
  t.is(classifyMemory({ lo: 0.7, hi: 0.9 }), "streaming lower");
  t.is(classifyMemory({ lo: 1.11, hi: 1.3 }), "streaming higher");
});

test("an interval touching the band's edge does not win: [1.10, 1.30] and [0.70, 1/1.1] are inconclusive", (t) => {
  t.is(classifyTime({ lo: 1.1, hi: 1.3 }), "inconclusive");
  t.is(classifyTime({ lo: 0.7, hi: 1 / 1.1 }), "inconclusive");
  t.is(classifyTime({ lo: 1.1001, hi: 1.3 }), "in-memory faster");
});

test("comparable when the whole interval lies inside the band, edges included: [1/1.1, 1.1] and [0.95, 1.05]", (t) => {
  t.is(classifyTime({ lo: 1 / 1.1, hi: 1.1 }), "comparable");
  t.is(classifyTime({ lo: 0.95, hi: 1.05 }), "comparable");
  t.is(classifyMemory({ lo: 0.95, hi: 1.05 }), "comparable");
  t.is(classifyTime({ lo: 0.95, hi: 1.1001 }), "inconclusive");
});

test("inconclusive when the interval reaches across a band edge, or when there is no interval", (t) => {
  t.is(classifyTime({ lo: 0.8, hi: 1.2 }), "inconclusive");
  t.is(classifyTime({ lo: 1.05, hi: 1.5 }), "inconclusive");
  t.is(classifyTime(null), "inconclusive");
  t.is(classifyMemory(null), "inconclusive");
});

test("one run per mode gives no interval: every verdict is inconclusive, and 3 runs are asked for", (t) => {
  const [c] = compareScales(report([scale("a", 1000, [1, 100], [2, 50])]));
  t.is(c.speedRatio, 2);
  t.is(c.time.interval, null);
  t.is(c.timeClass, "inconclusive");
  t.is(c.memoryClass, "inconclusive");
  t.is(c.time.runsToSettle, 3);
  t.true(comparisonReport(report([scale("a", 1000, [1, 100], [2, 50])])).includes("an interval needs at least 2 runs per mode; 3 would give one"));
});

test("each time class is reached from a hand-built report", (t) => {
  const r = report([
    // three identical runs each: no spread, so each interval is the ratio itself
    scale("a", 1000, [1, 100], [2, 50], 3), // streaming twice as slow
    scale("b", 10000, [2, 200], [2.1, 60], 3), // 5% apart
    scale("c", 100000, [8, 800], [4, 80], 3), // streaming twice as fast
  ]);
  const cmp = compareScales(r);
  t.deepEqual(
    cmp.map((c) => c.timeClass),
    ["in-memory faster", "comparable", "streaming faster"],
  );
  t.is(cmp[0].speedRatio, 2);
  t.is(cmp[2].speedRatio, 0.5);
  const md = comparisonReport(r);
  t.true(md.includes("**a** (1,000 input rows): **in-memory faster**"));
  t.true(md.includes("**b** (10,000 input rows): **comparable**"));
  t.true(md.includes("**c** (100,000 input rows): **streaming faster**"));
});

test("memory saved: 1224 MB in-memory vs 604 MB streaming saves 620 MB = 50.65%", (t) => {
  const [c] = compareScales(report([scale("large", 372000, [13.44, 1224], [70.13, 604], 3)]));
  t.is(c.memorySavedMb, 620);
  t.true(Math.abs(c.memorySavedPercent - 50.6536) < 1e-3); // 620 / 1224 = 0.506536
  t.is(c.memoryClass, "streaming lower");
});

test("crossover is 'not within the tested scales' when streaming never wins on time", (t) => {
  const r = report([scale("a", 1000, [1, 100], [2, 50], 3), scale("b", 10000, [2, 200], [3, 60], 3)]);
  t.is(crossover(compareScales(r), "time"), null);
  t.true(comparisonReport(r).includes("- On time: not within the tested scales."));
});

test("crossover needs streaming to win at the largest scale too: a win in the middle only is not a crossover", (t) => {
  const r = report([
    scale("a", 1000, [1, 100], [2, 50], 3),
    scale("b", 10000, [4, 200], [2, 60], 3), // streaming wins here
    scale("c", 100000, [8, 800], [16, 80], 3), // but not here
  ]);
  t.is(crossover(compareScales(r), "time"), null);
  t.true(comparisonReport(r).includes("not within the tested scales (it won at b, but not at every larger scale)"));
});

test("crossover is the smallest scale from which streaming wins at every larger scale", (t) => {
  // listed out of order on purpose: ordering is by input rows
  const r = report([
    scale("big", 1_000_000, [10, 1000], [5, 100], 3),
    scale("tiny", 1000, [1, 100], [2, 50], 3),
    scale("mid", 100_000, [4, 400], [3, 60], 3),
  ]);
  t.is(crossover(compareScales(r), "time")?.scale, "mid");
  t.is(crossover(compareScales(r), "memory")?.scale, "tiny");
  const md = comparisonReport(r);
  t.true(md.includes("- On time: from **mid** (100,000 input rows) upward."));
  t.true(md.includes("- On peak memory: at every tested scale, from the smallest, **tiny**"));
});

test("memory growth slope from two points: (1M rows, 300 MB) and (3M rows, 700 MB) give 200 MB per million rows", (t) => {
  // Two points: the least-squares line passes through both.
  // x in millions: 1 and 3, mean 2; y: 300 and 700, mean 500.
  // Sxy = (1-2)(300-500) + (3-2)(700-500) = 200 + 200 = 400; Sxx = 1 + 1 = 2; slope = 400 / 2 = 200.
  t.is(leastSquaresSlope([{ x: 1, y: 300 }, { x: 3, y: 700 }]), 200);
  // streaming: 100 MB and 140 MB -> (140 - 100) / (3 - 1) = 20 MB per million rows.
  const r = report([scale("m", 1_000_000, [1, 300], [1, 100]), scale("l", 3_000_000, [3, 700], [3, 140])]);
  // (the sweep's weighted fit in floating point: equal to 9 decimals)
  t.is(memoryGrowth(r, "in-memory").slopeMbPerMillionRows!.toFixed(9), "200.000000000");
  t.is(memoryGrowth(r, "streaming").slopeMbPerMillionRows!.toFixed(9), "20.000000000");
  const md = comparisonReport(r);
  t.true(md.includes("- in-memory: +200.0 MB per million input rows (fit over 2 scales; one run per scale: no interval, so no claim of bounded)."));
  t.true(md.includes("- streaming: +20.0 MB per million input rows (fit over 2 scales; one run per scale: no interval"));
  t.true(
    md.includes("On the point estimates alone streaming's peak grows 180.0 MB per million rows less than in-memory's; with one run per scale there is no interval, so this is no verdict."),
    "one run per scale gives no winner",
  );
  t.false(md.includes("Streaming scales better on memory"));
});

test("streaming's memory is called bounded when the whole growth interval stays under 1 MB per million rows", (t) => {
  // 3 identical runs per scale: every bootstrap resample is the same, so each interval is the slope itself.
  // in-memory: 300, 700, 1100 MB at 1, 3, 5 M rows -> (1100 - 300) / (5 - 1) = 200 MB per million rows
  // streaming: 150, 151, 152 MB at 1, 3, 5 M rows -> (152 - 150) / (5 - 1) = 0.5 MB per million rows < 1: bounded
  const r = report([
    scale("m", 1_000_000, [1, 300], [1, 150], 3),
    scale("l", 3_000_000, [3, 700], [2, 151], 3),
    scale("xl", 5_000_000, [5, 1100], [3, 152], 3),
  ]);
  const g = memoryGrowth(r, "streaming");
  t.is(g.slopeMbPerMillionRows!.toFixed(6), "0.500000");
  t.is(g.interval!.low.toFixed(6), "0.500000");
  t.is(g.interval!.high.toFixed(6), "0.500000");
  t.true(g.bounded);
  t.false(memoryGrowth(r, "in-memory").bounded, "200 MB per million rows is not bounded");
  const md = comparisonReport(r);
  t.true(md.includes("- streaming: +0.5 MB per million input rows, 95% interval +0.5 to +0.5 (fit over 3 scales): bounded."));
  t.true(md.includes("- in-memory: +200.0 MB per million input rows, 95% interval +200.0 to +200.0 (fit over 3 scales): not bounded."));
  // 200 - 0.5 = 199.5 MB per million rows less; the intervals [0.5, 0.5] and [200, 200] do not overlap
  t.true(md.includes("Streaming scales better on memory: its peak grows 199.5 MB per million rows less than in-memory's, and the intervals do not overlap. Streaming's peak is bounded."));
});

test("streaming growing 10 MB per million rows is not bounded, and overlapping intervals give no winner", (t) => {
  // streaming: 150, 170, 190 MB at 1, 3, 5 M rows -> (190 - 150) / (5 - 1) = 10 MB per million rows: not bounded
  const steady = report([
    scale("m", 1_000_000, [1, 300], [1, 150], 3),
    scale("l", 3_000_000, [3, 700], [2, 170], 3),
    scale("xl", 5_000_000, [5, 1100], [3, 190], 3),
  ]);
  t.false(memoryGrowth(steady, "streaming").bounded);
  t.true(comparisonReport(steady).includes("- streaming: +10.0 MB per million input rows, 95% interval +10.0 to +10.0 (fit over 3 scales): not bounded."));
  // both modes 100 MB at 1 M rows; at 3 M rows the runs are 100, 140, 180 MB (streaming) and 120, 120, 120 MB
  // (in-memory): in-memory's growth is (120 - 100) / 2 = 10 MB per million rows in every resample; streaming's
  // resampled medians at 3 M rows range over 100..180, so its growth ranges over 0..40 and overlaps 10.
  const noisy = report([scale("m", 1_000_000, [1, 100], [1, 100], 3), scale("l", 3_000_000, [3, 120], [3, 140], 3)]);
  const streamingRuns = noisy.scales[1].runs.filter((x) => x.mode === "streaming");
  streamingRuns[0].peakMemoryMb = 100;
  streamingRuns[2].peakMemoryMb = 180;
  t.true(comparisonReport(noisy).includes("Cannot tell which mode scales better on memory: the growth intervals overlap."));
});

test("memory growth with one scale says 'not enough scales'", (t) => {
  t.is(leastSquaresSlope([{ x: 1, y: 300 }]), null);
  t.is(leastSquaresSlope([{ x: 1, y: 300 }, { x: 1, y: 310 }]), null);
  const md = comparisonReport(report([scale("only", 1000, [1, 100], [1, 90])]));
  t.true(md.includes("- in-memory: not enough scales (1 completed"));
});

test("a scale is compared only when both modes passed validation and agree with each other", (t) => {
  const failedValidation = scale("large", 372_000, [1, 400], [2, 300]);
  failedValidation.runs[1].validation = "FAIL";
  const disagreeing = scale("medium", 74_400, [1, 300], [2, 250]);
  disagreeing.modesIdentical = { verdict: "FAIL", maxAbs: 1, maxRel: 1e-3 };
  const good = scale("small", 7_440, [1, 200], [2, 210]);
  const compared = compareScales(report([good, disagreeing, failedValidation]));
  t.deepEqual(compared.map((c) => c.scale), ["small"]);
  // and memory growth leaves the failed streaming run out: streaming has one validated point left
  t.is(memoryGrowth(report([good, failedValidation]), "streaming").scales, 1);
});

import { ratioInterval } from "../../src/stats/number-text.ts";

test("an interval bound next to the band's edge gets the decimals that show its side: 1.1003 reads 1.1003×, not a touching 1.10×", (t) => {
  t.is(ratioInterval({ lo: 1.1003, hi: 2.19 }), "1.1003×–2.19×");
  t.is(ratioInterval({ lo: 0.5, hi: 0.9075 }), "0.50×–0.907×"); // 1 / 1.1 = 0.90909: 0.91 vs 0.91, then 0.907 vs 0.909
  t.is(ratioInterval({ lo: 0.95, hi: 1.05 }), "0.95×–1.05×");
});
