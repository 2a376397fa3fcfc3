// The typed event stream of a run. The headless printer, the TUI and the live log all consume it;
// nothing else flows from the engine to a front end.
import type { Mode } from "../contract/job.ts";

/** "input" is the preparing step when the data is the user's own (--input), "generate" otherwise. */
export type Phase = "generate" | "input" | "upload" | "aggregate" | "write" | "validate" | "report";
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
  /** 1-based repetition, with --runs N. */
  rep?: number;
}

export type RunEvent =
  | (At & { type: "run-start"; scales: string[]; modes: Mode[]; runs: number; outDir: string })
  | (At & Where & { type: "phase-start"; phase: Phase })
  | (At & Where & { type: "progress"; phase: Phase; done: number; total: number; unit: "rows" | "bytes" | "files" })
  | (At & Where & { type: "phase-end"; phase: Phase; durationMs: number; ok: boolean })
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
  /** Once both modes of a scale passed and agree: which was faster and which used less memory (the report's rule). */
  | (At & { type: "comparison"; scale: string; faster: Mode | "tie"; lessMemory: Mode | "tie"; speedRatio: number; memorySavedPercent: number })
  | (At & { type: "error"; scale?: string; mode?: Mode; message: string })
  | (At & { type: "run-end"; status: RunStatus; outDir: string; headline: string });

export type RunEventType = RunEvent["type"];

/** What a front end may ask of a running benchmark. */
export interface RunCommands {
  /** Generate fresh data for one scale and run both modes again. */
  rerunScale(scale: string): void;
  /** Run every selected scale again. */
  runAll(): void;
  /** Stop children and servers, mark the results folder interrupted if work was cut off. */
  quit(): Promise<void>;
}
