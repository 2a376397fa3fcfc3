// The answers the comparison report gives, computed from the measured repetitions. Pure functions.
//
// Verdict of a scale on time: the ratio streaming ÷ in-memory of the median durations, with its
// 95% interval from the paired repetitions (stats.ts says how). The comparable band is ±10%: a
// ratio from 1 ÷ 1.10 to 1.10 means neither mode takes more than 10% longer than the other.
//   - a mode wins only when the WHOLE interval lies beyond the band on its side
//     (interval above 1.10: in-memory faster; below 1 ÷ 1.10 = 0.909: streaming faster);
//   - "comparable" when the whole interval lies inside the band (edges included);
//   - otherwise, or with fewer than 2 paired runs (no interval), "inconclusive".
// The same rule decides memory on the median peak memory ("streaming lower" / "comparable" /
// "streaming higher" / "inconclusive"). Why ±10%: a difference under 10% of a run this short is
// within what the machine's own drift moves between runs, and not worth choosing a mode for.
import type { Mode } from "../contract/job.ts";
import type { ModeRun, RunReport } from "../records/run-report.ts";
import { modeSummary, pairRuns, validated, type ModeSummary } from "./mode-summary.ts";
import { ratioEstimate, runsToSettle } from "../stats/statistics.ts";
import { analyseSweep, type Interval, type SweepAnalysis } from "./crossover.ts";

export const COMPARABLE_BAND = 0.1;
export const COMPARABLE_RULE =
  `a mode wins only when the whole 95% interval of the ratio streaming ÷ in-memory lies beyond the ±${COMPARABLE_BAND * 100}% band ` +
  `(above ${1 + COMPARABLE_BAND} or below 1 ÷ ${1 + COMPARABLE_BAND}); "comparable" when it lies wholly inside; otherwise "inconclusive"`;

export type TimeClass = "streaming faster" | "comparable" | "in-memory faster" | "inconclusive";
export type MemoryClass = "streaming lower" | "comparable" | "streaming higher" | "inconclusive";

/** Tiny slack so a ratio of exactly 1.10 (in decimal) is not pushed out by binary rounding. */
const EPS = 1e-12;

/** Where an interval of a ratio (streaming ÷ in-memory by default) lies against the band (±10% unless given). */
export function placeInterval(interval: { lo: number; hi: number } | null, band = COMPARABLE_BAND): "above" | "inside" | "below" | "across" {
  if (interval === null) return "across";
  const upper = (1 + band) * (1 + EPS);
  const lower = 1 / (1 + band) / (1 + EPS);
  if (interval.lo > upper) return "above";
  if (interval.hi < lower) return "below";
  if (interval.lo >= lower && interval.hi <= upper) return "inside";
  return "across";
}

/** Time verdict from the 95% interval of streaming duration ÷ in-memory duration. */
export function classifyTime(interval: { lo: number; hi: number } | null): TimeClass {
  const place = placeInterval(interval);
  return place === "above" ? "in-memory faster" : place === "below" ? "streaming faster" : place === "inside" ? "comparable" : "inconclusive";
}

/** Memory verdict from the 95% interval of streaming peak ÷ in-memory peak. */
export function classifyMemory(interval: { lo: number; hi: number } | null): MemoryClass {
  const place = placeInterval(interval);
  return place === "above" ? "streaming higher" : place === "below" ? "streaming lower" : place === "inside" ? "comparable" : "inconclusive";
}

/** A verdict on one figure (time or memory) and how sure it is. */
export interface RatioVerdict<C extends string> {
  class: C;
  /** Streaming median ÷ in-memory median. */
  ratio: number;
  /** 95% interval of the ratio; null with fewer than 2 paired runs. */
  interval: { lo: number; hi: number } | null;
  /** Paired runs (the same repetition of both modes) the interval rests on. */
  pairs: number;
  /** When inconclusive: runs per mode that would likely settle it; null when it would take more than MAX_RUNS_TO_SETTLE (the ratio lies close to the band's edge, or the runs scatter widely). */
  runsToSettle: number | null;
}

