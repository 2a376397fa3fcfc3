// The answers the comparison report gives, computed from the measured medians. Pure functions.
//
// Classification of a scale on time: with the two median durations, the slower mode is called
// slower only when it takes MORE than 10% longer than the faster one (slower > 1.10 × faster);
// within that band the modes are "comparable". The same band decides memory ("streaming lower" /
// "comparable" / "streaming higher") on the median peak memory.
import type { Mode, RunReport } from "./model.ts";
import { modeSummary, validated, type ModeSummary } from "./stats.ts";

export const COMPARABLE_BAND = 0.1;
export const COMPARABLE_RULE =
  `"comparable" when the slower mode's median takes at most ${COMPARABLE_BAND * 100}% longer than the faster one's ` +
  `(slower ≤ ${1 + COMPARABLE_BAND} × faster); otherwise the faster mode wins`;

export type TimeClass = "streaming faster" | "comparable" | "in-memory faster";
export type MemoryClass = "streaming lower" | "comparable" | "streaming higher";

/** Tiny slack so a ratio of exactly 1.10 (in decimal) is not pushed out by binary rounding. */
const EPS = 1e-12;

function beyondBand(larger: number, smaller: number): boolean {
  return larger > smaller * (1 + COMPARABLE_BAND) * (1 + EPS);
}

export function classifyTime(inMemorySeconds: number, streamingSeconds: number): TimeClass {
  if (beyondBand(streamingSeconds, inMemorySeconds)) return "in-memory faster";
  if (beyondBand(inMemorySeconds, streamingSeconds)) return "streaming faster";
  return "comparable";
}

export function classifyMemory(inMemoryMb: number, streamingMb: number): MemoryClass {
  if (beyondBand(inMemoryMb, streamingMb)) return "streaming lower";
  if (beyondBand(streamingMb, inMemoryMb)) return "streaming higher";
  return "comparable";
}

/** One scale where both modes succeeded. */
export interface ScaleComparison {
  scale: string;
  inputRows: number;
  inMemory: ModeSummary;
  streaming: ModeSummary;
  /** Streaming median duration ÷ in-memory median duration = in-memory speed ÷ streaming speed (> 1: in-memory faster). */
  speedRatio: number;
  timeClass: TimeClass;
  /** In-memory peak − streaming peak (MB); positive when streaming uses less. */
  memorySavedMb: number;
  /** memorySavedMb as % of the in-memory peak. */
  memorySavedPercent: number;
  memoryClass: MemoryClass;
}

export function compareScale(scale: string, inputRows: number, inMemory: ModeSummary, streaming: ModeSummary): ScaleComparison {
  const ti = inMemory.duration.median;
  const ts = streaming.duration.median;
  const mi = inMemory.peakMemoryMb.median;
  const ms = streaming.peakMemoryMb.median;
  const saved = mi - ms;
  return {
    scale,
    inputRows,
    inMemory,
    streaming,
    speedRatio: ts / ti,
    timeClass: classifyTime(ti, ts),
    memorySavedMb: saved,
    memorySavedPercent: mi === 0 ? 0 : (saved / mi) * 100,
    memoryClass: classifyMemory(mi, ms),
  };
}

/** Input rows of a scale: the scale's own figure, else the pod rows a run read. */
export function scaleInputRows(report: RunReport, scale: string): number {
  const s = report.scales.find((x) => x.scale === scale);
  if (!s) return 0;
  if (s.inputRows > 0) return s.inputRows;
  const r = s.runs.find((x) => x.inputRows > 0);
  return r ? r.inputRows : 0;
}

/** Comparisons for every scale where both modes passed validation and agree with each other, in report order. */
export function compareScales(report: RunReport): ScaleComparison[] {
  const out: ScaleComparison[] = [];
  for (const s of report.scales) {
    const im = modeSummary(s, "in-memory");
    const st = modeSummary(s, "streaming");
    if (!validated(im) || !validated(st) || s.modesIdentical?.verdict === "FAIL") continue;
    out.push(compareScale(s.scale, scaleInputRows(report, s.scale), im, st));
  }
  return out;
}

/** Least-squares slope of y on x; null with fewer than 2 distinct x. */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number | null {
  const xs = new Set(points.map((p) => p.x));
  if (xs.size < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxy / sxx;
}

export interface MemoryGrowth {
  mode: Mode;
  /** MB of peak memory per million input rows; null = not enough scales. */
  slopeMbPerMillionRows: number | null;
  /** Scales the fit used. */
  scales: number;
}

/** Peak memory growth per million input rows, per mode, over the scales where that mode passed validation. */
export function memoryGrowth(report: RunReport, mode: Mode): MemoryGrowth {
  const points: { x: number; y: number }[] = [];
  for (const s of report.scales) {
    const m = modeSummary(s, mode);
    if (!validated(m)) continue;
    points.push({ x: scaleInputRows(report, s.scale) / 1e6, y: m.peakMemoryMb.median });
  }
  return { mode, slopeMbPerMillionRows: leastSquaresSlope(points), scales: points.length };
}

/**
 * The smallest tested scale from which streaming wins at that scale AND every larger one
 * (ordered by input rows); null when it does not win at the largest ("not within the tested
 * scales"). Time: "streaming faster"; memory: "streaming lower".
 */
export function crossover(comparisons: readonly ScaleComparison[], on: "time" | "memory"): ScaleComparison | null {
  const sorted = [...comparisons].sort((a, b) => a.inputRows - b.inputRows);
  const wins = (c: ScaleComparison) => (on === "time" ? c.timeClass === "streaming faster" : c.memoryClass === "streaming lower");
  let from: ScaleComparison | null = null;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (!wins(sorted[i])) break;
    from = sorted[i];
  }
  return from;
}
