// How sure a change between two runs is: NEW ÷ BASE of one figure, from two INDEPENDENT samples
// (the repetitions of one (scale, mode) in an earlier run and in a later one).
//
// Method: the Hodges-Lehmann shift with its exact Mann-Whitney (Wilcoxon rank-sum) 95% interval,
// on log values, so the shift is a ratio and "1.2× faster" and "1.2× slower" are equally far from 1.
//   d_ij     = log(new_j) − log(base_i) for every pair of a base run i and a new run j (n × m values)
//   estimate = exp(median of d_ij)
//   interval = exp([d_(c+1), d_(nm−c)]) over the sorted d, c the largest U with P(U <= c) <= 2.5%
//              under the exact null distribution of the Mann-Whitney U for sizes n and m
//              (a normal approximation beyond 400 pairs, where it is good to a rank)
//
// Why this and not the paired Student t of stats.ts: two runs of streambench are not paired. Run k
// of the baseline and run k of the new run did not share the machine's conditions (they ran hours
// or machines apart), so there is no drift to cancel and no pair to take a ratio of.
// Why not a percentile bootstrap of the ratio of medians: with 3-5 runs a side its interval can
// never be wider than what the resampled medians reach, and the median of 3 values is one of them,
// so it states far more certainty than 3 runs have (stats.ts works the same case through).
// Why not a two-sample t (Welch) throughout: it assumes normal log values, and one slow run on a
// shared machine (a long tail, the usual shape of timings) drags the mean and the spread with it;
// the rank interval depends only on the order of the differences, so one wild run moves it by one
// rank at most. It is the test Go's benchstat uses for the same question. 4 against 4 gives the
// range of the 16 differences (97.1%, as 1 − 2/70 is the closest to 95% from above). Ties
// (identical peaks) only make it wider than stated, towards "inconclusive", never a verdict.
//
// Below that no rank interval reaches 95%: 3 against 3 runs (the first rounds of --runs auto) can
// reach at most 90% (the most extreme of the C(6,3) = 20 orderings has probability 1/20 on each
// side), 3 against 4 at most 94.3% (2/35). There, and only there, the interval is Welch's t on the
// log values, centred on the Hodges-Lehmann estimate: it assumes the log timings scatter roughly
// normally (the assumption stats.ts's paired interval makes), and with 2-4 degrees of freedom its
// t of 2.78-4.30 keeps it wide, so a verdict at 3 runs a side needs a clear change (a doubling
// with 10% noise: 1.6×-2.5×), and a wild run widens it towards "inconclusive".
//   se = √(sd_base² ÷ n + sd_new² ÷ m) over the log values, df by Welch-Satterthwaite (rounded down)
//   interval = HL × exp(± t(0.975, df) × se)
import { median, sampleSd, tQuantile975 } from "../stats/statistics.ts";
import type { IntervalMethod } from "../records/baseline-comparison.ts";

/** Exact distribution used up to this many pairs (n × m); the normal approximation beyond. */
const EXACT_MAX_PAIRS = 400;
/** One-sided tail of a two-sided 95% interval. */
const TAIL = 0.025;
/** More runs than this a side are not suggested. */
export const MAX_RUNS_A_SIDE = 100;
/** The fewest runs a side with which an equal-sized Mann-Whitney interval reaches 95% (4 × 4: 97.1%). */
export const MIN_RUNS_A_SIDE = 4;

export interface ShiftEstimate {
  /** median(new) ÷ median(base): the figure the tables show. */
  ratio: number;
  /** Hodges-Lehmann estimate of the ratio: exp(median of the pairwise log differences). */
  hodgesLehmann: number;
  /** 95% interval of the ratio; null below 2 runs a side, or when a value is not positive. */
  interval: { lo: number; hi: number } | null;
  /** How the interval was taken (records/baseline-comparison.ts IntervalMethod). */
  method: IntervalMethod;
  baseRuns: number;
  newRuns: number;
}

/**
 * Number of orderings of n x's and m y's with U = u (U counts the (x, y) pairs with y before x),
 * for u = 0 .. n·m, by the recurrence on the largest value: either an x (the j y's all lie below
 * it, adding j to U) or a y (adding nothing).
 */
