// A baseline comparison as text: the CSV, the Markdown table, a difference in one line and the
// baseline event's line, from a record built by hand (compare/ decides the figures; this shows them).
import test from "ava";
import type { FigureChange, RunComparison } from "../../src/records/baseline-comparison.ts";
import { baselineChangesText, comparisonCsv, comparisonMarkdown, describeDifference } from "../../src/records/comparison-text.ts";

// BASE durations 1.0, 1.02, 0.98, 1.01 s (median (1.0 + 1.01) / 2 = 1.005), NEW each doubled
// (median 2.01); the rank interval 1.96/1.02 .. 2.04/0.98.
const doubled: FigureChange = {
  scale: "small",
  mode: "in-memory",
  figure: "duration",
  unit: "s",
  kind: "time",
  baseMedian: 1.005,
  newMedian: 2.01,
  ratio: 2.01 / 1.005,
  hodgesLehmann: 2,
  interval: { lo: 1.96 / 1.02, hi: 2.04 / 0.98 },
  method: "Mann-Whitney",
  class: "slower",
  baseRuns: 4,
  newRuns: 4,
  runsToSettle: null,
};
const comparison: RunComparison = { threshold: 0.1, environment: [], refused: [], forced: [], changes: [doubled], unmatched: [] };

test("the CSV has one line per figure with the interval, its method and the class; an unknown number is empty", (t) => {
  const lines = comparisonCsv(comparison).trimEnd().split("\n");
  t.is(lines[0], "scale,mode,figure,unit,base_median,new_median,ratio,interval_low,interval_high,interval_method,class,base_runs,new_runs,runs_to_settle");
  t.is(lines.length, 2);
  const d = lines[1].split(",");
  t.deepEqual([d[0], d[1], d[2], d[3], d[9], d[10], d[11], d[12], d[13]], ["small", "in-memory", "duration", "s", "Mann-Whitney", "slower", "4", "4", ""]);
  t.is(Number(d[7]), 1.96 / 1.02);
  t.is(Number(d[8]), 2.04 / 0.98);
});

test("the Markdown table has the same row: medians, ratio, the interval in the band's words and the verdict", (t) => {
  const md = comparisonMarkdown(comparison, { base: "a", new: "b" });
  t.true(md.startsWith("## Against the baseline\n\n- BASE: a\n- NEW:  b\n"));
  // 1.96/1.02 = 1.92, 2.04/0.98 = 2.08 (two decimals)
  t.regex(md, /\| small \| in-memory \| duration \| 1\.005 s \| 2\.010 s \| 2\.00× \| 1\.92×–2\.08× \| slower \| 4\/4 \|/);
});

test("a difference reads what, BASE and NEW in one line", (t) => {
  t.is(describeDifference({ what: "rows", base: "pod usage 7440", new: "pod usage 74400" }), "rows: pod usage 7440 → pod usage 74400");
});

test("the baseline event's line: each mode's time and memory, an inconclusive one with the runs to settle it", (t) => {
  const changes = [
    { mode: "in-memory" as const, figure: "duration", ratio: 1.5, interval: { lo: 0.9, hi: 2.5 }, class: "inconclusive" as const, runsToSettle: 6 },
    { mode: "in-memory" as const, figure: "peak memory", ratio: 1, interval: { lo: 0.98, hi: 1.02 }, class: "unchanged" as const, runsToSettle: null },
  ];
  t.is(baselineChangesText(changes, null), "against the baseline: in-memory time 1.50× inconclusive (~6 runs), memory 1.00× unchanged");
  t.is(baselineChangesText([], "seed: 1 → 2"), "not comparable with the baseline: the data differ (seed: 1 → 2)");
});
