// The sweep's answer to "from what size does streaming pay?". Pure functions over a RunReport.
//
// Per mode and metric, a straight line over the ladder: time = fixed + per-row cost, peak memory =
// base + per-row growth. Least squares on the per-size medians, each size weighted 1/median² (the
// relative residuals are minimised), so the 7,440-row size counts as much as the 14.88 M-row one
// and the small sizes pin the fixed cost. A line is "straight enough" when every size's median lies
// within LINE_TOLERANCE of it, or within that size's own min–max spread of repetitions.
//
// The crossover of a metric is the number of input rows from which streaming's figure is below
// in-memory's at every larger size:
// - both modes' lines straight: where the lines cross, (a_s − a_i) / (b_i − b_s);
// - otherwise: between the two measured sizes that bracket the last sign change of the median
//   difference (streaming − in-memory), interpolated on log rows.
// The 95% interval comes from the repetitions: BOOTSTRAP_RESAMPLES times, every size's repetitions
// are resampled with replacement (seeded, so the same report gives the same interval), medians
// taken, the lines refitted and the crossover found again; the interval is the 2.5th and 97.5th
// percentile of those crossovers (nearest rank). A resample in which streaming wins at every size
// counts as −∞, one in which it never takes over counts as +∞: an interval end there is unbounded.
import { ALL_MODES, type Mode } from "../contract/job.ts";
import type { ModeRun, RunReport, ScaleResult } from "../records/run-report.ts";
import { median } from "../stats/statistics.ts";

export type Metric = "time" | "memory";
export const METRICS: readonly Metric[] = ["time", "memory"];

export const LINE_TOLERANCE = 0.15;
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20251001;
export const CONFIDENCE = 0.95;
/**
 * Runs per size (the fewest of any size and mode) below which no interval is given: resampling 2
 * runs can only give each size's median 3 values, so the interval shows the resampling's
 * granularity, not the noise (a sweep with --runs 2 read "194,000 rows (95%: 168k-230k)" while
 * every size near it was inconclusive on its own).
 */
export const MIN_RUNS_FOR_INTERVAL = 3;

export const LINE_RULE =
  `a straight line fits a mode when every size's median lies within ${LINE_TOLERANCE * 100}% of the line ` +
  `or within that size's own min–max spread of repetitions (needs 3 or more sizes)`;

/** One size of the ladder: each mode's values, one per validated repetition. */
export interface MetricPoint {
  scale: string;
  rows: number;
  values: Partial<Record<Mode, number[]>>;
}

export interface Line {
  /** y at 0 rows: fixed seconds, or base MB. */
  intercept: number;
  /** y per input row. */
  slope: number;
}

export interface Interval {
  /** −Infinity / +Infinity when unbounded. */
  low: number;
  high: number;
}

export interface ModeFit {
  mode: Mode;
  metric: Metric;
  /** Sizes the fit used. */
  sizes: number;
  line: Line;
  /** 95% bootstrap intervals; null with one repetition per size. */
  interceptInterval: Interval | null;
  slopeInterval: Interval | null;
  /** The size farthest from the line, relative to its median. */
  worst: { scale: string; rows: number; relative: number };
  /** false with fewer than 3 sizes: any line passes through 2 points. */
  judged: boolean;
  /** Judged and every size within the LINE_RULE. */
  straight: boolean;
  /** Sizes outside the LINE_RULE. */
  offLine: { scale: string; rows: number; relative: number }[];
}

export type CrossoverMethod = "line" | "bracket";
export type CrossoverOutcome = "crossover" | "streaming-throughout" | "no-crossover" | "not-enough-sizes";

