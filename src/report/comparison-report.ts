// COMPARISON_REPORT.md: the results table and the answers, every figure computed from the
// measured medians. Replaces the earlier script's report (spec/poc-benchmark.md §5.3), whose
// "in-memory faster" branch could never be reached; here all three classes are (see analysis.ts).
import type { Mode } from "../contract/job.ts";
import type { ModeRun, RunReport } from "../records/run-report.ts";
import type { RecordedSettings } from "../records/run-settings.ts";
import {
  BOUNDED_GROWTH_MB_PER_MILLION_ROWS,
  compareScales,
  COMPARABLE_BAND,
  COMPARABLE_RULE,
  crossover,
  leastSquaresSlope,
  memoryGrowth,
  scaleInputRows,
  type MemoryGrowth,
  type ScaleComparison,
} from "./analysis.ts";
import { analyseSweep, type SweepAnalysis } from "./crossover.ts";
import { measuredRuns, modeSummary, modesOf, runsPerMode, summariseReport, validated, warmupsPerMode, type ModeSummary } from "./mode-summary.ts";
import { INTERVAL_METHOD, MAX_RUNS_TO_SETTLE, median, OUTLIER_MIN_RUNS, OUTLIER_RULE } from "../stats/statistics.ts";
import type { RatioVerdict } from "./analysis.ts";
import { memoryOverTimeChartName } from "./charts.ts";
import { int, mb, ratioInterval, secs, times } from "../stats/number-text.ts";
import { formatDiff } from "../validate/log.ts";
import { sweepHeadline, sweepSection } from "./crossover-report.ts";
import { guardLine, killedText, limitsSection } from "./limits-report.ts";
import { enginesSection } from "./engines.ts";
import { comparisonMarkdown } from "../records/comparison-text.ts";

/**
 * The earlier Python benchmark, as its own results file gives it: the public repository
 * jordigilh/poc-parquet-aggregator, COMPLETE_BENCHMARK_RESULTS.md at commit d6e586b (2025-11-21).
 * Its streaming was serial chunked pandas; its medium in-memory peak was an estimate (it says so).
 */
export const POC_SOURCE = "github.com/jordigilh/poc-parquet-aggregator, COMPLETE_BENCHMARK_RESULTS.md at commit d6e586b";
export const POC_MACHINE = "MacBook Pro, 8 cores, 16 GB";
export const POC_RESULTS = [
  { scale: "small", inputRows: 12_370, inMemorySeconds: 2, streamingSeconds: 4, inMemoryMb: 182.2, streamingMb: 172.3 },
  { scale: "medium", inputRows: 123_450, inMemorySeconds: 8, streamingSeconds: 17, inMemoryMb: 400, streamingMb: 263.4, inMemoryMbEstimated: true },
  { scale: "large", inputRows: 372_000, inMemorySeconds: 13.44, streamingSeconds: 70.13, inMemoryMb: 1224, streamingMb: 604 },
] as const;
/** A tested scale is set beside an earlier one only when their input rows differ by at most this share. */
export const POC_LIKE_SIZE = 0.1;

const band = `${COMPARABLE_BAND * 100}%`;

/** "0.47×–1.74×", or "no interval" with fewer than 2 paired runs. */
function intervalText(v: RatioVerdict<string>): string {
  return v.interval ? ratioInterval(v.interval, COMPARABLE_BAND) : "no interval";
}

/** What would settle an inconclusive verdict. */
function settleText(v: RatioVerdict<string>): string {
  if (v.interval === null) return `an interval needs at least 2 runs per mode; ${v.runsToSettle ?? 3} would give one`;
  return v.runsToSettle !== null
    ? `about ${v.runsToSettle} runs per mode would likely settle it`
    : `more than ${MAX_RUNS_TO_SETTLE} runs per mode would be needed to settle it (the ratio lies close to the band's edge, or the runs scatter widely)`;
}

