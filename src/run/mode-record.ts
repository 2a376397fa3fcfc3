// The record of one mode run (records/run-report.ts ModeRun) from what the run measured, and the record
// of a mode run that broke before it had figures (it shows in the reports as FAILED).
import type { JobReport, Mode } from "../contract/job.ts";
import type { MemorySample } from "../child/spawn.ts";
import type { ModeRun, RunLimits } from "../records/run-report.ts";
import type { LimitKill } from "../child/limit-enforcement.ts";
import type { ValidationResult } from "../validate/compare.ts";

const MB = 1024 * 1024;

export interface ModeMeasurements {
  scale: string;
  mode: Mode;
  rep: number;
  /** A warm-up run: validated and recorded, left out of every figure. */
  warmup: boolean;
  job: JobReport;
  samples: MemorySample[];
  validation: ValidationResult;
  /** Seconds the parent spent writing to PostgreSQL, validating, and on the whole mode run. */
  writeSeconds: number;
  validateSeconds: number;
  totalSeconds: number;
  /** The limits the child ran under, if any. */
  limits?: RunLimits;
}

/** Points of a run's memory curve kept in summary.json: dense sampling of a long run is thinned to this. */
export const MAX_SERIES_POINTS = 1000;

/** At most `max` samples, in order: each bucket of consecutive samples keeps its highest RSS, so the curve keeps its peaks. */
export function thinSamples(samples: readonly MemorySample[], max: number): MemorySample[] {
  if (samples.length <= max) return [...samples];
  const size = Math.ceil(samples.length / max);
  const out: MemorySample[] = [];
  for (let i = 0; i < samples.length; i += size) {
    out.push(samples.slice(i, i + size).reduce((a, b) => (b.rssBytes > a.rssBytes ? b : a)));
  }
  return out;
}

export const maxDiff = (result: ValidationResult) => ({ abs: result.maxAbsDiff, rel: result.maxRelDiff });

export function modeRunRecord(m: ModeMeasurements): ModeRun {
  const { job, samples } = m;
  const durationSeconds = job.timings.total / 1000;
  return {
    scale: m.scale,
    mode: m.mode,
    rep: m.rep,
    ...(m.warmup ? { warmup: true } : {}),
    status: "SUCCESS",
    validation: m.validation.verdict,
    durationSeconds,
    phases: {
      start: job.timings.ready / 1000,
      read: job.timings.read / 1000,
      plan: job.timings.plan / 1000,
      execute: job.timings.execute / 1000,
      aggregate: job.timings.aggregate / 1000,
      output: job.timings.write / 1000,
      write: m.writeSeconds,
      validate: m.validateSeconds,
      total: m.totalSeconds,
    },
    peakMemoryMb: (job.maxRSSKb * 1024) / MB,
    baselineMemoryMb: samples.length > 0 ? samples[0].rssBytes / MB : 0,
    peakAnonMemoryMb: samples.length > 0 ? Math.max(...samples.map((s) => s.rssAnonBytes)) / MB : undefined,
    cpuUserSeconds: job.cpu.user / 1e6,
    cpuSystemSeconds: job.cpu.system / 1e6,
    inputRows: job.rowsIn.pod,
    inputRowsByType: { ...job.rowsIn },
    outputRows: job.rowsOut,
    throughputRowsPerSecond: durationSeconds > 0 ? job.rowsIn.pod / durationSeconds : 0,
    memorySeries: thinSamples(samples, MAX_SERIES_POINTS).map((s) => ({ tMs: s.tMs, rssMb: s.rssBytes / MB })),
    engine: job.engine,
    ...(job.memoryMeasured !== undefined ? { memoryMeasured: job.memoryMeasured } : {}),
    ...(job.threads !== undefined ? { threads: job.threads } : {}),
    ...(job.engineSettings !== undefined ? { engineSettings: job.engineSettings } : {}),
    ...(job.timings.load !== undefined ? { loadSeconds: job.timings.load / 1000 } : {}),
    ...(job.timings.serverStart !== undefined ? { serverStartSeconds: job.timings.serverStart / 1000 } : {}),
    maxDiff: maxDiff(m.validation),
    ...(m.limits ? { limits: m.limits } : {}),
  };
}

/**
 * The record of a child its limits ended: OOM or TIMEOUT, no validation ("n/a"), the peak it reached
 * and the time until the kill as its figures (SUMMARY.csv's peak and duration columns).
 */
export function limitRun(scale: string, mode: Mode, rep: number, warmup: boolean, kill: LimitKill, limits: RunLimits | undefined, inputRows: number): ModeRun {
  const peakMemoryMb = kill.peakBytes / MB;
  const secondsUntilKill = kill.untilKillMs / 1000;
  return {
    ...failedRun(scale, mode, rep, warmup, `${kill.outcome}: ended by its limits after ${secondsUntilKill.toFixed(2)} s (${kill.enforcement})`),
    status: kill.outcome,
    validation: "n/a",
    durationSeconds: secondsUntilKill,
    peakMemoryMb,
    // the rows it was given (it read some of them before the kill)
    inputRows,
    engine: mode,
    kill: { outcome: kill.outcome, peakMemoryMb, secondsUntilKill },
    ...(limits ? { limits } : {}),
  };
}

export function failedRun(scale: string, mode: Mode, rep: number, warmup: boolean, error: unknown): ModeRun {
  return {
    scale,
    mode,
    rep,
    ...(warmup ? { warmup: true } : {}),
    status: "FAILED",
    // a verdict reached before the failure (e.g. the disk filled while writing its log) stands
    validation: ((error as { validation?: ModeRun["validation"] })?.validation ?? "NOT_RUN") as ModeRun["validation"],
    durationSeconds: 0,
    phases: { start: 0, read: 0, plan: 0, execute: 0, aggregate: 0, output: 0, write: 0, validate: 0, total: 0 },
    peakMemoryMb: 0,
    baselineMemoryMb: 0,
    cpuUserSeconds: 0,
    cpuSystemSeconds: 0,
    inputRows: 0,
    inputRowsByType: {},
    outputRows: 0,
    throughputRowsPerSecond: 0,
    memorySeries: [],
    engine: "none",
    error: error instanceof Error ? error.message.split("\n")[0] : String(error),
  };
}