export function mannWhitneyCounts(n: number, m: number): number[] {
  // ways[j][u] for the current i; start with i = 0: one ordering, U = 0, for every j.
  let prev: number[][] = Array.from({ length: m + 1 }, () => [1]);
  for (let i = 1; i <= n; i++) {
    const cur: number[][] = [];
    for (let j = 0; j <= m; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      for (let u = 0; u < size; u++) {
        const lastX = u - j >= 0 ? (prev[j][u - j] ?? 0) : 0; // the largest is an x: j y's below it
        const lastY = j > 0 ? (cur[j - 1][u] ?? 0) : 0; // the largest is a y
        row[u] = lastX + lastY;
      }
      cur.push(row);
    }
    prev = cur;
  }
  return prev[m];
}

/** The largest c with P(U <= c) <= 2.5% for sizes n and m; −1 when even U = 0 is more likely than that. */
export function lowerCriticalU(n: number, m: number): number {
  if (n < 1 || m < 1) return -1;
  if (n * m > EXACT_MAX_PAIRS) {
    const sd = Math.sqrt((n * m * (n + m + 1)) / 12);
    return Math.floor((n * m) / 2 - 1.959964 * sd - 0.5);
  }
  const counts = mannWhitneyCounts(n, m);
  const total = counts.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let c = -1;
  for (let u = 0; u < counts.length; u++) {
    cumulative += counts[u];
    if (cumulative / total > TAIL) break;
    c = u;
  }
  return c;
}

/** NEW ÷ BASE of one figure from two independent samples, with its 95% interval (see above). */
export function shiftEstimate(base: readonly number[], next: readonly number[]): ShiftEstimate {
  const ratio = median(next) / median(base);
  const out: ShiftEstimate = { ratio, hodgesLehmann: NaN, interval: null, method: null, baseRuns: base.length, newRuns: next.length };
  if (base.length === 0 || next.length === 0 || [...base, ...next].some((v) => !(v > 0) || !Number.isFinite(v))) return out;
  const diffs: number[] = [];
  for (const b of base) for (const x of next) diffs.push(Math.log(x) - Math.log(b));
  diffs.sort((a, b) => a - b);
  const hodgesLehmann = Math.exp(median(diffs));
  const c = lowerCriticalU(base.length, next.length);
  if (c >= 0) return { ...out, hodgesLehmann, interval: { lo: Math.exp(diffs[c]), hi: Math.exp(diffs[diffs.length - 1 - c]) }, method: "Mann-Whitney" };
  const half = welchHalfWidth(base.map(Math.log), next.map(Math.log));
  if (half === null) return { ...out, hodgesLehmann };
  return { ...out, hodgesLehmann, interval: { lo: hodgesLehmann * Math.exp(-half), hi: hodgesLehmann * Math.exp(half) }, method: "Welch t" };
}

/** t(0.975, df) × se of the difference of two means, df by Welch-Satterthwaite rounded down; null below 2 values a side. */
export function welchHalfWidth(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const va = sampleSd(a) ** 2 / a.length;
  const vb = sampleSd(b) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return 0;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return tQuantile975(Math.max(1, Math.floor(df))) * se;
}

/**
 * Runs a side that would likely settle a verdict left inconclusive: the fewest k (at least
 * MIN_RUNS_A_SIDE and more than either side has) at which an interval of the spread measured,
 * approximated as t(0.975, 2k − 2) × √((sd_base² + sd_new²) ÷ k) on the log scale, no longer
 * reaches the band edge nearest to the estimate. null when no k up to MAX_RUNS_A_SIDE would (the
 * change lies close to the edge) or there is no spread to go by.
 */
export function runsToSettleShift(base: readonly number[], next: readonly number[], estimate: ShiftEstimate, band: number): number | null {
  const least = Math.max(MIN_RUNS_A_SIDE, Math.max(base.length, next.length) + 1);
  if (base.length < 2 || next.length < 2) return least;
  const logSd = (xs: readonly number[]) => sampleSd(xs.filter((x) => x > 0).map(Math.log));
  const spread = Math.sqrt(logSd(base) ** 2 + logSd(next) ** 2);
  const centre = Math.log(Number.isFinite(estimate.hodgesLehmann) ? estimate.hodgesLehmann : estimate.ratio);
  const distance = Math.abs(Math.abs(centre) - Math.log(1 + band));
  if (!Number.isFinite(spread) || !(distance > 0)) return null;
  for (let k = least; k <= MAX_RUNS_A_SIDE; k++) {
    if ((tQuantile975(2 * k - 2) * spread) / Math.sqrt(k) < distance) return k;
  }
  return null;
}