export interface CrossoverResult {
  metric: Metric;
  outcome: CrossoverOutcome;
  method: CrossoverMethod | null;
  /** Why that method, in one sentence (names the mode whose line does not fit). */
  methodNote: string;
  /** The crossover rows, when outcome is "crossover". */
  rows: number | null;
  /** 95% interval of the crossover; null when the runs give none (one repetition per size) or there is no crossover. */
  interval: Interval | null;
  /** The measured range of sizes where both modes passed. */
  range: { minRows: number; maxRows: number } | null;
  /** Line method: where the lines cross when that is outside the measured range (an extrapolation). */
  linesCrossAt: number | null;
  /** Line method: streaming's line is below at small sizes and above at large ones. */
  reversed: boolean;
  /** Bracket method, with a crossover: the measured sizes on either side. */
  bracket: { below: { scale: string; rows: number }; above: { scale: string; rows: number } } | null;
}

export interface SweepSize {
  scale: string;
  rows: number;
  time: Partial<Record<Mode, { median: number; min: number; max: number; n: number }>>;
  memory: Partial<Record<Mode, { median: number; min: number; max: number; n: number }>>;
}

export interface SweepAnalysis {
  sizes: SweepSize[];
  fits: Record<Metric, Partial<Record<Mode, ModeFit>>>;
  crossover: Record<Metric, CrossoverResult>;
  bootstrap: { resamples: number; seed: number; confidence: number; repetitionsPerSize: number };
  lineRule: string;
  /**
   * A sweep under a list of memory limits ran every size under each: the lines are fitted on one
   * limit's sizes only, the largest (null: no limit), so that no size counts once per limit.
   * Absent when the sweep ran under one limit or none.
   */
  fittedUnderBytes?: number | null;
}

// ---- points from the report ----

/** A mode's repetitions count only when they all succeeded and passed, and the modes agree. */
function passedRuns(scale: ScaleResult, mode: Mode): ModeRun[] | null {
  const runs = scale.runs.filter((r) => r.mode === mode);
  if (runs.length === 0 || scale.modesIdentical?.verdict === "FAIL") return null;
  if (!runs.every((r) => r.status === "SUCCESS" && r.validation === "PASS")) return null;
  return runs;
}

function rowsOf(scale: ScaleResult): number {
  return scale.inputRows > 0 ? scale.inputRows : (scale.runs.find((r) => r.inputRows > 0)?.inputRows ?? 0);
}

/** The memory limit a size ran under as its runs recorded it (null: the guard, no limit); undefined when no run says (failed, or not run yet). */
function limitOf(scale: ScaleResult): number | null | undefined {
  const run = scale.runs.find((r) => r.limits);
  return run ? run.limits!.memoryLimitBytes : undefined;
}

/** The memory limit whose sizes the lines are fitted on: the largest of a list, undefined with one limit or none. */
function fittedLimit(report: RunReport): number | null | undefined {
  const limits = [...new Set(report.scales.map(limitOf).filter((l) => l !== undefined))];
  if (limits.length <= 1) return undefined;
  return limits.includes(null) ? null : Math.max(...(limits as number[]));
}

/** The report's sizes with each mode's validated values of a metric, smallest first (under a list of limits, the largest's). */
export function metricPoints(report: RunReport, metric: Metric): MetricPoint[] {
  const points: MetricPoint[] = [];
  const under = fittedLimit(report);
  for (const scale of report.scales) {
    if (under !== undefined && limitOf(scale) !== under) continue;
    const values: MetricPoint["values"] = {};
    for (const mode of ALL_MODES) {
      const runs = passedRuns(scale, mode);
      if (runs) values[mode] = runs.map((r) => (metric === "time" ? r.durationSeconds : r.peakMemoryMb));
    }
    const rows = rowsOf(scale);
    if (rows > 0 && Object.keys(values).length > 0) points.push({ scale: scale.scale, rows, values });
  }
  return points.sort((a, b) => a.rows - b.rows);
}

// ---- the line ----

/**
 * Weighted least squares of y on x, weights 1/y² (relative residuals); null with fewer than 2
 * distinct x. With sums over w: b = (Sw·Swxy − Swx·Swy) / (Sw·Swxx − Swx²), a = (Swy − b·Swx) / Sw.
 */
