// Repetitions -> one figure per (scale, mode): median with min and max, and outlier flags.
//
// Outlier rule (Tukey's fences): with the quartiles Q1 and Q3 taken as Tukey's hinges (the
// medians of the lower and upper half, the middle value in both halves when the count is odd), a
// repetition's value x is an outlier when it lies more than 1.5 × (Q3 − Q1) below Q1 or above Q3,
// AND |x - median| > 5% of |median|. Needs at least 5 repetitions. Why: the earlier rule (1.5 × MAD
// from the median, from 3 runs on) flagged 2 of 4 in-memory runs at small (0.229 s against a median
// of 0.255 s): with 3 or 4 runs the MAD is one or two of the runs themselves, and a rule that calls
// half the runs outliers is noise. A fence sits beyond a quartile, so at most the quarter of the runs
// outside it on each side can ever be flagged, and with fewer than 5 runs the hinges are the
// extreme runs themselves. The 5% floor keeps sub-percent noise from being flagged when Q1 = Q3
// (e.g. four identical runs and a fifth slightly off). Applied to duration and peak memory separately.
//
// No I/O and nothing of the project: report/, run/, compare/, output/ and tui/ all take their
// statistics from here (ARCHITECTURE.md, src/stats/).

export const OUTLIER_FENCE = 1.5;
export const OUTLIER_MIN_RELATIVE = 0.05;
export const OUTLIER_MIN_RUNS = 5;
export const OUTLIER_RULE =
  `a repetition is an outlier when it lies more than ${OUTLIER_FENCE} × the interquartile range below the lower ` +
  `or above the upper quartile (Tukey's fences, quartiles as Tukey's hinges) and more than ${OUTLIER_MIN_RELATIVE * 100}% away from the median ` +
  `of its (scale, mode); checked for duration and peak memory with ${OUTLIER_MIN_RUNS} or more runs (with fewer, the quartiles are the extreme runs themselves)`;

