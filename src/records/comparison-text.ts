// A RunComparison as the user reads it: the terminal table, Markdown (also the "Against the
// baseline" section of COMPARISON_REPORT.md), JSON and CSV; and the `baseline` event's line for the
// live log and the monitor. Formatting only; compare/run-comparison.ts decides. Beside the records
// so that report/, output/ and tui/ show it without importing compare/ (which imports report/).
import { mb, ratioInterval, secs, times } from "../stats/number-text.ts";
import { csvField } from "../contract/csv-field.ts";
import type { BaselineChange, Difference, FigureChange, RunComparison } from "./baseline-comparison.ts";

export const COMPARE_FORMATS = ["table", "md", "json", "csv"] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** The two sides as the header names them. */
export interface SideLabels {
  base: string;
  new: string;
}

/** One line: "rows: pod usage 7440 → pod usage 74400". */
export function describeDifference(d: Difference): string {
  return `${d.what}: ${d.base} → ${d.new}`;
}

const value = (c: FigureChange, v: number) => (c.unit === "s" ? `${secs(v)} s` : `${mb(v)} MB`);

/** "slower", or "inconclusive (5 runs a side would settle it)". */
export function verdictText(c: FigureChange): string {
  if (c.class !== "inconclusive") return c.class;
  const why = c.interval === null ? "no 95% interval yet" : "";
  const settle = c.runsToSettle === null ? "more than 100 runs a side to settle" : `${c.runsToSettle} runs a side would settle it`;
  return `inconclusive (${[why, settle].filter(Boolean).join("; ")})`;
}

function cells(c: FigureChange, threshold: number): string[] {
  return [
    c.scale,
    c.mode,
    c.figure,
    value(c, c.baseMedian),
    value(c, c.newMedian),
    times(c.ratio),
    c.interval ? ratioInterval(c.interval, threshold) : "n/a",
    verdictText(c),
    `${c.baseRuns}/${c.newRuns}`,
  ];
}

const HEADER = ["scale", "mode", "figure", "BASE", "NEW", "NEW/BASE", "95% interval", "verdict", "runs"];

/** The lines above the table: the sides, the environment differences, refusals, one-sided rows. */
export function comparisonPreamble(comparison: RunComparison, labels: SideLabels): string[] {
  const o = [`BASE: ${labels.base}`, `NEW:  ${labels.new}`];
  if (comparison.environment.length === 0) o.push("Environment: the same (machine, runtime, versions, limits, services, commit).");
  else o.push("Environment differs (figures compared all the same):", ...comparison.environment.map((d) => `  - ${describeDifference(d)}`));
  for (const r of comparison.refused) o.push(`Refused ${r.scale}: the data differ (${r.differences.map(describeDifference).join("; ")}); --force compares it anyway.`);
  for (const r of comparison.forced) o.push(`Compared ${r.scale} although the data differ (--force): ${r.differences.map(describeDifference).join("; ")}.`);
  for (const u of comparison.unmatched) o.push(`Not compared: ${u.scale} ${u.mode}: ${u.why}.`);
  o.push(`Noise band ±${round(comparison.threshold * 100)}%: unchanged when the 95% interval of NEW/BASE lies wholly inside it, slower/faster (higher/lower) wholly beyond it.`);
  o.push("Intervals: Hodges-Lehmann with the exact Mann-Whitney interval where the runs allow 95% by ranks (4 a side, or 3 against 5), else Welch's t on log values.");
  return o;
}

const round = (n: number) => Number(n.toPrecision(6));

export function comparisonTable(comparison: RunComparison, labels: SideLabels): string {
  const rows = [HEADER, ...comparison.changes.map((c) => cells(c, comparison.threshold))];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  const table = rows.length > 1 ? [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)] : ["(no figure compared)"];
  return [...comparisonPreamble(comparison, labels), "", ...table, ""].join("\n");
}

/** Markdown: the preamble as a list, then the table. headingLevel 0 writes no heading. */
export function comparisonMarkdown(comparison: RunComparison, labels: SideLabels, heading = "## Against the baseline"): string {
  const o: string[] = heading ? [heading, ""] : [];
  o.push(...comparisonPreamble(comparison, labels).map((l) => (l.startsWith("  - ") ? `  ${l.trim()}` : `- ${l}`)), "");
  o.push(`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`);
  for (const c of comparison.changes) o.push(`| ${cells(c, comparison.threshold).join(" | ")} |`);
  return o.join("\n") + "\n";
}

export function comparisonJson(comparison: RunComparison, labels: SideLabels): string {
  return JSON.stringify({ base: labels.base, new: labels.new, ...comparison }, null, 2) + "\n";
}

const CSV_HEADER = "scale,mode,figure,unit,base_median,new_median,ratio,interval_low,interval_high,interval_method,class,base_runs,new_runs,runs_to_settle";

/** A CSV cell: an unknown or non-finite number is empty. */
function csvCell(v: string | number | null): string {
  return csvField(v === null || (typeof v === "number" && !Number.isFinite(v)) ? "" : String(v));
}

export function comparisonCsv(comparison: RunComparison): string {
  const rows = comparison.changes.map((c) =>
    [c.scale, c.mode, c.figure, c.unit, c.baseMedian, c.newMedian, c.ratio, c.interval?.lo ?? null, c.interval?.hi ?? null, c.method, c.class, c.baseRuns, c.newRuns, c.runsToSettle].map(csvCell).join(","),
  );
  return [CSV_HEADER, ...rows].join("\n") + "\n";
}

/**
 * A scale's modes against the baseline in one line, for the live log and the monitor:
 * "against the baseline: in-memory time 1.05× unchanged, memory 1.00× unchanged · streaming time 1.31× slower, ...".
 */
export function baselineChangesText(changes: readonly BaselineChange[], refused: string | null): string {
  if (refused !== null) return `not comparable with the baseline: the data differ (${refused})`;
  if (changes.length === 0) return "against the baseline: nothing to compare (no validated runs of the same modes)";
  const modes = [...new Set(changes.map((c) => c.mode))];
  const one = (c: BaselineChange) =>
    `${c.figure === "duration" ? "time" : "memory"} ${times(c.ratio)} ${c.class}${c.class === "inconclusive" ? (c.runsToSettle !== null ? ` (~${c.runsToSettle} runs)` : " (>100 runs)") : ""}`;
  return `against the baseline: ${modes.map((m) => `${m} ${changes.filter((c) => c.mode === m).map(one).join(", ")}`).join(" · ")}`;
}

export function formatComparison(comparison: RunComparison, labels: SideLabels, format: CompareFormat): string {
  switch (format) {
    case "md":
      return comparisonMarkdown(comparison, labels, "# streambench compare");
    case "json":
      return comparisonJson(comparison, labels);
    case "csv":
      return comparisonCsv(comparison);
    default:
      return comparisonTable(comparison, labels);
  }
}
