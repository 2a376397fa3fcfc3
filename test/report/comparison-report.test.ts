import test from "ava";
import { comparisonHeadline, comparisonReport } from "../../src/report/comparison-report.ts";
import { report, run, scale } from "./fixtures.ts";

test("the headline states the largest scale's time and memory verdict with its interval", (t) => {
  // large, 3 identical runs each: 6 s vs 4 s -> streaming 1.5x faster, interval [1.5, 1.5];
  // memory 2000 -> 500 saves 75%, ratio 500 / 2000 = 0.25
  const r = report([scale("small", 7440, [0.4, 150], [0.5, 120], 3), scale("large", 744000, [6, 2000], [4, 500], 3)]);
  t.is(
    comparisonHeadline(r),
    "PASS: at large (744,000 input rows, 3 runs per mode) streaming is 1.50× faster than in-memory (95% interval 1.50×–1.50×); " +
      "streaming uses 75.0% less peak memory (streaming ÷ in-memory 0.25×, 95% interval 0.25×–0.25×); " +
      "streaming wins on time from large (744,000 rows)",
  );
});

test("the headline says in-memory is faster when it is (13.44 s vs 70.13 s = 5.22x)", (t) => {
  const h = comparisonHeadline(report([scale("large", 372000, [13.44, 1224], [70.13, 604], 3)]));
  t.true(h.includes("in-memory is 5.22× faster than streaming"));
  t.true(h.includes("streaming uses 50.7% less peak memory"));
});

test("an inconclusive headline names no winner: it prints the interval and the runs that would settle it", (t) => {
  // streaming ÷ in-memory per pair: e^0.1, e^0.2, e^0.3 -> ratio 1.22, interval 0.95–1.57, 7 runs
  // (stats.test.ts works these out)
  const s = scale("large", 372000, [0, 0], [0, 0]);
  s.runs = [1, 2, 3].flatMap((k) => [
    run("large", "in-memory", k, 1, 100, 372000),
    run("large", "streaming", k, Math.exp(k / 10), 100, 372000),
  ]);
  const h = comparisonHeadline(report([s]));
  t.is(
    h,
    "PASS: at large (372,000 input rows, 3 runs per mode) time is inconclusive (streaming ÷ in-memory 1.22×, " +
      "95% interval 0.95×–1.57× over 3 paired runs, reaching across the ±10% band; about 7 runs per mode would likely settle it); " +
      "both modes use the same peak memory within ±10% (streaming ÷ in-memory 1.00×, 95% interval 1.00×–1.00×)",
  );
  t.false(/faster/.test(h));
  t.true(comparisonReport(report([s])).includes("- On time: not within the tested scales (inconclusive at large)."));
});

test("the report breaks each mode's time into its steps, medians over the measured runs", (t) => {
  const s = scale("small", 7440, [0, 0], [0, 0]);
  const phases = (start: number, plan: number) => ({ start, read: 0.1, plan, execute: 0.3, output: 0.01, aggregate: plan + 0.3, write: 0.2, validate: 0.05, total: 2 });
  s.runs = [
    run("small", "in-memory", 1, 1, 100, 7440, { phases: phases(0.9, 0.15) }),
    run("small", "streaming", 1, 1, 100, 7440, { phases: phases(1.1, 0.2) }),
    run("small", "in-memory", 2, 1, 100, 7440, { phases: phases(0.7, 0.25) }),
    run("small", "streaming", 2, 1, 100, 7440, { phases: phases(1.3, 0.2) }),
    // a warm-up's slow start is no figure
    run("small", "in-memory", 1, 1, 100, 7440, { warmup: true, phases: phases(9, 9) }),
  ];
  const md = comparisonReport(report([s]));
  t.true(md.includes("| Scale | Mode | start | read | plan | execute | output | write (PostgreSQL) | validate | Duration | Wall total | Child CPU |"));
  // in-memory: start median (0.9 + 0.7) / 2 = 0.8, plan (0.15 + 0.25) / 2 = 0.2; "plan + execute" is not shown beside its parts
  // child CPU: the fixture's 1 s × 1.5 user + 0.2 system = 1.7
  t.true(md.includes("| small | in-memory | 0.800 | 0.100 | 0.200 | 0.300 | 0.010 | 0.200 | 0.050 | 1.000 | 2.000 | 1.700 |"));
  t.true(md.includes("| small | streaming | 1.200 | 0.100 | 0.200 | 0.300 | 0.010 | 0.200 | 0.050 | 1.000 | 2.000 | 1.700 |"));
  t.true(md.includes("- 1 warm-up run per (scale, mode) ran first: validated, recorded in summary.json, left out of every figure and verdict."));
  t.true(md.includes("![Memory over time at small, both modes](memory_over_time_small.svg)"));
});