export function fitLine(points: readonly { x: number; y: number }[]): Line | null {
  if (new Set(points.map((p) => p.x)).size < 2) return null;
  let sw = 0;
  let swx = 0;
  let swy = 0;
  let swxx = 0;
  let swxy = 0;
  for (const { x, y } of points) {
    const w = 1 / Math.max(Math.abs(y), 1e-12) ** 2;
    sw += w;
    swx += w * x;
    swy += w * y;
    swxx += w * x * x;
    swxy += w * x * y;
  }
  const slope = (sw * swxy - swx * swy) / (sw * swxx - swx * swx);
  return { intercept: (swy - slope * swx) / sw, slope };
}

export const lineAt = (line: Line, x: number) => line.intercept + line.slope * x;

/**
 * Where streaming takes over on two lines: the smallest rows x ≥ 0 from which streaming's line is
 * below in-memory's for every larger x. −Infinity: below at every size; +Infinity: never below at
 * large sizes (parallel above, or streaming's line steeper).
 */
export function linesCrossover(inMemory: Line, streaming: Line): number {
  const da = streaming.intercept - inMemory.intercept;
  const db = streaming.slope - inMemory.slope;
  if (db < 0) {
    const x = -da / db;
    return x <= 0 ? -Infinity : x;
  }
  if (db === 0) return da < 0 ? -Infinity : Infinity;
  return Infinity;
}

/**
 * Where streaming takes over on measured medians (sizes in increasing rows): the smallest size from
 * which streaming's median is below in-memory's at that size and every larger one, interpolated on
 * log rows between that size and the one before: with d = streaming − in-memory, d_below ≥ 0 > d_above,
 * log x = log x_below + (log x_above − log x_below) · d_below / (d_below − d_above).
 * −Infinity when streaming is below at every size, +Infinity when not at the largest.
 */
export function bracketCrossover(sizes: readonly { rows: number; inMemory: number; streaming: number }[]): { rows: number; index: number } {
  if (sizes.length === 0) return { rows: Infinity, index: -1 };
  let from = sizes.length;
  while (from > 0 && sizes[from - 1].streaming < sizes[from - 1].inMemory) from--;
  if (from === sizes.length) return { rows: Infinity, index: -1 };
  if (from === 0) return { rows: -Infinity, index: 0 };
  const below = sizes[from - 1];
  const above = sizes[from];
  const dBelow = below.streaming - below.inMemory;
  const dAbove = above.streaming - above.inMemory;
  const t = dBelow / (dBelow - dAbove);
  return { rows: Math.exp(Math.log(below.rows) + t * (Math.log(above.rows) - Math.log(below.rows))), index: from };
}

// ---- bootstrap ----

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value at quantile q of the values, nearest rank (infinities allowed). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

function intervalOf(values: readonly number[]): Interval {
  const tail = (1 - CONFIDENCE) / 2;
  return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
}

/** Resampled medians per size and mode: one table per resample, same shape as the points. */
function resampledMedians(points: readonly MetricPoint[], resamples: number, seed: number): Partial<Record<Mode, number>>[][] {
  const random = seededRandom(seed);
  const out: Partial<Record<Mode, number>>[][] = [];
  for (let b = 0; b < resamples; b++) {
    out.push(
      points.map((p) => {
        const row: Partial<Record<Mode, number>> = {};
        for (const mode of ALL_MODES) {
          const values = p.values[mode];
          if (!values) continue;
          const drawn = values.map(() => values[Math.floor(random() * values.length)]);
          row[mode] = median(drawn);
        }
        return row;
      }),
    );
  }
  return out;
}

// ---- the analysis ----