/** The evidence behind a verdict: "streaming ÷ in-memory 0.81×, 95% interval 0.47×–1.74× over 3 paired runs". */
function evidence(v: RatioVerdict<string>): string {
  const over = v.interval ? ` over ${v.pairs} paired run${v.pairs === 1 ? "" : "s"}` : ` (${v.pairs} paired run${v.pairs === 1 ? "" : "s"})`;
  return `streaming ÷ in-memory ${times(v.ratio)}, 95% interval ${intervalText(v)}${over}`;
}

function timePhrase(c: ScaleComparison): string {
  const t = c.time;
  const i = t.interval;
  switch (t.class) {
    case "in-memory faster":
      return `in-memory is ${times(t.ratio)} faster than streaming (95% interval ${intervalText(t)})`;
    case "streaming faster":
      return `streaming is ${times(1 / t.ratio)} faster than in-memory (95% interval ${ratioInterval({ lo: 1 / i!.hi, hi: 1 / i!.lo }, COMPARABLE_BAND)})`;
    case "comparable":
      return `both modes take the same time within ±${band} (streaming ÷ in-memory ${times(t.ratio)}, 95% interval ${intervalText(t)})`;
    case "inconclusive":
      return `time is inconclusive (${evidence(t)}, reaching across the ±${band} band; ${settleText(t)})`;
  }
}

function memoryPhrase(c: ScaleComparison): string {
  const m = c.memory;
  const p = Math.abs(c.memorySavedPercent).toFixed(1);
  const amount = c.memorySavedMb >= 0 ? `${p}% less` : `${p}% more`;
  switch (m.class) {
    case "streaming lower":
    case "streaming higher":
      return `streaming uses ${amount} peak memory (streaming ÷ in-memory ${times(m.ratio)}, 95% interval ${intervalText(m)})`;
    case "comparable":
      return `both modes use the same peak memory within ±${band} (streaming ÷ in-memory ${times(m.ratio)}, 95% interval ${intervalText(m)})`;
    case "inconclusive":
      return `memory is inconclusive (streaming uses ${amount} by the medians; ${evidence(m)}, reaching across the ±${band} band; ${settleText(m)})`;
  }
}

function largest(cmp: readonly ScaleComparison[]): ScaleComparison {
  return cmp.reduce((a, b) => (b.inputRows > a.inputRows ? b : a));
}

/** One line for the top of the report and the TUI. */
/** The one headline of a run (the report's first line, summary.json's headline): a sweep's is its crossovers. */
export function reportHeadline(report: RunReport, sweep: SweepAnalysis | null = report.sweep ? analyseSweep(report) : null): string {
  return sweep ? sweepHeadline(report, sweep) : comparisonHeadline(report);
}

export function comparisonHeadline(report: RunReport): string {
  const cmp = compareScales(report);
  if (cmp.length === 0) {
    const ran = summariseReport(report).filter(validated);
    const killed = killedText(report);
    const ended = killed ? `; ${killed}` : "";
    if (ran.length === 0) return `${report.status}: no mode completed a validated run, nothing to compare${ended}`;
    const modes = [...new Set(ran.map((m) => m.mode))].join(" and ");
    return `${report.status}: only ${modes} completed a validated run, no scale has both modes to compare${ended}`;
  }
  const c = largest(cmp);
  const n = Math.min(c.inMemory.runs, c.streaming.runs);
  let line = `${report.status}: at ${c.scale} (${int(c.inputRows)} input rows, ${n} run${n === 1 ? "" : "s"} per mode) ${timePhrase(c)}; ${memoryPhrase(c)}`;
  const from = crossover(cmp, "time");
  if (cmp.length > 1 && from) line += `; streaming wins on time from ${from.scale} (${int(from.inputRows)} rows)`;
  return line;
}

function durationCell(m: ModeSummary): string {
  return m.duration.n > 1 ? `${secs(m.duration.median)} (${secs(m.duration.min)}–${secs(m.duration.max)})` : secs(m.duration.median);
}

function memoryCell(m: ModeSummary): string {
  return m.peakMemoryMb.n > 1
    ? `${mb(m.peakMemoryMb.median)} (${mb(m.peakMemoryMb.min)}–${mb(m.peakMemoryMb.max)})`
    : mb(m.peakMemoryMb.median);
}