test("the headline of a run with no complete scale says so", (t) => {
  const s = scale("a", 10, [1, 1], [1, 1]);
  s.runs = s.runs.filter((r) => r.mode === "in-memory");
  t.is(comparisonHeadline(report([s], { status: "INTERRUPTED" })), "INTERRUPTED: only in-memory completed a validated run, no scale has both modes to compare");
  t.is(comparisonHeadline(report([], { status: "ERROR" })), "ERROR: no mode completed a validated run, nothing to compare");
});

test("the report opens with the headline, embeds the charts, names the environment and the number of runs", (t) => {
  const r = report([scale("small", 7440, [0.4, 150], [0.5, 120])]);
  const md = comparisonReport(r);
  const lines = md.split("\n");
  t.is(lines[0], "# streambench: in-memory vs streaming daily summary");
  t.is(lines[2], `**${comparisonHeadline(r)}**`);
  t.true(md.includes("![Peak memory (MB) against input rows, per mode](memory_vs_rows.svg)"));
  t.true(md.includes("](duration_vs_rows.svg)"));
  t.true(md.includes("Test CPU, 2 cores, 8 GB RAM"));
  t.true(md.includes("Figures are medians of 1 run per (scale, mode)"));
  t.true(md.includes("| small | streaming | SUCCESS | 0.500 | 120.0 | 7,440 | 310 | 1.25× (no interval) | +20.0% (+30.0 MB) |"));
});

test("the earlier Python figures are set beside this run's only at a like size (within 10% of input rows), and cite a public source", (t) => {
  // 7,440 rows is 40% under the PoC's small (12,370): not compared; 372,000 equals its large
  const md = comparisonReport(report([scale("small", 7440, [1, 1], [1, 1]), scale("large", 372000, [2, 200], [3, 100])]));
  t.false(md.includes("spec/"), "no file that is not in the repository");
  t.true(md.includes("github.com/jordigilh/poc-parquet-aggregator"));
  t.true(md.includes("| small | 12,370 | 2 | 4 | 182.2 | 172.3 | not tested |"));
  t.true(md.includes("| medium | 123,450 | 8 | 17 | ~400 (estimated) | 263.4 | not tested |"), "its own estimate is marked as one");
  t.true(md.includes("| large | 372,000 | 13.44 | 70.13 | 1224 | 604 | large (372,000 rows): 2.000 s vs 3.000 s, 200.0 MB vs 100.0 MB |"));
  t.false(md.includes("small (7,440 rows): "), "the 7,440-row scale is set beside nothing");
});

test("the results table's ratio column is headed as its definition reads: streaming ÷ in-memory", (t) => {
  const md = comparisonReport(report([scale("small", 7440, [0.4, 150], [0.5, 120])]));
  t.true(md.includes("| Time ratio streaming ÷ in-memory (95% interval) |"));
  t.true(md.includes("Time ratio = streaming median duration ÷ in-memory median duration"));
  t.false(md.includes("in-memory/streaming"), "no header naming the inverse ratio");
});

test("a report whose (scale, mode)s have different run counts says so instead of 'medians of 4 runs'", (t) => {
  const s = scale("medium", 74400, [1, 100], [1, 100], 4);
  // cut off: in-memory kept runs 1-3, streaming runs 1-2
  s.runs = s.runs.filter((r) => (r.mode === "in-memory" ? r.rep <= 3 : r.rep <= 2));
  const md = comparisonReport(report([s], { status: "INTERRUPTED", finishedAt: null }));
  t.true(md.includes("Figures are medians of 2–3 runs (fewer where the run was cut off) per (scale, mode)"), md.split("\n").find((l) => l.includes("Figures")));
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
