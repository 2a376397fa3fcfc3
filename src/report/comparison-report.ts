// COMPARISON_REPORT.md: the results table and the answers, every figure computed from the
// measured medians. Replaces the earlier script's report (spec/poc-benchmark.md §5.3), whose
// "in-memory faster" branch could never be reached; here all three classes are (see analysis.ts).
import type { Mode, RunReport } from "./model.ts";
import {
  compareScales,
  COMPARABLE_BAND,
  COMPARABLE_RULE,
  crossover,
  leastSquaresSlope,
  memoryGrowth,
  scaleInputRows,
  type ScaleComparison,
} from "./analysis.ts";
import { modeSummary, modesOf, OUTLIER_RULE, runsPerMode, summariseReport, validated, type ModeSummary } from "./stats.ts";
import { int, mb, secs, times } from "./format.ts";
import { formatDiff } from "../validate/log.ts";
import { enginesSection } from "./engines.ts";

/** The earlier Python benchmark (spec/poc-benchmark.md §7.1), for one comparison line. */
export const POC_LARGE = {
  inputRows: 372_000,
  inMemorySeconds: 13.44,
  streamingSeconds: 70.13,
  inMemoryMb: 1224,
  streamingMb: 604,
  machine: "8-core MacBook Pro, 16 GB",
} as const;

const band = `${COMPARABLE_BAND * 100}%`;

function timePhrase(c: ScaleComparison): string {
  switch (c.timeClass) {
    case "in-memory faster":
      return `in-memory is ${times(c.speedRatio)} faster than streaming`;
    case "streaming faster":
      return `streaming is ${times(1 / c.speedRatio)} faster than in-memory`;
    case "comparable":
      return `both modes take about the same time (within ${band})`;
  }
}

function memoryPhrase(c: ScaleComparison): string {
  const p = Math.abs(c.memorySavedPercent).toFixed(1);
  return c.memorySavedMb >= 0 ? `streaming uses ${p}% less peak memory` : `streaming uses ${p}% more peak memory`;
}

function largest(cmp: readonly ScaleComparison[]): ScaleComparison {
  return cmp.reduce((a, b) => (b.inputRows > a.inputRows ? b : a));
}

