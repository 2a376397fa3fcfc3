// Text for the terminal UI: numbers, sizes, durations and times in short, fixed-ish widths (no
// locale surprises), fitting and wrapping text to a width, and the verdict line of a scale.
import type { ComparisonVerdict } from "../src/run/events.ts";
import type { ScaleRow } from "./state.ts";
import { baselineChangesText } from "../src/records/comparison-text.ts";
import { int } from "../src/stats/number-text.ts";

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  // One decimal below 10, and always for GB and up (15.6 GB, not 16 GB).
  const decimals = Math.abs(value) < 10 || i >= 2 ? 1 : 0;
  return `${value.toFixed(decimals)} ${units[i]}`;
}

/** Megabytes (as the result event reports them) in the same style as formatBytes. */
export function formatMb(mb: number): string {
  return formatBytes(mb * 1024 * 1024);
}

export function formatAmount(n: number, unit: "rows" | "bytes" | "files"): string {
  return unit === "bytes" ? formatBytes(n) : int(n);
}

export function formatProgress(done: number, total: number, unit: "rows" | "bytes" | "files"): string {
  const suffix = unit === "bytes" ? "" : ` ${unit}`;
  return `${formatAmount(done, unit)} / ${formatAmount(total, unit)}${suffix}`;
}

export function formatPercent(fraction: number): string {
  const pct = Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
  return `${pct}%`.padStart(4);
}

/** 0.42 -> "0.42s", 12.3 -> "12.3s", 125 -> "2m05s", 3725 -> "1h02m". Narrower than output/durations.ts formatDuration on purpose: a table cell. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, "0")}s`;
  const minutes = Math.floor(total / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "estimating";
  if (ms <= 0) return "any moment";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** The local wall-clock time of an event (Date.now() value) as HH:MM:SS. */
export function formatTimeOfDay(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Pad or cut to exactly `width` characters (ellipsis when cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return "";
  if (text.length <= width) return text.padEnd(width);
  if (width === 1) return "…";
  return `${text.slice(0, width - 1)}…`;
}

/** Greedy word wrap to `width` (ink's own wrap keeps a leading space on continuation lines). */
export function wordWrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line.length === 0) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
      while (line.length > width && width > 0) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    out.push(line);
  }
  return out;
}

/** "0.81×" */
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a");

/** One verdict for the detail line: "inconclusive 0.81× [0.47–1.74] ~12 runs", "stream lower 0.92× [0.90–0.95]". */
export function verdictText(v: ComparisonVerdict): string {
  const interval = v.interval ? ` [${v.interval.lo.toFixed(2)}–${v.interval.hi.toFixed(2)}]` : " [no interval]";
  const settle = v.class === "inconclusive" ? (v.runsToSettle !== null ? ` ~${v.runsToSettle} runs` : " >100 runs") : "";
  return `${v.class} ${x(v.ratio)}${interval}${settle}`;
}

/** The selected scale's modes against the baseline (--baseline), as the engine compared them. */
export function baselineLine(row: Pick<ScaleRow, "name" | "baseline" | "error">): string | undefined {
  if (!row.baseline || row.error) return undefined;
  return `  ${row.name}: ${baselineChangesText(row.baseline.changes, row.baseline.refused)}`;
}

/** The selected scale's verdicts with their 95% intervals (streaming ÷ in-memory), as the engine gave them. */
export function verdictLine(row: Pick<ScaleRow, "name" | "comparison" | "error">): string | undefined {
  if (!row.comparison || row.error) return undefined;
  return `  ${row.name}: time ${verdictText(row.comparison.time)} · memory ${verdictText(row.comparison.memory)}`;
}
