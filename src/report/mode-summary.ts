// The run's records -> one summary per (scale, mode): median with min and max, outliers, status and
// validation; and the back-to-back pairs a ratio's interval is taken over. The arithmetic itself
// (median, Tukey's fences, the Student t interval) is in src/stats/statistics.ts.
import { ALL_MODES, type Mode } from "../contract/job.ts";
import type { ModeRun, RunReport, ScaleResult } from "../records/run-report.ts";
import { median, outlierIndexes, stat, type RunPair, type Stat } from "../stats/statistics.ts";

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
  /** Repetitions recorded, warm-ups not counted. */
  runs: number;
  /** Warm-up runs discarded (validated, but in no figure). */
  warmups: number;
  /** SUCCESS when every repetition succeeded; OOM / TIMEOUT when its limits ended one (figures: the killed runs'). */
  status: ModeRun["status"];
  /** FAIL if any repetition failed validation; else PASS if any was validated; else NOT_RUN; n/a when killed. */
  validation: ModeRun["validation"];
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

/** The repetitions that count: every run but the warm-ups. */
export function measuredRuns<T extends Pick<ModeRun, "warmup">>(runs: readonly T[]): T[] {
  return runs.filter((r) => r.warmup !== true);
}

export function summariseMode(scale: string, mode: Mode, allRuns: readonly ModeRun[]): ModeSummary | undefined {
  const measured = measuredRuns(allRuns);
  // A warm-up that failed or crashed stops the run before any measured one: it is then the only
  // record of the mode, and it must show as FAILED or FAIL rather than as "did not run".
  // Likewise a warm-up its limits ended (OOM, TIMEOUT): the mode is not run again at that scale.
  const brokenWarmup = allRuns.some((r) => r.warmup === true && (r.status === "FAILED" || r.validation === "FAIL" || r.status === "OOM" || r.status === "TIMEOUT"));
  const runs = measured.length > 0 || !brokenWarmup ? measured : [...allRuns];
  if (runs.length === 0) return undefined;
  const ok = runs.filter((r) => r.status === "SUCCESS");
  const killed = runs.filter((r) => r.status === "OOM" || r.status === "TIMEOUT");
  // a mode its limits ended is that outcome, with the peak it reached and the time until the kill
  const used = killed.length > 0 ? killed : ok.length > 0 ? ok : runs;
  const durations = used.map((r) => r.durationSeconds);
  const memory = used.map((r) => r.peakMemoryMb);
  const outliers: Outlier[] = [];
  const dMed = median(durations);
  const mMed = median(memory);
  for (const i of outlierIndexes(durations)) outliers.push({ rep: used[i].rep, metric: "duration", value: durations[i], median: dMed });
  for (const i of outlierIndexes(memory)) outliers.push({ rep: used[i].rep, metric: "peak memory", value: memory[i], median: mMed });
  // Any FAIL fails; otherwise PASS when at least one repetition was validated (a crashed
  // repetition has NOT_RUN and shows in status instead).
  const validation = allRuns.some((r) => r.validation === "FAIL")
    ? "FAIL"
    : runs.some((r) => r.validation === "PASS")
      ? "PASS"
      : "NOT_RUN";
  return {
    scale,
    mode,
    runs: runs.length,
    warmups: allRuns.filter((r) => r.warmup === true).length,
    status: killed.some((r) => r.status === "OOM") ? "OOM" : killed.length > 0 ? "TIMEOUT" : ok.length === runs.length && !brokenWarmup ? "SUCCESS" : "FAILED",
    validation: killed.length > 0 && validation !== "FAIL" ? "n/a" : validation,
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
  return ALL_MODES.filter((m) => report.scales.some((s) => s.runs.some((r) => r.mode === m)));
}

export function modeSummary(scale: ScaleResult, mode: Mode): ModeSummary | undefined {
  return summariseMode(scale.scale, mode, scale.runs.filter((r) => r.mode === mode));
}

/** The most repetitions any (scale, mode) has. */
export function runsPerMode(report: RunReport): number {
  let n = 0;
  for (const s of report.scales) for (const m of ALL_MODES) n = Math.max(n, measuredRuns(s.runs).filter((r) => r.mode === m).length);
  return n;
}

/** The most warm-up runs any (scale, mode) has. */
export function warmupsPerMode(report: RunReport): number {
  let n = 0;
  for (const s of report.scales) for (const m of ALL_MODES) n = Math.max(n, s.runs.filter((r) => r.mode === m && r.warmup === true).length);
  return n;
}
/**
 * Pairs of a (scale) by repetition: measured, successful runs present in both modes, in rep order.
 * Repetition k of every mode runs in the same round of the interleaved order, so a pair shares its
 * conditions whichever two modes it compares.
 */
export function pairRuns(runs: readonly ModeRun[], value: (run: ModeRun) => number, base: Mode = "in-memory", other: Mode = "streaming"): RunPair[] {
  const ok = measuredRuns(runs).filter((r) => r.status === "SUCCESS");
  const pairs: RunPair[] = [];
  for (const b of ok.filter((r) => r.mode === base).sort((x, y) => x.rep - y.rep)) {
    const o = ok.find((r) => r.mode === other && r.rep === b.rep);
    if (o) pairs.push({ rep: b.rep, base: value(b), other: value(o) });
  }
  return pairs;
}
