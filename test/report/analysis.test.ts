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

test("in-memory faster when streaming takes more than 10% longer (10 s vs 12 s)", (t) => {
  t.is(classifyTime(10, 12), "in-memory faster");
});

test("streaming faster when in-memory takes more than 10% longer (10 s vs 8 s: 10 > 8.8)", (t) => {
  t.is(classifyTime(10, 8), "streaming faster");
});

test("comparable within the 10% band, both directions, boundary included (10 vs 10.5, 10 vs 11, 11 vs 10)", (t) => {
  t.is(classifyTime(10, 10.5), "comparable");
  t.is(classifyTime(10, 11), "comparable");
  t.is(classifyTime(11, 10), "comparable");
  t.is(classifyTime(10, 11.01), "in-memory faster");
});

test("each time class is reached from a hand-built report", (t) => {
  const r = report([
    scale("a", 1000, [1, 100], [2, 50]), // streaming twice as slow
    scale("b", 10000, [2, 200], [2.1, 60]), // 5% apart
    scale("c", 100000, [8, 800], [4, 80]), // streaming twice as fast
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
  const [c] = compareScales(report([scale("large", 372000, [13.44, 1224], [70.13, 604])]));
  t.is(c.memorySavedMb, 620);
  t.true(Math.abs(c.memorySavedPercent - 50.6536) < 1e-3); // 620 / 1224 = 0.506536
  t.is(c.memoryClass, "streaming lower");
  t.is(classifyMemory(100, 105), "comparable");
  t.is(classifyMemory(100, 120), "streaming higher");
});

test("crossover is 'not within the tested scales' when streaming never wins on time", (t) => {
  const r = report([scale("a", 1000, [1, 100], [2, 50]), scale("b", 10000, [2, 200], [3, 60])]);
  t.is(crossover(compareScales(r), "time"), null);
  t.true(comparisonReport(r).includes("- On time: not within the tested scales."));
});

test("crossover needs streaming to win at the largest scale too: a win in the middle only is not a crossover", (t) => {
  const r = report([
    scale("a", 1000, [1, 100], [2, 50]),
    scale("b", 10000, [4, 200], [2, 60]), // streaming wins here
    scale("c", 100000, [8, 800], [16, 80]), // but not here
  ]);
  t.is(crossover(compareScales(r), "time"), null);
  t.true(comparisonReport(r).includes("not within the tested scales (it won at b, but not at every larger scale)"));
});

test("crossover is the smallest scale from which streaming wins at every larger scale", (t) => {
  // listed out of order on purpose: ordering is by input rows
  const r = report([
    scale("big", 1_000_000, [10, 1000], [5, 100]),
    scale("tiny", 1000, [1, 100], [2, 50]),
    scale("mid", 100_000, [4, 400], [3, 60]),
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
  t.is(memoryGrowth(r, "in-memory").slopeMbPerMillionRows, 200);
  t.is(memoryGrowth(r, "streaming").slopeMbPerMillionRows, 20);
  const md = comparisonReport(r);
  t.true(md.includes("- in-memory: +200.0 MB per million input rows (fit over 2 scales)."));
  t.true(md.includes("- streaming: +20.0 MB per million input rows (fit over 2 scales)."));
  t.true(md.includes("Streaming scales better on memory: its peak grows 180.0 MB per million rows less"));
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