function verdict<C extends string>(runs: readonly ModeRun[], value: (r: ModeRun) => number, classify: (i: { lo: number; hi: number } | null) => C): RatioVerdict<C> {
  const estimate = ratioEstimate(pairRuns(runs, value));
  const cls = classify(estimate.interval);
  return {
    class: cls,
    ratio: estimate.ratio,
    interval: estimate.interval,
    pairs: estimate.pairs,
    runsToSettle: cls === "inconclusive" ? runsToSettle(estimate, COMPARABLE_BAND) : null,
  };
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
  /** The time verdict with its interval (ratio = speedRatio). */
  time: RatioVerdict<TimeClass>;
  /** In-memory peak − streaming peak (MB); positive when streaming uses less. */
  memorySavedMb: number;
  /** memorySavedMb as % of the in-memory peak. */
  memorySavedPercent: number;
  memoryClass: MemoryClass;
  /** The memory verdict with its interval (ratio = streaming peak ÷ in-memory peak). */
  memory: RatioVerdict<MemoryClass>;
}

/** The comparison of one scale from its runs (both modes, every repetition; warm-ups are left out). */
export function compareScale(scale: string, inputRows: number, inMemory: ModeSummary, streaming: ModeSummary, runs: readonly ModeRun[]): ScaleComparison {
  const mi = inMemory.peakMemoryMb.median;
  const ms = streaming.peakMemoryMb.median;
  const saved = mi - ms;
  const time = verdict(runs, (r) => r.durationSeconds, classifyTime);
  const memory = verdict(runs, (r) => r.peakMemoryMb, classifyMemory);
  return {
    scale,
    inputRows,
    inMemory,
    streaming,
    speedRatio: streaming.duration.median / inMemory.duration.median,
    timeClass: time.class,
    time,
    memorySavedMb: saved,
    memorySavedPercent: mi === 0 ? 0 : (saved / mi) * 100,
    memoryClass: memory.class,
    memory,
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
    out.push(compareScale(s.scale, scaleInputRows(report, s.scale), im, st, s.runs));
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

/**
 * A mode's peak memory is "bounded" only when the 95% interval of its growth lies wholly under this
 * many MB per million input rows (at 100 M rows: under 100 MB above its base). An interval that
 * includes zero but reaches above it shows no growth, but is too wide to call bounded.
 */
export const BOUNDED_GROWTH_MB_PER_MILLION_ROWS = 1;

export interface MemoryGrowth {
  mode: Mode;
  /** MB of peak memory per million input rows; null = not enough scales. */
  slopeMbPerMillionRows: number | null;
  /** Its 95% bootstrap interval, MB per million rows; null with one run per scale. */
  interval: Interval | null;
  /** Scales the fit used. */
  scales: number;
  /** By BOUNDED_GROWTH_MB_PER_MILLION_ROWS; null without an interval (no claim either way). */
  bounded: boolean | null;
}

/**
 * Peak memory growth per million input rows, per mode, over the scales where that mode passed
 * validation: the slope of the sweep's memory line (crossover.ts: base + per-row growth, its
 * interval bootstrapped from the repetitions).
 */
export function memoryGrowth(report: RunReport, mode: Mode, analysis: SweepAnalysis = analyseSweep(report)): MemoryGrowth {
  const fit = analysis.fits.memory[mode];
  const scales = analysis.sizes.filter((s) => s.memory[mode] !== undefined).length;
  const perMillion = (x: number) => x * 1e6;
  const interval = fit?.slopeInterval ? { low: perMillion(fit.slopeInterval.low), high: perMillion(fit.slopeInterval.high) } : null;
  const bounded = interval === null ? null : interval.high < BOUNDED_GROWTH_MB_PER_MILLION_ROWS;
  return { mode, slopeMbPerMillionRows: fit ? perMillion(fit.line.slope) : null, interval, scales, bounded };
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