/** One line for the top of the report and the TUI. */
export function comparisonHeadline(report: RunReport): string {
  const cmp = compareScales(report);
  if (cmp.length === 0) {
    const ran = summariseReport(report).filter(validated);
    if (ran.length === 0) return `${report.status}: no mode completed a validated run, nothing to compare`;
    const modes = [...new Set(ran.map((m) => m.mode))].join(" and ");
    return `${report.status}: only ${modes} completed a validated run, no scale has both modes to compare`;
  }
  const c = largest(cmp);
  let line = `${report.status}: at ${c.scale} (${int(c.inputRows)} input rows) ${timePhrase(c)}; ${memoryPhrase(c)}`;
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

function resultsTable(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  const out = [
    "| Scale | Mode | Status | Duration (s) | Peak memory (MB) | Input rows | Output rows | Speed ratio in-memory/streaming | Memory saved by streaming |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const s of report.scales) {
    const c = cmp.find((x) => x.scale === s.scale);
    for (const mode of modesOf(report)) {
      const m = modeSummary(s, mode);
      if (!m) continue;
      const ratio = mode === "streaming" && c ? times(c.speedRatio) : mode === "in-memory" && c ? "baseline" : "—";
      const saved =
        mode === "streaming" && c ? `${signed(c.memorySavedPercent, 1)}% (${signed(c.memorySavedMb, 1)} MB)` : "—";
      out.push(
        `| ${s.scale} | ${mode} | ${m.status} | ${durationCell(m)} | ${memoryCell(m)} | ${int(m.inputRows)} | ${int(m.outputRows)} | ${ratio} | ${saved} |`,
      );
    }
  }
  return out;
}

function notCompared(report: RunReport, cmp: readonly ScaleComparison[]): string[] {
  const out: string[] = [];
  for (const s of report.scales) {
    if (cmp.some((c) => c.scale === s.scale)) continue;
    const why = (["in-memory", "streaming"] as Mode[])
      .map((mode) => {
        const m = modeSummary(s, mode);
        return !m ? `${mode} did not run` : m.status !== "SUCCESS" ? `${mode} failed` : m.validation !== "PASS" ? `${mode} failed validation` : undefined;
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
  if (!from) {
    const partial = wins.length > 0 ? ` (it won at ${wins.map((c) => c.scale).join(", ")}, but not at every larger scale)` : "";
    return `- On ${what}: not within the tested scales${partial}.`;
  }
  const smallest = [...cmp].sort((a, b) => a.inputRows - b.inputRows)[0];
  if (from.scale === smallest.scale) {
    return `- On ${what}: at every tested scale, from the smallest, **${from.scale}** (${int(from.inputRows)} input rows).`;
  }
  return `- On ${what}: from **${from.scale}** (${int(from.inputRows)} input rows) upward.`;
}

export function comparisonReport(report: RunReport): string {
  const cmp = compareScales(report);
  const n = runsPerMode(report);
  const env = report.environment;
  const o: string[] = [];
  o.push("# streambench: in-memory vs streaming daily summary");
  o.push("");
  o.push(`**${comparisonHeadline(report)}**`);
  o.push("");
  if (report.status === "INTERRUPTED") o.push("> This run was interrupted: the figures cover only the work that finished.", "");
  if (report.status === "ERROR") o.push("> This run ended with an error: the figures cover only the work that finished.", "");
  o.push(`- Status: **${report.status}**`);
  o.push(`- Started: ${report.startedAt}; finished: ${report.finishedAt ?? "not finished"}`);
  o.push(
    `- Environment: ${env.cpu}, ${env.cores} cores, ${env.ramGb} GB RAM, ${env.os}, ${env.runtime}` +
      Object.entries(env.versions)
        .map(([k, v]) => `, ${k} ${v}`)
        .join("") +
      `, git ${env.gitCommit}`,
  );
  o.push(
    `- Figures are medians of ${n} run${n === 1 ? "" : "s"} per (scale, mode)` +
      (n > 1 ? ", min–max in brackets" : "") +
      "; each run is a fresh child process; peak memory is the child's own peak RSS (VmHWM); input rows are pod usage rows.",
  );
  o.push("");

  o.push("## Results");
  o.push("");
  o.push(...resultsTable(report, cmp));
  o.push("");
  o.push(
    "Speed ratio = streaming median duration ÷ in-memory median duration (in-memory's speed relative to streaming): " +
      "above 1 means in-memory is faster. Memory saved = in-memory peak − streaming peak, in % of the in-memory peak: " +
      "positive means streaming uses less.",
  );
  o.push("");

  o.push(...enginesSection(report));

  o.push("## Answers");
  o.push("");
  o.push("### How much faster is in-memory than streaming?");
  o.push("");
  o.push(`Each scale is classified on its median durations: ${COMPARABLE_RULE}.`);
  o.push("");
  for (const c of cmp) {
    o.push(
      `- **${c.scale}** (${int(c.inputRows)} input rows): **${c.timeClass}**: in-memory ${secs(c.inMemory.duration.median)} s, ` +
        `streaming ${secs(c.streaming.duration.median)} s; ${timePhrase(c)}.`,
    );
  }
  o.push(...notCompared(report, cmp));
  o.push("");

  o.push("### How much memory does streaming save?");
  o.push("");
  for (const c of cmp) {
    const amount =
      c.memorySavedMb >= 0
        ? `saves ${mb(c.memorySavedMb)} MB (${c.memorySavedPercent.toFixed(1)}%)`
        : `uses ${mb(-c.memorySavedMb)} MB (${(-c.memorySavedPercent).toFixed(1)}%) more`;
    o.push(
      `- **${c.scale}**: streaming ${amount}: ${mb(c.inMemory.peakMemoryMb.median)} MB in-memory → ` +
        `${mb(c.streaming.peakMemoryMb.median)} MB streaming (${c.memoryClass}).`,
    );
  }
  if (cmp.length === 0) o.push("- No scale completed both modes.");
  o.push("");

  o.push("### Does streaming scale better?");
  o.push("");
  o.push("Growth of median peak memory per million input rows: the slope of a least-squares line through the scales each mode completed.");
  o.push("");
  const growth = (["in-memory", "streaming"] as const).map((mode) => memoryGrowth(report, mode));
  for (const g of growth) {
    o.push(
      g.slopeMbPerMillionRows === null
        ? `- ${g.mode}: not enough scales (${g.scales} completed; a slope needs at least 2 with different input rows).`
        : `- ${g.mode}: ${signed(g.slopeMbPerMillionRows, 1)} MB per million input rows (fit over ${g.scales} scales).`,
    );
  }
  const [gi, gs] = growth;
  if (gi.slopeMbPerMillionRows !== null && gs.slopeMbPerMillionRows !== null) {
    const a = gi.slopeMbPerMillionRows;
    const b = gs.slopeMbPerMillionRows;
    o.push(
      "",
      b < a
        ? `Streaming scales better on memory: its peak grows ${mb(a - b)} MB per million rows less than in-memory's.`
        : `Streaming does not scale better on memory here: its peak grows ${mb(b - a)} MB per million rows more than in-memory's.`,
    );
  } else {
    o.push("", "Not enough scales to compare growth.");
  }
  const durationSlope = (mode: Mode) =>
    leastSquaresSlope(
      report.scales
        .map((s) => ({ s, m: modeSummary(s, mode) }))
        .filter(({ m }) => validated(m))
        .map(({ s, m }) => ({ x: scaleInputRows(report, s.scale) / 1e6, y: m!.duration.median })),
    );
  const di = durationSlope("in-memory");
  const ds = durationSlope("streaming");
  if (di !== null && ds !== null) {
    o.push("", `Duration grows ${secs(di)} s (in-memory) and ${secs(ds)} s (streaming) per million input rows.`);
  }
  o.push("");

  o.push("### From which data size does streaming win?");
  o.push("");
  o.push(`Streaming wins at a scale when it is beyond the ${band} band (time: faster; memory: lower peak), at that scale and every larger tested one.`);
  o.push("");
  o.push(crossoverLine(cmp, "time"));
  o.push(crossoverLine(cmp, "memory"));
  o.push("");

  o.push("### Did both modes give identical results, and was every metric accurate?");
  o.push("");
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
  const summaries = summariseReport(report);
  for (const m of summaries) {
    const runs = report.scales.find((s) => s.scale === m.scale)!.runs.filter((r) => r.mode === m.mode);
    const diffs = runs.map((r) => r.maxDiff).filter((d): d is { abs: number; rel: number } => d !== undefined);
    const diff =
      diffs.length > 0
        ? ` (max abs diff ${formatDiff(Math.max(...diffs.map((d) => d.abs)))}, max rel diff ${formatDiff(Math.max(...diffs.map((d) => d.rel)))})`
        : "";
    const verdict = m.validation === "FAIL" ? "FAIL" : m.validation === "PASS" ? "PASS" : "not validated";
    o.push(`- **${m.scale}**, ${m.mode} against the reference: ${verdict}${diff}.`);
  }
  const allPass = summaries.length > 0 && summaries.every((m) => m.validation === "PASS");
  const allIdentical = report.scales.every((s) => !s.modesIdentical || s.modesIdentical.verdict === "PASS");
  o.push("");
  o.push(
    allPass && allIdentical
      ? "Every metric of every run matched the reference within tolerance, and the modes agree."
      : "FAIL: not every run was validated and accurate, or the modes disagree; see the validation logs.",
  );
  o.push("");

  o.push("### Outliers");
  o.push("");
  o.push(`Rule: ${OUTLIER_RULE}.`);
  o.push("");
  const outliers = summaries.flatMap((m) => m.outliers.map((x) => ({ m, x })));
  if (n < 3) o.push(`Not checked: ${n} run${n === 1 ? "" : "s"} per (scale, mode).`);
  else if (outliers.length === 0) o.push("None.");
  else {
    for (const { m, x } of outliers) {
      const v = x.metric === "duration" ? `${secs(x.value)} s vs median ${secs(x.median)} s` : `${mb(x.value)} MB vs median ${mb(x.median)} MB`;
      o.push(`- ${m.scale}, ${m.mode}, run ${x.rep}: ${x.metric} ${v}.`);
    }
  }
  o.push("");

  o.push("## Charts");
  o.push("");
  o.push("![Peak memory (MB) against input rows, per mode](memory_vs_rows.svg)");
  o.push("");
  o.push("![Duration (s) against input rows, per mode](duration_vs_rows.svg)");
  o.push("");

  o.push("## Earlier Python benchmark");
  o.push("");
  const p = POC_LARGE;
  let note =
    `The Python proof of concept (spec/poc-benchmark.md §7.1, ${p.machine}, pandas with serial chunked "streaming") measured ` +
    `large (${int(p.inputRows)} pod rows) at ${p.inMemorySeconds.toFixed(1)} s in-memory vs ${p.streamingSeconds.toFixed(1)} s streaming ` +
    `(streaming ${times(p.streamingSeconds / p.inMemorySeconds)} slower), ${int(p.inMemoryMb)} MB vs ${int(p.streamingMb)} MB peak.`;
  if (cmp.length > 0) {
    const near = cmp.reduce((a, b) =>
      Math.abs(Math.log(b.inputRows / p.inputRows)) < Math.abs(Math.log(a.inputRows / p.inputRows)) ? b : a,
    );
    note +=
      ` Here, at the closest tested scale, ${near.scale} (${int(near.inputRows)} rows): ${secs(near.inMemory.duration.median)} s vs ` +
      `${secs(near.streaming.duration.median)} s, ${mb(near.inMemory.peakMemoryMb.median)} MB vs ${mb(near.streaming.peakMemoryMb.median)} MB ` +
      `(${timePhrase(near)}). Different machines and engines: compare ratios, not absolute figures.`;
  }
  o.push(note);
  o.push("");

  o.push("## Settings");
  o.push("");
  const settings = Object.entries(report.settings);
  if (settings.length === 0) o.push("(none recorded)");
  for (const [k, v] of settings) o.push(`- ${k}: \`${JSON.stringify(v)}\``);
  o.push("");
  return o.join("\n");
}