export interface Stat {
  median: number;
  min: number;
  max: number;
  /** Values the figure is taken over. */
  n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Indexes of the values that are outliers under OUTLIER_RULE. */
export function outlierIndexes(values: readonly number[]): number[] {
  if (values.length < OUTLIER_MIN_RUNS) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.ceil(sorted.length / 2);
  const q1 = median(sorted.slice(0, half));
  const q3 = median(sorted.slice(sorted.length - half));
  const reach = OUTLIER_FENCE * (q3 - q1);
  const med = median(values);
  const out: number[] = [];
  values.forEach((v, i) => {
    const beyondFence = v < q1 - reach || v > q3 + reach;
    if (beyondFence && Math.abs(v - med) > OUTLIER_MIN_RELATIVE * Math.abs(med)) out.push(i);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// How sure a ratio is: a 95% interval for streaming ÷ in-memory, from the repetitions.
//
// Method, and why not a percentile bootstrap: the runs are interleaved (A B B A ...), so run k of
// in-memory and run k of streaming ran back to back under the same machine conditions; a drift
// that slows the machine slows both. The ratio of a pair, r_k = streaming_k ÷ in-memory_k, has
// that drift cancelled, and the spread of log(r_k) across pairs is the noise a ratio carries.
// With the default 3 runs a percentile bootstrap cannot give an honest 95% interval: its interval
// can never be wider than the range of the data, and the range of 3 values covers their median
// only 1 − 2 × (1/2)^3 = 75% of the time; it would state more certainty than 3 runs have. A
// Student t interval with n − 1 degrees of freedom is the textbook small-sample answer (t = 4.30
// for 3 pairs, not 1.96), is deterministic (the same data always give the same interval, no seed)
// and narrows as runs are added, so it also says how many runs would settle a verdict.
//
//   s    = sample standard deviation of log(r_k) over the n pairs
//   half = t(0.975, n − 1) × s ÷ √n
//   interval = ratio of medians × [exp(−half), exp(+half)]
//
// Log scale, so "1.2× faster" and "1.2× slower" are equally far from 1. The interval is centred on
// the ratio of the medians, the figure the report's table shows, so the figure always lies inside.
// It assumes the log ratios scatter roughly normally; an outlier widens s and so the interval,
// which errs towards "inconclusive", never towards a winner.
// ---------------------------------------------------------------------------------------------

export const INTERVAL_METHOD =
  "95% Student t interval (n − 1 degrees of freedom) of the log ratio over the paired runs " +
  "(run k of in-memory and run k of streaming ran back to back), centred on the ratio of the medians";

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30 (standard tables). */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** t(0.975, df): the table up to 30, beyond it the Cornish-Fisher expansion around z = 1.959964 (error < 1e-4). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / df ** 2;
}

/** Sample standard deviation (n − 1); NaN below 2 values. */
export function sampleSd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
}

/** One back-to-back pair: the same repetition of two modes (in-memory and streaming unless said). */
export interface RunPair {
  rep: number;
  /** The figure of the mode compared against (in-memory by default). */
  base: number;
  /** The figure of the mode compared (streaming by default): ratios are other ÷ base. */
  other: number;
}

export interface RatioEstimate {
  /** Streaming median ÷ in-memory median. */
  ratio: number;
  /** 95% interval of the ratio; null with fewer than 2 pairs (no spread to measure). */
  interval: { lo: number; hi: number } | null;
  /** Pairs the interval is taken over. */
  pairs: number;
  /** Standard deviation of log(streaming_k ÷ in-memory_k) over the pairs; NaN below 2 pairs. */
  logSd: number;
}

/** The ratio of medians of streaming to in-memory, with its 95% interval from the paired runs (see above). */
export function ratioEstimate(pairs: readonly RunPair[]): RatioEstimate {
  const ratio = median(pairs.map((p) => p.other)) / median(pairs.map((p) => p.base));
  const logs = pairs.map((p) => Math.log(p.other / p.base));
  const n = pairs.length;
  const logSd = sampleSd(logs);
  if (n < 2 || !Number.isFinite(logSd) || !Number.isFinite(ratio) || ratio <= 0) return { ratio, interval: null, pairs: n, logSd };
  const half = intervalHalfWidth(logSd, n);
  return { ratio, interval: { lo: ratio * Math.exp(-half), hi: ratio * Math.exp(half) }, pairs: n, logSd };
}

/** Half-width, on the log scale, of the 95% interval from n pairs whose log ratios spread by sd. */
export function intervalHalfWidth(logSd: number, n: number): number {
  return (tQuantile975(n - 1) * logSd) / Math.sqrt(n);
}

/** Runs are not added beyond this when estimating how many would settle a verdict. */
export const MAX_RUNS_TO_SETTLE = 100;

/**
 * How many runs per mode would likely narrow the interval enough to fall wholly on one side of
 * the band edge nearest to the ratio (beyond it: a winner; inside it: comparable), assuming the
 * ratio and the spread stay as measured: the smallest n with t(0.975, n − 1) × sd ÷ √n below the
 * distance, on the log scale, from the ratio to that edge. null when no number up to
 * MAX_RUNS_TO_SETTLE would (the ratio lies close to the edge, or the runs scatter widely for its
 * distance from it), or without a spread to go by.
 */
export function runsToSettle(estimate: RatioEstimate, band: number): number | null {
  const edge = Math.log(1 + band);
  const distance = Math.abs(Math.abs(Math.log(estimate.ratio)) - edge);
  // Without two pairs there is no spread to go by: 3 runs is the least that gives a usable interval.
  if (estimate.pairs < 2) return 3;
  if (!Number.isFinite(estimate.logSd) || !(distance > 0)) return null;
  for (let n = estimate.pairs + 1; n <= MAX_RUNS_TO_SETTLE; n++) {
    if (intervalHalfWidth(estimate.logSd, n) < distance) return n;
  }
  return null;
}