function signed(n: number, digits: number): string {
  return `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(digits)}`;
}

/** One mode's memory growth per million input rows, with its interval and whether it is bounded. */
function growthLine(g: MemoryGrowth): string {
  if (g.slopeMbPerMillionRows === null) {
    return `- ${g.mode}: not enough scales (${g.scales} completed; a slope needs at least 2 with different input rows).`;
  }
  const head = `- ${g.mode}: ${signed(g.slopeMbPerMillionRows, 1)} MB per million input rows`;
  if (g.interval === null) return `${head} (fit over ${g.scales} scales; one run per scale: no interval, so no claim of bounded).`;
  const verdict = g.bounded ? "bounded" : "not bounded";
  return `${head}, 95% interval ${signed(g.interval.low, 1)} to ${signed(g.interval.high, 1)} (fit over ${g.scales} scales): ${verdict}.`;
}

/** "Does streaming scale better?" on memory: a verdict only when the growth intervals are apart. */
function scalesBetterAnswer(gi: MemoryGrowth, gs: MemoryGrowth): string {
  if (gi.slopeMbPerMillionRows === null || gs.slopeMbPerMillionRows === null) return "Not enough scales to compare growth.";
  const less = gi.slopeMbPerMillionRows - gs.slopeMbPerMillionRows;
  if (gi.interval === null || gs.interval === null) {
    return (
      `On the point estimates alone streaming's peak grows ${mb(Math.abs(less))} MB per million rows ${less > 0 ? "less" : "more"} than in-memory's; ` +
      "with one run per scale there is no interval, so this is no verdict."
    );
  }
  const bounded = gs.bounded ? " Streaming's peak is bounded." : "";
  if (gs.interval.high < gi.interval.low) {
    return `Streaming scales better on memory: its peak grows ${mb(less)} MB per million rows less than in-memory's, and the intervals do not overlap.${bounded}`;
  }
  if (gs.interval.low > gi.interval.high) {
    return `Streaming does not scale better on memory: its peak grows ${mb(-less)} MB per million rows more than in-memory's, and the intervals do not overlap.`;
  }
  return `Cannot tell which mode scales better on memory: the growth intervals overlap.${bounded}`;
}

function resultsTable(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  const out = [
    "| Scale | Mode | Status | Duration (s) | Peak memory (MB) | Input rows | Output rows | Time ratio streaming ÷ in-memory (95% interval) | Memory saved by streaming |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const s of report.scales) {
    const c = cmp.find((x) => x.scale === s.scale);
    for (const mode of modesOf(report)) {
      const m = modeSummary(s, mode);
      if (!m) continue;
      const ratio = mode === "streaming" && c ? `${times(c.speedRatio)} (${intervalText(c.time)})` : mode === "in-memory" && c ? "baseline" : "—";
      const saved =
        mode === "streaming" && c ? `${signed(c.memorySavedPercent, 1)}% (${signed(c.memorySavedMb, 1)} MB)` : "—";
      out.push(
        `| ${s.scale} | ${mode} | ${m.status} | ${durationCell(m)} | ${memoryCell(m)} | ${int(m.inputRows)} | ${int(m.outputRows)} | ${ratio} | ${saved} |`,
      );
    }
  }
  return out;
}

/** The steps of a mode run in the order they happen, with what the breakdown calls them. */
const PHASE_COLUMNS: { key: keyof ModeRun["phases"]; title: string }[] = [
  { key: "start", title: "start" },
  { key: "read", title: "read" },
  { key: "plan", title: "plan" },
  { key: "execute", title: "execute" },
  { key: "aggregate", title: "plan + execute" },
  { key: "output", title: "output" },
  { key: "write", title: "write (PostgreSQL)" },
  { key: "validate", title: "validate" },
];

/**
 * Where the time goes: the median seconds of each step per (scale, mode), over the measured runs.
 * Steps no run recorded are left out; "plan + execute" shows only when the two are not split.
 */
