import test from "ava";
import { durationChartSvg, memoryChartSvg, niceTicks } from "../../src/report/charts.ts";
import { report, scale } from "./fixtures.ts";
import { checkWellFormed } from "./svg.ts";

function polylines(svg: string): number {
  const r = checkWellFormed(svg);
  if (!r.ok) throw new Error(r.error);
  return r.tags.filter((t) => t === "polyline").length;
}

const many = report([
  scale("small", 7440, [0.4, 150], [0.5, 120]),
  scale("medium", 74400, [1.2, 400], [1.25, 200]),
  scale("large", 744000, [6, 2000], [4, 500]),
]);

test("the checker itself rejects unbalanced tags and accepts balanced ones", (t) => {
  t.false(checkWellFormed("<svg><g></svg>").ok);
  t.false(checkWellFormed('<svg><text>a & b</text></svg>').ok);
  t.true(checkWellFormed('<svg a="1"><g><line x="1"/></g></svg>').ok);
});

test("both charts are well-formed SVG with one polyline per mode, over many scales", (t) => {
  t.is(polylines(memoryChartSvg(many)), 2);
  t.is(polylines(durationChartSvg(many)), 2);
});

test("a single scale still gives a well-formed chart with one polyline per mode", (t) => {
  const one = report([scale("only", 1000, [1, 100], [2, 50])]);
  t.is(polylines(memoryChartSvg(one)), 2);
  t.is(polylines(durationChartSvg(one)), 2);
});

test("only the modes that ran get a polyline", (t) => {
  const s = scale("only", 1000, [1, 100], [2, 50]);
  s.runs = s.runs.filter((r) => r.mode === "streaming");
  const svg = memoryChartSvg(report([s]));
  t.is(polylines(svg), 1);
  t.true(svg.includes(">streaming</text>"));
  t.false(svg.includes(">in-memory</text>"));
});

test("the x axis is logarithmic when input rows span more than two decades (7,440 to 7,440,000), linear at exactly two", (t) => {
  t.false(memoryChartSvg(many).includes("(log scale)")); // 744,000 / 7,440 = 100: exactly two decades
  const wide = report([scale("s", 7440, [1, 1], [1, 1]), scale("xl", 7_440_000, [1, 1], [1, 1])]); // ratio 1000
  t.true(memoryChartSvg(wide).includes("(log scale)"));
  const near = report([scale("a", 1000, [1, 1], [1, 1]), scale("b", 100_000, [1, 1], [1, 1])]); // exactly 2 decades
  t.false(memoryChartSvg(near).includes("(log scale)"));
});

test("the charts have axis labels, a legend and escape scale names", (t) => {
  const svg = durationChartSvg(report([scale("a<b&c", 1000, [1, 1], [2, 1])]));
  t.is(polylines(svg), 2);
  t.true(svg.includes("Duration (s)"));
  t.true(svg.includes("Input rows (pod usage)"));
  t.true(svg.includes("a&lt;b&amp;c"));
});

test("a report with no completed run still gives a well-formed chart", (t) => {
  t.is(polylines(memoryChartSvg(report([]))), 0);
});

test("nice ticks are round numbers covering the range, step 1, 2 or 5 x 10^k", (t) => {
  // raw step 1050 / 5 = 210 = 2.1 x 100 -> the next of 1, 2, 5 x 100 above 2.1 is 5 x 100 = 500
  t.deepEqual(niceTicks(0, 1050), [0, 500, 1000, 1500]);
  // raw step 1 / 5 = 0.2 -> 2 x 0.1
  t.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

import { memoryOverTimeChartName, memoryOverTimeSvg } from "../../src/report/charts.ts";
import { run } from "./fixtures.ts";

test("memory over time: both modes on one time axis, the median-duration run bold, the others faint, warm-ups left out", (t) => {
  const series = (peak: number) => [
    { tMs: 0, rssMb: 50 },
    { tMs: 200, rssMb: peak },
    { tMs: 400, rssMb: peak / 2 },
  ];
  const s = scale("small", 7440, [0, 0], [0, 0]);
  s.runs = [
    run("small", "in-memory", 1, 9, 900, 7440, { warmup: true, memorySeries: series(900) }),
    // in-memory durations 1, 3, 2: the median 2 is run 3
    run("small", "in-memory", 1, 1, 300, 7440, { memorySeries: series(300) }),
    run("small", "in-memory", 2, 3, 310, 7440, { memorySeries: series(310) }),
    run("small", "in-memory", 3, 2, 320, 7440, { memorySeries: series(320) }),
    run("small", "streaming", 1, 2, 120, 7440, { memorySeries: series(120) }),
  ];
  const svg = memoryOverTimeSvg(report([s]), "small");
  // 2 faint in-memory runs + one bold line per mode + one dashed peak line per mode; the warm-up is not drawn
  t.is(polylines(svg), 6);
  t.is(svg.match(/stroke-opacity="0.3"/g)?.length, 2);
  t.true(svg.includes("bold: each mode&apos;s run of median duration; faint: the other runs"));
  // the legend's peak is the table's: median of in-memory's VmHWM 300, 310, 320 = 310 (said to be a
  // median, so it is not read as run 3's own peak); streaming's one run 120
  t.true(svg.includes(">run 3; median peak 310.0 MB</text>") && svg.includes(">run 1; peak 120.0 MB</text>"), svg);
  t.true(svg.includes(">in-memory</text>") && svg.includes(">streaming</text>"));
  t.false(svg.includes("900"));
  t.true(svg.includes("Seconds since the child process started"));
  t.is(memoryOverTimeChartName("small"), "memory_over_time_small.svg");
  t.is(memoryOverTimeChartName("a/b c"), "memory_over_time_a_b_c.svg");
});

test("memory over time: the legend gives each mode's peak as the results table does (median VmHWM), not the sampled curve's top", async (t) => {
  const { comparisonReport } = await import("../../src/report/comparison-report.ts");
  // the 200 ms sampler saw in-memory at 191 MB while the kernel's peak (VmHWM) was 257 MB, the
  // picture then put in-memory below streaming (sampled 240, VmHWM 245) against the table
  const s = scale("large", 372000, [0, 0], [0, 0]);
  s.runs = [
    run("large", "in-memory", 1, 0.4, 257, 372000, { memorySeries: [{ tMs: 0, rssMb: 60 }, { tMs: 200, rssMb: 191 }] }),
    run("large", "streaming", 1, 2.0, 245, 372000, { memorySeries: [{ tMs: 0, rssMb: 60 }, { tMs: 1000, rssMb: 240 }, { tMs: 2000, rssMb: 200 }] }),
  ];
  const r = report([s]);
  const svg = memoryOverTimeSvg(r, "large");
  const md = comparisonReport(r);
  t.regex(md, /\| large \| in-memory \| SUCCESS \| [^|]+ \| 257\.0 \|/, "the table gives VmHWM 257.0");
  t.true(svg.includes(">run 1; peak 257.0 MB</text>"), "the legend gives the same 257.0");
  t.false(svg.includes("191 MB"));
  // the dashed VmHWM line of in-memory sits at 257 MB, drawn from 0 s to the last sample (2 s)
  t.is(svg.match(/stroke-dasharray="6 4" points="/g)?.length, 2);
});
