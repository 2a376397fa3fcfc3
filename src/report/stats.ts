// Repetitions -> one figure per (scale, mode): median with min and max, and outlier flags.
//
// Outlier rule: a repetition's value x is an outlier when |x - median| > 1.5 * MAD, where
// MAD = median(|x_i - median|), AND |x - median| > 5% of |median|. The second condition keeps
// sub-percent noise from being flagged when the MAD is 0 (e.g. two identical runs and a third one
// slightly off). Needs at least 3 repetitions; applied to duration and to peak memory separately.
import { MODES, type Mode, type ModeRun, type RunReport, type ScaleResult } from "./model.ts";

export const OUTLIER_MAD_FACTOR = 1.5;
export const OUTLIER_MIN_RELATIVE = 0.05;
export const OUTLIER_RULE =
  `a repetition is an outlier when it lies more than ${OUTLIER_MAD_FACTOR} × MAD ` +
  `(median absolute deviation) and more than ${OUTLIER_MIN_RELATIVE * 100}% away from the median ` +
  `of its (scale, mode); checked for duration and peak memory with 3 or more runs`;

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
  if (values.length < 3) return [];
  const med = median(values);
  const mad = median(values.map((v) => Math.abs(v - med)));
  const out: number[] = [];
  values.forEach((v, i) => {
    const dev = Math.abs(v - med);
    if (dev > OUTLIER_MAD_FACTOR * mad && dev > OUTLIER_MIN_RELATIVE * Math.abs(med)) out.push(i);
  });
  return out;
}

export interface Outlier {
  rep: number;
  metric: "duration" | "peak memory";
  value: number;
  median: number;
}

/** One (scale, mode) over its repetitions. */
export interface ModeSummary {
  scale: string;
  mode: Mode;
  /** Repetitions recorded. */
  runs: number;
  /** SUCCESS when every repetition succeeded. */
  status: "SUCCESS" | "FAILED";
  /** FAIL if any repetition failed validation; else PASS if any was validated; else NOT_RUN. */
  validation: "PASS" | "FAIL" | "NOT_RUN";
  /** Figures over the successful repetitions (all of them when none succeeded). */
  duration: Stat;
  peakMemoryMb: Stat;
  cpuSeconds: Stat;
  throughput: Stat;
  inputRows: number;
  outputRows: number;
  engine: string;
  outliers: Outlier[];
}

/** A mode's figures count in comparisons and charts only when every run succeeded and passed validation. */
export function validated(m: ModeSummary | undefined): m is ModeSummary {
  return m !== undefined && m.status === "SUCCESS" && m.validation === "PASS";
}

export function summariseMode(scale: string, mode: Mode, runs: readonly ModeRun[]): ModeSummary | undefined {
  if (runs.length === 0) return undefined;
  const ok = runs.filter((r) => r.status === "SUCCESS");
  const used = ok.length > 0 ? ok : runs;
  const durations = used.map((r) => r.durationSeconds);
  const memory = used.map((r) => r.peakMemoryMb);
  const outliers: Outlier[] = [];
  const dMed = median(durations);
  const mMed = median(memory);
  for (const i of outlierIndexes(durations)) outliers.push({ rep: used[i].rep, metric: "duration", value: durations[i], median: dMed });
  for (const i of outlierIndexes(memory)) outliers.push({ rep: used[i].rep, metric: "peak memory", value: memory[i], median: mMed });
  // Any FAIL fails; otherwise PASS when at least one repetition was validated (a crashed
  // repetition has NOT_RUN and shows in status instead).
  const validation = runs.some((r) => r.validation === "FAIL")
    ? "FAIL"
    : runs.some((r) => r.validation === "PASS")
      ? "PASS"
      : "NOT_RUN";
  return {
    scale,
    mode,
    runs: runs.length,
    status: ok.length === runs.length ? "SUCCESS" : "FAILED",
    validation,
    duration: stat(durations),
    peakMemoryMb: stat(memory),
    cpuSeconds: stat(used.map((r) => r.cpuUserSeconds + r.cpuSystemSeconds)),
    throughput: stat(used.map((r) => r.throughputRowsPerSecond)),
    inputRows: Math.round(median(used.map((r) => r.inputRows))),
    outputRows: Math.round(median(used.map((r) => r.outputRows))),
    engine: used[0].engine,
    outliers,
  };
}

/** Every (scale, mode) that ran, scales in report order, in-memory before streaming. */
export function summariseReport(report: RunReport): ModeSummary[] {
  const out: ModeSummary[] = [];
  for (const s of report.scales) {
    for (const mode of modesOf(report)) {
      const m = summariseMode(s.scale, mode, s.runs.filter((r) => r.mode === mode));
      if (m) out.push(m);
    }
  }
  return out;
}

/** The modes that appear anywhere in the report, in canonical order. */
export function modesOf(report: RunReport): Mode[] {
  return MODES.filter((m) => report.scales.some((s) => s.runs.some((r) => r.mode === m)));
}

export function modeSummary(scale: ScaleResult, mode: Mode): ModeSummary | undefined {
  return summariseMode(scale.scale, mode, scale.runs.filter((r) => r.mode === mode));
}

/** The most repetitions any (scale, mode) has. */
export function runsPerMode(report: RunReport): number {
  let n = 0;
  for (const s of report.scales) for (const m of MODES) n = Math.max(n, s.runs.filter((r) => r.mode === m).length);
  return n;
}