function phaseBreakdown(report: RunReport): string[] {
  const rows: { scale: string; mode: Mode; runs: ModeRun[] }[] = [];
  for (const s of report.scales) {
    for (const mode of modesOf(report)) {
      const runs = measuredRuns(s.runs).filter((r) => r.mode === mode && r.status === "SUCCESS");
      if (runs.length > 0) rows.push({ scale: s.scale, mode, runs });
    }
  }
  if (rows.length === 0) return [];
  const present = (key: keyof ModeRun["phases"]) => rows.some((row) => row.runs.some((r) => typeof r.phases[key] === "number"));
  const split = present("plan") && present("execute");
  const columns = PHASE_COLUMNS.filter((c) => present(c.key) && !(c.key === "aggregate" && split));
  const out = [
    "## Where the time goes",
    "",
    "Median seconds of each step per (scale, mode). " +
      "start (process and runtime start, modules loaded) and plan (building the polars plan in JavaScript) are fixed costs that barely move with size; " +
      "read and execute are the engine's work; output is the child writing its summary file; write and validate are the parent's, after the child. " +
      `Duration (the figure compared above) is the child's own time as it reports it, the figure SUMMARY.csv gives; wall total is the whole run of the mode, child start to verdict; child CPU is the child's user + system CPU time, ` +
      "steadier than wall time on a busy machine.",
    "",
    `| Scale | Mode | ${columns.map((c) => c.title).join(" | ")} | Duration | Wall total | Child CPU |`,
    `|---|---|${columns.map(() => "---:|").join("")}---:|---:|---:|`,
  ];
  const cell = (runs: ModeRun[], pick: (r: ModeRun) => number | undefined) => {
    const values = runs.map(pick).filter((v): v is number => typeof v === "number");
    return values.length > 0 ? secs(median(values)) : "—";
  };
  for (const { scale, mode, runs } of rows) {
    out.push(
      `| ${scale} | ${mode} | ${columns.map((c) => cell(runs, (r) => r.phases[c.key])).join(" | ")} | ` +
        `${cell(runs, (r) => r.durationSeconds)} | ${cell(runs, (r) => r.phases.total)} | ${cell(runs, (r) => r.cpuUserSeconds + r.cpuSystemSeconds)} |`,
    );
  }
  out.push("");
  return out;
}

function notCompared(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  const out: string[] = [];
  for (const s of report.scales) {
    if (cmp.some((c) => c.scale === s.scale)) continue;
    const why = (["in-memory", "streaming"] as Mode[])
      .map((mode) => {
        const m = modeSummary(s, mode);
        return !m ? `${mode} did not run` : m.status === "OOM" || m.status === "TIMEOUT" ? `${mode} ${m.status}` : m.status !== "SUCCESS" ? `${mode} failed` : m.validation !== "PASS" ? `${mode} failed validation` : undefined;
      })
      .filter(Boolean)
      .join(", ");
    out.push(`- **${s.scale}**: not compared (${why}).`);
  }
  return out;
}

function crossoverLine(cmp: readonly ScaleComparison[], on: "time" | "memory"): string {
  const what = on === "time" ? "time" : "peak memory";
  if (cmp.length === 0) return `- On ${what}: not within the tested scales (no scale completed both modes).`;
  const from = crossover(cmp, on);
  const wins = cmp.filter((c) => (on === "time" ? c.timeClass === "streaming faster" : c.memoryClass === "streaming lower"));
  const unsure = cmp.filter((c) => (on === "time" ? c.timeClass : c.memoryClass) === "inconclusive").map((c) => c.scale);
  const unsureText = unsure.length > 0 ? `; inconclusive at ${unsure.join(", ")}` : "";
  if (!from) {
    const partial = wins.length > 0 ? ` (it won at ${wins.map((c) => c.scale).join(", ")}, but not at every larger scale${unsureText})` : unsureText ? ` (${unsureText.slice(2)})` : "";
    return `- On ${what}: not within the tested scales${partial}.`;
  }
  const smallest = [...cmp].sort((a, b) => a.inputRows - b.inputRows)[0];
  if (from.scale === smallest.scale) {
    return `- On ${what}: at every tested scale, from the smallest, **${from.scale}** (${int(from.inputRows)} input rows).`;
  }
  return `- On ${what}: from **${from.scale}** (${int(from.inputRows)} input rows) upward.`;
}

