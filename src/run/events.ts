// The typed event stream of a run. The headless printer, the TUI and the live log all consume it;
// nothing else flows from the engine to a front end.
import type { Mode } from "../contract/job.ts";
import type { BaselineChange } from "../records/baseline-comparison.ts";

/** "input" is the preparing step when the data is the user's own (--input), "generate" otherwise. */
export type Phase = "generate" | "input" | "upload" | "aggregate" | "write" | "validate";
export type Verdict = "PASS" | "FAIL";
export type RunStatus = "running" | "PASS" | "FAIL" | "ERROR" | "INTERRUPTED";

interface At {
  /** Date.now() when the event happened. */
  at: number;
}

interface Where {
  scale: string;
  /** Absent for per-scale phases (generate, upload). */
  mode?: Mode;
  /** 1-based repetition, with --runs N (warm-ups count from 1 on their own). */
  rep?: number;
  /** Set on a warm-up run's result and validation (--warmup N): shown, but in no figure. */
  warmup?: boolean;
}

export type RunEvent =
  /** The S3 server and PostgreSQL a run needs, before run-start: embedded ones are started, the user's connected to. */
  | (At & {
      type: "service";
      service: "s3" | "postgres";
      /** "starting" an embedded server, "connecting" to the user's, then "ready" or "failed". */
      state: "starting" | "connecting" | "ready" | "failed";
      /** What it is: "embedded s3rver", "embedded PGlite (cached cluster)", "postgres@db:5432/koku"... */
      detail: string;
      /** Since its "starting" (ready and failed). */
      durationMs?: number;
    })
  | (At & {
      type: "run-start";
      scales: string[];
      modes: Mode[];
      /** Measured runs per (scale, mode) asked for (--runs; with --runs auto the first rounds). */
      repetitions: number;
      warmup?: number;
      outDir: string;
      /** A sweep: the input rows of each size (its scales are ladder points), for the monitor's table. */
      sweepRows?: Record<string, number>;
    })
  | (At & Where & { type: "phase-start"; phase: Phase })
  | (At & Where & { type: "progress"; phase: Phase; done: number; total: number; unit: "rows" | "bytes" | "files" })
  /** endedBy: the child's limits ended the phase (ok false, but an outcome, not an error). */
  | (At & Where & { type: "phase-end"; phase: Phase; durationMs: number; ok: boolean; endedBy?: "OOM" | "TIMEOUT" })
  | (At & {
      type: "memory";
      /** The measured child; 0 when none runs (then only the system figures are current). */
      pid: number;
      rssBytes: number;
      systemUsedBytes: number;
      systemTotalBytes: number;
      cpuPercent: number;
    })
  | (At & { type: "eta"; phaseRemainingMs: number | null; runRemainingMs: number | null })
  | (At & { type: "log"; level: "info" | "warn" | "error"; text: string })
  | (At &
      Where & {
        type: "result";
        mode: Mode;
        durationSeconds: number;
        peakMemoryMb: number;
        inputRows: number;
        outputRows: number;
        engine: string;
        /** RSS samples of the child in MB, oldest first. */
        memorySeries: number[];
      })
  | (At & Where & { type: "validation"; mode: Mode; verdict: Verdict; detail: string })
  /** A child its limits ended: a measured outcome (the run goes on), shown as OOM / TIMEOUT, not as an error. */
  | (At & Where & { type: "limit-kill"; mode: Mode; outcome: "OOM" | "TIMEOUT"; peakMemoryMb: number; secondsUntilKill: number; enforcement: string })
  /**
   * The limits the children run under from now on (each of a --memory-limit list in turn): the cap
   * on the memory gauge. source "guard": no limit given, the machine guard's share of MemAvailable.
   */
  | (At & { type: "limits"; capBytes: number | null; source: "limit" | "guard"; cpus: number | null; preset: string | null; label: string })
  /**
   * Once both modes of a scale passed and agree: the report's verdicts on time and memory, each
   * with the ratio streaming ÷ in-memory of the medians and its 95% interval (front ends show
   * these, they decide nothing).
   */
  | (At & { type: "comparison"; scale: string; time: ComparisonVerdict; memory: ComparisonVerdict; memorySavedPercent: number })
  /** --baseline: a scale's modes against the baseline as its runs complete; final once the scale is done (src/compare decides). */
  | (At & { type: "baseline"; scale: string; final: boolean; changes: BaselineChange[]; refused: string | null })
  /**
   * A sweep's crossover estimate over the sizes done so far (after each size): rows from which streaming
   * is faster / uses less memory, with the 95% interval ends (null: unbounded or no interval); a metric is
   * null while there is no crossover in range. text is the line a front end shows.
   */
  | (At & {
      type: "crossover";
      sizes: number;
      time: { rows: number; low: number | null; high: number | null } | null;
      memory: { rows: number; low: number | null; high: number | null } | null;
      text: string;
    })
  | (At & { type: "error"; scale?: string; mode?: Mode; message: string })
  | (At & { type: "run-end"; status: RunStatus; outDir: string; headline: string });

/** One verdict of the comparison event (src/report/analysis.ts decides it). */
export interface ComparisonVerdict {
  /** "in-memory faster" | "streaming faster" | "comparable" | "inconclusive" on time; "streaming lower" | "streaming higher" | "comparable" | "inconclusive" on memory. */
  class: string;
  /** The mode that wins, "tie" when comparable, null when inconclusive. */
  winner: Mode | "tie" | null;
  /** Streaming median ÷ in-memory median. */
  ratio: number;
  /** 95% interval of the ratio; null with fewer than 2 paired runs. */
  interval: { lo: number; hi: number } | null;
  /** Paired runs behind the interval. */
  pairs: number;
  /** When inconclusive: runs per mode that would likely settle it (null: more than 100). */
  runsToSettle: number | null;
}



/**
 * The child runs of one scale that run-start announces: each mode's warm-ups and measured runs
 * (run/scale-run.ts repetitionOrder schedules exactly these). The ETA and the monitor count with it.
 */
export function childRunsPerScale(modeCount: number, runs: number, warmup: number): number {
  return modeCount * (runs + warmup);
}

/** What a front end may ask of a running benchmark. */
export interface RunCommands {
  /** Generate fresh data for one scale and run both modes again. */
  rerunScale(scale: string): void;
  /** Run every selected scale again. */
  runAll(): void;
  /** Stop children and servers, mark the results folder interrupted if work was cut off. */
  quit(): Promise<void>;
}
