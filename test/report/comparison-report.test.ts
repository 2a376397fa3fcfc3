import test from "ava";
import { comparisonHeadline, comparisonReport } from "../../src/report/comparison-report.ts";
import { report, scale } from "./fixtures.ts";

test("the headline states the largest scale's time and memory result", (t) => {
  // large: 6 s vs 4 s -> streaming 1.5x faster; memory 2000 -> 500 saves 75%
  const r = report([scale("small", 7440, [0.4, 150], [0.5, 120]), scale("large", 744000, [6, 2000], [4, 500])]);
  t.is(
    comparisonHeadline(r),
    "PASS: at large (744,000 input rows) streaming is 1.50× faster than in-memory; streaming uses 75.0% less peak memory; " +
      "streaming wins on time from large (744,000 rows)",
  );
});

test("the headline says in-memory is faster when it is (13.44 s vs 70.13 s = 5.22x)", (t) => {
  const h = comparisonHeadline(report([scale("large", 372000, [13.44, 1224], [70.13, 604])]));
  t.true(h.includes("in-memory is 5.22× faster than streaming"));
  t.true(h.includes("streaming uses 50.7% less peak memory"));
});

test("the headline of a run with no complete scale says so", (t) => {
  const s = scale("a", 10, [1, 1], [1, 1]);
  s.runs = s.runs.filter((r) => r.mode === "in-memory");
  t.is(comparisonHeadline(report([s], { status: "INTERRUPTED" })), "INTERRUPTED: only in-memory completed a validated run, no scale has both modes to compare");
  t.is(comparisonHeadline(report([], { status: "ERROR" })), "ERROR: no mode completed a validated run, nothing to compare");
});

test("the report opens with the headline, embeds both charts, names the environment and the number of runs", (t) => {
  const r = report([scale("small", 7440, [0.4, 150], [0.5, 120])]);
  const md = comparisonReport(r);
  const lines = md.split("\n");
  t.is(lines[0], "# streambench: in-memory vs streaming daily summary");
  t.is(lines[2], `**${comparisonHeadline(r)}**`);
  t.true(md.includes("![Peak memory (MB) against input rows, per mode](memory_vs_rows.svg)"));
  t.true(md.includes("](duration_vs_rows.svg)"));
  t.true(md.includes("Test CPU, 2 cores, 8 GB RAM"));
  t.true(md.includes("Figures are medians of 1 run per (scale, mode)"));
  t.true(md.includes("| small | streaming | SUCCESS | 0.500 | 120.0 | 7,440 | 310 | 1.25× | +20.0% (+30.0 MB) |"));
});

test("the report compares with the earlier Python figures at the closest scale", (t) => {
  const md = comparisonReport(report([scale("s", 7440, [1, 1], [1, 1]), scale("l", 400000, [2, 2], [2, 2])]));
  t.true(md.includes("at 13.4 s in-memory vs 70.1 s streaming"));
  t.true(md.includes("Here, at the closest tested scale, l (400,000 rows)"));
});

test("an interrupted run is flagged at the top and a failed validation shows FAIL", (t) => {
  const s = scale("small", 7440, [0.4, 150], [0.5, 120]);
  s.runs[1].validation = "FAIL";
  s.modesIdentical = { verdict: "FAIL", maxAbs: 0.5, maxRel: 0.01 };
  const md = comparisonReport(report([s], { status: "INTERRUPTED", finishedAt: null }));
  t.true(md.includes("> This run was interrupted"));
  t.true(md.includes("**small**, streaming against the reference: FAIL"));
  t.true(md.includes("**small**, in-memory vs streaming: FAIL: they differ (max abs diff 0.5, max rel diff 0.01)"));
  t.true(md.includes("finished: not finished"));
});

test("a scale where a mode failed is listed as not compared and kept out of the answers", (t) => {
  const s = scale("broken", 7440, [0.4, 150], [0.5, 120]);
  s.runs[1].status = "FAILED";
  s.runs[1].validation = "NOT_RUN";
  const md = comparisonReport(report([scale("ok", 1000, [1, 100], [1, 90]), s]));
  t.true(md.includes("- **broken**: not compared (streaming failed)."));
  t.true(md.includes("| broken | streaming | FAILED |"));
  t.false(md.includes("**broken** (7,440 input rows)"));
});