/**
 * COMPARISON_REPORT.md: its sections in the order they are read, each a function named for the
 * section it writes (the lines of that section, blank lines included).
 */
export function comparisonReport(report: RunReport): string {
  const cmp = compareScales(report);
  const n = runsPerMode(report);
  const sections: string[][] = [
    headerSection(report, n),
    // Under limits the first question is which mode finishes inside them (limits-report.ts).
    limitsSection(report),
    // A sweep answers "from what size?" with fits and crossovers first (crossover-report.ts).
    report.sweep ? sweepSection(report) : [],
    resultsSection(report, cmp),
    phaseBreakdown(report),
    enginesSection(report),
    timeAnswer(report, cmp),
    memoryAnswer(cmp),
    scalingAnswer(report),
    crossoverAnswer(cmp),
    validationAnswer(report),
    samplingSection(report),
    outliersSection(report, n),
    report.baseline ? [comparisonMarkdown(report.baseline.comparison, { base: report.baseline.against, new: "this run" })] : [],
    chartsSection(report),
    pocSection(cmp),
    settingsSection(report),
  ];
  return sections.flat().join("\n");
}

/** The title, the headline, and what the figures are: status, times, data, environment, method. */
function headerSection(report: RunReport, n: number): string[] {
  const env = report.environment;
  const o: string[] = [];
  o.push("# streambench: in-memory vs streaming daily summary");
  o.push("");
  o.push(`**${reportHeadline(report)}**`);
  o.push("");
  if (report.status === "INTERRUPTED") o.push("> This run was interrupted: the figures cover only the work that finished.", "");
  if (report.status === "ERROR") o.push("> This run ended with an error: the figures cover only the work that finished.", "");
  o.push(`- Status: **${report.status}**`);
  o.push(`- Started: ${report.startedAt}; finished: ${report.finishedAt ?? "not finished"}`);
  const profile = dataProfileLine(report.settings);
  if (profile) o.push(profile);
  o.push(
    `- Environment: ${env.cpu}, ${env.cores} cores, ${env.ramGb} GB RAM, ${env.os}, ${env.runtime}` +
      Object.entries(env.versions)
        .map(([k, v]) => `, ${k} ${v}`)
        .join("") +
      `, git ${env.gitCommit}`,
  );
  o.push(
    `- Figures are medians of ${runsText(report, n)} per (scale, mode)` +
      (n > 1 ? ", min–max in brackets" : "") +
      "; each run is a fresh child process, the modes interleaved (A B B A ...); peak memory is the child's own peak RSS (VmHWM); input rows are pod usage rows.",
  );
  const w = warmupsPerMode(report);
  if (w > 0) o.push(`- ${w} warm-up run${w === 1 ? "" : "s"} per (scale, mode) ran first: validated, recorded in summary.json, left out of every figure and verdict.`);
  o.push(`- Verdicts: ${COMPARABLE_RULE}. Interval: ${INTERVAL_METHOD}.`);
  const guard = guardLine(report);
  if (guard) o.push(guard);
  o.push("");
  return o;
}

/** "## Results": the table of every (scale, mode) and how to read its ratio columns. */
function resultsSection(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  return [
    "## Results",
    "",
    ...resultsTable(report, cmp),
    "",
    "Time ratio = streaming median duration ÷ in-memory median duration: " +
      "above 1 means in-memory is faster (streaming takes that many times as long); in brackets its 95% interval. Memory saved = in-memory peak − streaming peak, in % of the in-memory peak: " +
      "positive means streaming uses less.",
    "",
  ];
}