function fitMode(points: readonly MetricPoint[], mode: Mode, metric: Metric, resampled: Partial<Record<Mode, number>>[][] | null): ModeFit | null {
  const used = points.map((p, i) => ({ p, i })).filter(({ p }) => p.values[mode] !== undefined);
  const line = fitLine(used.map(({ p }) => ({ x: p.rows, y: median(p.values[mode]!) })));
  if (!line) return null;
  const offsets = used.map(({ p }) => {
    const values = p.values[mode]!;
    const m = median(values);
    const residual = Math.abs(m - lineAt(line, p.rows));
    const spread = Math.max(...values) - Math.min(...values);
    return { scale: p.scale, rows: p.rows, relative: residual / m, within: residual <= Math.max(LINE_TOLERANCE * m, spread) };
  });
  const worst = offsets.reduce((a, b) => (b.relative > a.relative ? b : a));
  const judged = used.length >= 3;
  let interceptInterval: Interval | null = null;
  let slopeInterval: Interval | null = null;
  if (resampled) {
    const lines = resampled
      .map((table) => fitLine(used.map(({ p, i }) => ({ x: p.rows, y: table[i][mode]! }))))
      .filter((l): l is Line => l !== null);
    interceptInterval = intervalOf(lines.map((l) => l.intercept));
    slopeInterval = intervalOf(lines.map((l) => l.slope));
  }
  return {
    mode,
    metric,
    sizes: used.length,
    line,
    interceptInterval,
    slopeInterval,
    worst: { scale: worst.scale, rows: worst.rows, relative: worst.relative },
    judged,
    straight: judged && offsets.every((o) => o.within),
    offLine: offsets.filter((o) => !o.within).map(({ scale, rows, relative }) => ({ scale, rows, relative })),
  };
}

function crossoverOf(
  metric: Metric,
  points: readonly MetricPoint[],
  fits: Partial<Record<Mode, ModeFit>>,
  resampled: Partial<Record<Mode, number>>[][] | null,
): CrossoverResult {
  const indexed = points.map((p, i) => ({ p, i })).filter(({ p }) => p.values["in-memory"] && p.values.streaming);
  const none: CrossoverResult = {
    metric,
    outcome: "not-enough-sizes",
    method: null,
    methodNote: "",
    rows: null,
    interval: null,
    range: null,
    linesCrossAt: null,
    reversed: false,
    bracket: null,
  };
  if (indexed.length === 0) return { ...none, methodNote: "no size has both modes passing validation" };
  const range = { minRows: indexed[0].p.rows, maxRows: indexed[indexed.length - 1].p.rows };
  if (indexed.length < 2) return { ...none, range, methodNote: "a crossover needs at least 2 sizes with both modes passing validation" };

  const both = (medianOf: (i: number, mode: Mode) => number) =>
    indexed.map(({ p, i }) => ({ rows: p.rows, inMemory: medianOf(i, "in-memory"), streaming: medianOf(i, "streaming") }));
  const fitOf = (medianOf: (i: number, mode: Mode) => number, mode: Mode) =>
    fitLine(indexed.map(({ p, i }) => ({ x: p.rows, y: medianOf(i, mode) })));
  const measured = (i: number, mode: Mode) => median(points[i].values[mode]!);

  const fi = fits["in-memory"];
  const fs = fits.streaming;
  const crooked = [fi, fs].filter((f): f is ModeFit => f !== undefined && f.judged && !f.straight);
  const method: CrossoverMethod = crooked.length === 0 ? "line" : "bracket";
  const describe = (f: ModeFit) =>
    `${f.mode} (${f.offLine.map((o) => `${o.scale} ${(o.relative * 100).toFixed(0)}% off`).join(", ")})`;
  const methodNote =
    method === "bracket"
      ? `a straight line does not fit ${crooked.map(describe).join(" or ")}, so the crossover is taken between the measured sizes that bracket it`
      : indexed.length < 3
        ? "only 2 sizes: the lines pass through both, too few to judge whether they are straight"
        : "a straight line fits both modes";

  const position = (medianOf: (i: number, mode: Mode) => number): number => {
    if (method === "bracket") return bracketCrossover(both(medianOf)).rows;
    const li = fitOf(medianOf, "in-memory");
    const ls = fitOf(medianOf, "streaming");
    return li && ls ? linesCrossover(li, ls) : NaN;
  };

  const rows = position(measured);
  let linesCrossAt: number | null = null;
  let reversed = false;
  if (method === "line") {
    const li = fitOf(measured, "in-memory")!;
    const ls = fitOf(measured, "streaming")!;
    const db = ls.slope - li.slope;
    if (db > 0 && ls.intercept < li.intercept) {
      reversed = true;
      linesCrossAt = (li.intercept - ls.intercept) / db;
    } else if (Number.isFinite(rows) && (rows < range.minRows || rows > range.maxRows)) linesCrossAt = rows;
  }
  let outcome: CrossoverOutcome;
  if (rows < range.minRows) outcome = "streaming-throughout";
  else if (rows > range.maxRows || Number.isNaN(rows)) outcome = "no-crossover";
  else outcome = "crossover";

  let bracket: CrossoverResult["bracket"] = null;
  if (method === "bracket" && outcome === "crossover") {
    const at = bracketCrossover(both(measured)).index;
    bracket = {
      below: { scale: indexed[at - 1].p.scale, rows: indexed[at - 1].p.rows },
      above: { scale: indexed[at].p.scale, rows: indexed[at].p.rows },
    };
  }
  let interval: Interval | null = null;
  if (resampled && outcome === "crossover") {
    interval = intervalOf(resampled.map((table) => position((i, mode) => table[i][mode]!)).filter((x) => !Number.isNaN(x)));
  }
  return {
    metric,
    outcome,
    method,
    methodNote,
    rows: outcome === "crossover" ? rows : null,
    interval,
    range,
    linesCrossAt,
    reversed,
    bracket,
  };
}