/** "## Answers" opens with "How much faster is in-memory than streaming?": one verdict per scale. */
function timeAnswer(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  const o = ["## Answers", "", "### How much faster is in-memory than streaming?", ""];
  o.push(`Each scale's verdict rests on the 95% interval of the ratio streaming ÷ in-memory of the median durations: ${COMPARABLE_RULE}.`);
  o.push("");
  for (const c of cmp) {
    o.push(
      `- **${c.scale}** (${int(c.inputRows)} input rows): **${c.timeClass}**: in-memory ${durationCell(c.inMemory)} s, ` +
        `streaming ${durationCell(c.streaming)} s; ${timePhrase(c)}.`,
    );
  }
  o.push(...notCompared(report, cmp));
  o.push("");
  return o;
}

/** "How much memory does streaming save?": one verdict per compared scale. */
function memoryAnswer(cmp: readonly ScaleComparison[]): string[] {
  const o = ["### How much memory does streaming save?", ""];
  for (const c of cmp) {
    const amount =
      c.memorySavedMb >= 0
        ? `saves ${mb(c.memorySavedMb)} MB (${c.memorySavedPercent.toFixed(1)}%)`
        : `uses ${mb(-c.memorySavedMb)} MB (${(-c.memorySavedPercent).toFixed(1)}%) more`;
    o.push(
      `- **${c.scale}**: **${c.memoryClass}**: by the medians streaming ${amount}: ${memoryCell(c.inMemory)} MB in-memory → ` +
        `${memoryCell(c.streaming)} MB streaming; ${memoryPhrase(c)}.`,
    );
  }
  if (cmp.length === 0) o.push("- No scale completed both modes.");
  o.push("");
  return o;
}

/** "Does streaming scale better?": each mode's memory growth per million rows, and durations'. */
function scalingAnswer(report: RunReport): string[] {
  const o = ["### Does streaming scale better?", ""];
  o.push(
    "Growth of peak memory per million input rows: the slope of the sweep's line through each mode's median peak per scale " +
      "(base + per-row growth), with its 95% interval from the repetitions. A mode is called bounded only when that whole interval " +
      `stays under ${BOUNDED_GROWTH_MB_PER_MILLION_ROWS} MB per million rows.`,
  );
  o.push("");
  const analysis = analyseSweep(report);
  const growth = (["in-memory", "streaming"] as const).map((mode) => memoryGrowth(report, mode, analysis));
  for (const g of growth) o.push(growthLine(g));
  o.push("", scalesBetterAnswer(growth[0], growth[1]));
  const di = durationSlope(report, "in-memory");
  const ds = durationSlope(report, "streaming");
  if (di !== null && ds !== null) {
    o.push("", `Duration grows ${secs(di)} s (in-memory) and ${secs(ds)} s (streaming) per million input rows.`);
  }
  o.push("");
  return o;
}

/** Seconds of a mode's median duration per million input rows, over its validated scales. */
function durationSlope(report: RunReport, mode: Mode): number | null {
  return leastSquaresSlope(
    report.scales
      .map((s) => ({ s, m: modeSummary(s, mode) }))
      .filter(({ m }) => validated(m))
      .map(({ s, m }) => ({ x: scaleInputRows(report, s.scale) / 1e6, y: m!.duration.median })),
  );
}

/** "From which data size does streaming win?": on time and on memory. */
function crossoverAnswer(cmp: readonly ScaleComparison[]): string[] {
  return [
    "### From which data size does streaming win?",
    "",
    `Streaming wins at a scale when its verdict there says so (the whole 95% interval beyond the ±${band} band; time: faster; memory: lower peak), ` +
      "at that scale and every larger tested one. An inconclusive scale is no win.",
    "",
    crossoverLine(cmp, "time"),
    crossoverLine(cmp, "memory"),
    "",
  ];
}