function sizeStats(values: number[] | undefined) {
  if (!values || values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** The fits and crossovers of a sweep's report (any report with sizes works). */
export function analyseSweep(report: RunReport, options: { resamples?: number; seed?: number } = {}): SweepAnalysis {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? BOOTSTRAP_SEED;
  const byMetric = { time: metricPoints(report, "time"), memory: metricPoints(report, "memory") };
  // the fewest runs any size and mode has: an interval needs that many everywhere
  const counts = byMetric.time.flatMap((p) => Object.values(p.values).map((v) => v!.length));
  const repetitions = counts.length > 0 ? Math.min(...counts) : 0;
  const fits = { time: {}, memory: {} } as SweepAnalysis["fits"];
  const crossover = {} as SweepAnalysis["crossover"];
  for (const metric of METRICS) {
    const points = byMetric[metric];
    // With fewer runs per size the resamples cannot show the noise (MIN_RUNS_FOR_INTERVAL): no interval to give.
    const resampled = repetitions >= MIN_RUNS_FOR_INTERVAL ? resampledMedians(points, resamples, seed) : null;
    for (const mode of ALL_MODES) {
      const fit = fitMode(points, mode, metric, resampled);
      if (fit) fits[metric][mode] = fit;
    }
    crossover[metric] = crossoverOf(metric, points, fits[metric], resampled);
  }
  const sizes: SweepSize[] = byMetric.time.map((p) => {
    const memory = byMetric.memory.find((m) => m.scale === p.scale)!;
    const time: SweepSize["time"] = {};
    const mem: SweepSize["memory"] = {};
    for (const mode of ALL_MODES) {
      const t = sizeStats(p.values[mode]);
      const m = sizeStats(memory.values[mode]);
      if (t) time[mode] = t;
      if (m) mem[mode] = m;
    }
    return { scale: p.scale, rows: p.rows, time, memory: mem };
  });
  const under = fittedLimit(report);
  return {
    sizes,
    fits,
    crossover,
    bootstrap: { resamples, seed, confidence: CONFIDENCE, repetitionsPerSize: repetitions },
    lineRule: LINE_RULE,
    ...(under !== undefined ? { fittedUnderBytes: under } : {}),
  };
}

/** summary.json's derived.crossover: {rows, low, high} per metric, null when there is no crossover in range; an unbounded end is null. */
export function crossoverFigures(analysis: SweepAnalysis): Record<Metric, { rows: number; low: number | null; high: number | null } | null> {
  const one = (c: CrossoverResult) => {
    if (c.outcome !== "crossover" || c.rows === null) return null;
    const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    return { rows: c.rows, low: finite(c.interval?.low), high: finite(c.interval?.high) };
  };
  return { time: one(analysis.crossover.time), memory: one(analysis.crossover.memory) };
}