/** "Did both modes give identical results, and was every metric accurate?" */
function validationAnswer(report: RunReport): string[] {
  const summaries = summariseReport(report);
  const allPass = summaries.length > 0 && summaries.every((m) => m.validation === "PASS");
  const allIdentical = report.scales.every((s) => !s.modesIdentical || s.modesIdentical.verdict === "PASS");
  return [
    "### Did both modes give identical results, and was every metric accurate?",
    "",
    ...modesAgainstEachOther(report),
    ...modesAgainstReference(report, summaries),
    "",
    allPass && allIdentical
      ? "Every metric of every run matched the reference within tolerance, and the modes agree."
      : "FAIL: not every run was validated and accurate, or the modes disagree; see the validation logs.",
    "",
  ];
}

/** One line per pair of modes compared at a scale, or why they were not. */
function modesAgainstEachOther(report: RunReport): string[] {
  const o: string[] = [];
  for (const s of report.scales) {
    const mi = s.modesIdentical;
    // runs recorded before modes other than the two polars ones existed have no pairs
    const pairs = mi ? (mi.pairs ?? [{ base: "in-memory", mode: "streaming", verdict: mi.verdict, maxAbs: mi.maxAbs, maxRel: mi.maxRel }]) : [];
    for (const p of pairs) {
      o.push(
        `- **${s.scale}**, ${p.base} vs ${p.mode}: ${p.verdict === "PASS" ? "identical within tolerance" : "FAIL: they differ"} ` +
          `(max abs diff ${formatDiff(p.maxAbs)}, max rel diff ${formatDiff(p.maxRel)}).`,
      );
    }
    if (!mi) o.push(`- **${s.scale}**, modes against each other: not compared (fewer than two modes completed).`);
  }
  return o;
}

/** One line per (scale, mode): its verdict against the reference and its largest differences. */
function modesAgainstReference(report: RunReport, summaries: readonly ModeSummary[]): string[] {
  return summaries.map((m) => {
    const runs = report.scales.find((s) => s.scale === m.scale)!.runs.filter((r) => r.mode === m.mode);
    const diffs = runs.map((r) => r.maxDiff).filter((d): d is { abs: number; rel: number } => d !== undefined);
    const diff =
      diffs.length > 0
        ? ` (max abs diff ${formatDiff(Math.max(...diffs.map((d) => d.abs)))}, max rel diff ${formatDiff(Math.max(...diffs.map((d) => d.rel)))})`
        : "";
    const verdict = m.validation === "FAIL" ? "FAIL" : m.validation === "PASS" ? "PASS" : "not validated";
    return `- **${m.scale}**, ${m.mode} against the reference: ${verdict}${diff}.`;
  });
}

/** "Runs per scale": only when a scale recorded how many runs it took and why it stopped. */
function samplingSection(report: RunReport): string[] {
  const sampled = report.scales.filter((s) => s.sampling);
  if (sampled.length === 0) return [];
  const o = ["### Runs per scale", ""];
  for (const s of sampled) {
    const { runs, extraRuns, stoppedBecause } = s.sampling!;
    o.push(`- ${s.scale}: ${runs} run${runs === 1 ? "" : "s"} per mode${extraRuns > 0 ? ` (${runs - extraRuns} + ${extraRuns} more, --runs auto)` : ""}; stopped: ${stoppedBecause}.`);
  }
  o.push("");
  return o;
}

/** "Outliers": the rule, then each run outside it, or why none were looked for. */
function outliersSection(report: RunReport, n: number): string[] {
  const o = ["### Outliers", "", `Rule: ${OUTLIER_RULE}.`, ""];
  const outliers = summariseReport(report).flatMap((m) => m.outliers.map((x) => ({ m, x })));
  if (n < OUTLIER_MIN_RUNS) o.push(`Not checked: ${n} run${n === 1 ? "" : "s"} per (scale, mode).`);
  else if (outliers.length === 0) o.push("None.");
  else {
    for (const { m, x } of outliers) {
      const v = x.metric === "duration" ? `${secs(x.value)} s vs median ${secs(x.median)} s` : `${mb(x.value)} MB vs median ${mb(x.median)} MB`;
      o.push(`- ${m.scale}, ${m.mode}, run ${x.rep}: ${x.metric} ${v}.`);
    }
  }
  o.push("");
  return o;
}

/** "## Charts": the two size charts, and memory over time at each scale that sampled it. */
function chartsSection(report: RunReport): string[] {
  const o = ["## Charts", ""];
  o.push("![Peak memory (MB) against input rows, per mode](memory_vs_rows.svg)");
  o.push("");
  o.push("![Duration (s) against input rows, per mode](duration_vs_rows.svg)");
  o.push("");
  for (const sc of report.scales) {
    if (!measuredRuns(sc.runs).some((r) => r.status === "SUCCESS" && r.memorySeries.length > 0)) continue;
    o.push(`![Memory over time at ${sc.scale}, both modes](${memoryOverTimeChartName(sc.scale)})`);
    o.push("");
  }
  return o;
}

/** "## Settings": every recorded setting as JSON. */
function settingsSection(report: RunReport): string[] {
  const o = ["## Settings", ""];
  const settings = Object.entries(report.settings);
  if (settings.length === 0) o.push("(none recorded)");
  for (const [k, v] of settings) o.push(`- ${k}: \`${JSON.stringify(v)}\``);
  o.push("");
  return o;
}

/** "4 runs", or "2–4 runs (fewer where the run was cut off)" when (scale, mode)s have different counts. */
function runsText(report: RunReport, most: number): string {
  const counts = report.scales.flatMap((s) => modesOf(report).map((m) => measuredRuns(s.runs).filter((r) => r.mode === m).length)).filter((c) => c > 0);
  const fewest = counts.length > 0 ? Math.min(...counts) : most;
  if (fewest === most) return `${most} run${most === 1 ? "" : "s"}`;
  return `${fewest}–${most} runs (fewer where the run was cut off)`;
}

/** The earlier Python benchmark's figures, and this run's beside them at like sizes only. */
function pocSection(cmp: readonly ScaleComparison[]): string[] {
  const o = ["## Earlier Python benchmark", ""];
  o.push(
    `The Python proof of concept (${POC_SOURCE}; ${POC_MACHINE}; pandas, "streaming" as serial chunks) measured, one run each:`,
    "",
    "| Its scale | Input rows | In-memory (s) | Streaming (s) | In-memory peak (MB) | Streaming peak (MB) | Here, at a like size (±10% rows) |",
    "|---|---:|---:|---:|---:|---:|---|",
  );
  for (const p of POC_RESULTS) {
    const like = cmp.find((c) => Math.abs(c.inputRows - p.inputRows) <= POC_LIKE_SIZE * p.inputRows);
    const here = like
      ? `${like.scale} (${int(like.inputRows)} rows): ${secs(like.inMemory.duration.median)} s vs ${secs(like.streaming.duration.median)} s, ` +
        `${mb(like.inMemory.peakMemoryMb.median)} MB vs ${mb(like.streaming.peakMemoryMb.median)} MB`
      : "not tested";
    const inMemoryMb = "inMemoryMbEstimated" in p ? `~${p.inMemoryMb} (estimated)` : String(p.inMemoryMb);
    o.push(`| ${p.scale} | ${int(p.inputRows)} | ${p.inMemorySeconds} | ${p.streamingSeconds} | ${inMemoryMb} | ${p.streamingMb} | ${here} |`);
  }
  o.push("");
  o.push(
    "Only sizes within 10% of each other are set side by side. Different machines and engines: compare the ratios " +
      "(streaming ÷ in-memory), not the absolute figures.",
    "",
  );
  return o;
}

/** Which data the figures come from: the generated scales' profile, or the user's --input. */
function dataProfileLine(settings: RecordedSettings): string | null {
  const profile = settings.profile;
  if (profile === "realistic") return "- Data profile: **realistic** (usage drawn every hour as nise draws it; pods starting or ending within the month; labels changing on some day)";
  if (profile === "constant") return "- Data profile: **constant** (each pod one usage value for the whole month, as the earlier benchmark)";
  if (profile === "input") return `- Data: the input you brought (${JSON.stringify(settings.input)})`;
  return null;
}
