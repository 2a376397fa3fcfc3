// The run's records: what one run measured, the one data model every part reads. The orchestrator
// (src/run) fills it as the run goes; the writers in src/report turn it into SUMMARY.csv,
// COMPARISON_REPORT.md, summary.json and the charts; src/compare reads two of them back. Plain data
// only (JSON-safe except non-finite numbers, which report/summary-json.ts encodes), so a RunReport
// can be written mid-run and read back. Types only: no I/O, nothing of the rooms that use them.
import type { Mode } from "../contract/job.ts";
import type { RunComparison } from "./baseline-comparison.ts";
import type { RecordedSettings } from "./run-settings.ts";

/**
 * Seconds per step of one mode run. The child's own phases (start, read, plan, execute, output)
 * come from its JobReport.timings; durationSeconds = read + plan + execute + output.
 */
export interface PhaseSeconds {
  /** The child's process start until it is ready: runtime, TypeScript loader and engine loaded (a child started ahead of its job then waits for it, off every clock). Not in durationSeconds. */
  start: number;
  /**
   * The child's read step: finding and checking the input files; in-memory also reading them fully
   * (S3: downloading). Streaming only opens lazy scans here: its reading happens inside execute,
   * so compare read + execute.
   */
  read: number;
  /** Building the polars plans in JavaScript, all of them (a fixed cost, not the engine's). */
  plan: number;
  /** polars executing the plans on the mode's engine. */
  execute: number;
  /** plan + execute (the child's aggregate step). */
  aggregate: number;
  /** The child writing the summary parquet file. */
  output: number;
  /** Summary written to PostgreSQL. */
  write: number;
  /** DB readback + comparison with the reference. */
  validate: number;
  /** Wall time of the whole (scale, mode, rep): child start to verdict. */
  total: number;
}

/** One (scale, mode, repetition): a fresh child process. */
export interface ModeRun {
  scale: string;
  mode: Mode;
  /** 1-based repetition (--runs N); warm-up runs count from 1 on their own. */
  rep: number;
  /**
   * A discarded warm-up run (--warmup N): validated and recorded like any other, but left out of
   * every median, interval and verdict.
   */
  warmup?: boolean;
  /** OOM / TIMEOUT: its limits ended the child (a measured outcome, see `kill`); FAILED: it broke. */
  status: "SUCCESS" | "FAILED" | LimitOutcome;
  /** "n/a": a child its limits ended has nothing to validate. */
  validation: "PASS" | "FAIL" | "NOT_RUN" | "n/a";
  /** The limits the child ran under and what held them (absent from runs without limits). */
  limits?: RunLimits;
  /** OOM / TIMEOUT: durationSeconds is the time until the kill, peakMemoryMb the peak it reached. */
  kill?: { outcome: LimitOutcome; peakMemoryMb: number; secondsUntilKill: number };
  /** The figure SUMMARY.csv and the comparison use: the child's wall time, read + aggregate + write of the summary. */
  durationSeconds: number;
  phases: PhaseSeconds;
  /** The child's own peak RSS (VmHWM) at exit, MB (1 MB = 1024 * 1024 bytes). */
  peakMemoryMb: number;
  /** RSS of the child before it read anything, MB. */
  baselineMemoryMb: number;
  /** Peak anonymous RSS (RssAnon, without memory-mapped file pages), MB, where it could be read. */
  peakAnonMemoryMb?: number;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  /** Pod usage rows read: the "input rows" of the comparison. */
  inputRows: number;
  /** Rows read per report type, e.g. { pod: 744000, storage: 0, nodeLabels: 14880, namespaceLabels: 14880 }. */
  inputRowsByType: Record<string, number>;
  /** Summary rows written. */
  outputRows: number;
  /** inputRows / durationSeconds. */
  throughputRowsPerSecond: number;
  /** The parent's RSS samples of the child, oldest first; tMs from the child's start. */
  memorySeries: { tMs: number; rssMb: number }[];
  /** What ran: the polars engine ("in-memory" or "streaming"), "duckdb", "pglite" or "postgresql". */
  engine: string;
  /** SQL engines: what peakMemoryMb measured (e.g. the PostgreSQL backend's VmHWM), in words. */
  memoryMeasured?: string;
  /** SQL engines: session settings that differ from the engine's defaults, and why. */
  engineSettings?: string;
  /** SQL engines: threads the engine used (DuckDB's threads setting; PostgreSQL: 1 + parallel workers allowed). */
  threads?: number;
  /** postgres: seconds loading the hourly rows into PostgreSQL (part of phases.read), and starting/connecting to it (not in the duration). */
  loadSeconds?: number;
  serverStartSeconds?: number;
  /** Largest difference against the reference (from the validator). */
  maxDiff?: { abs: number; rel: number };
  /** Why the run failed, one line. */
  error?: string;
}

export type LimitOutcome = "OOM" | "TIMEOUT";

/** The limits of a child run as summary.json and the reports give them. */
export interface RunLimits {
  /** The user's (or the preset's) cap; null: none given, the guard held instead. */
  memoryLimitBytes: number | null;
  /** The cap enforced: the limit, or the guard (a share of MemAvailable at the start). */
  capBytes: number;
  capSource: "limit" | "guard";
  cpus: number | null;
  preset: string | null;
  timeoutSeconds: number | null;
  /** What held the child: "cgroup v1", "cgroup v2" or "watchdog". */
  enforcement: string;
  /** What the engine was told of its budget, in words (e.g. "POLARS_MAX_THREADS=1"). */
  told: string;
}

export interface ScaleResult {
  /** Scale name ("small", "1m", or the input folder's name with --input). */
  scale: string;
  /** Pod usage rows of this scale (the x axis of the charts). */
  inputRows: number;
  generate: { seconds: number; rows: number; bytes: number };
  upload: { seconds: number; bytes: number; objects: number };
  runs: ModeRun[];
  /**
   * Every other mode's readback against the first mode's (in-memory against streaming with the
   * default modes), same tolerance as validation; absent when fewer than two modes ran. verdict,
   * maxAbs and maxRel are over all pairs; pairs has each one.
   */
  modesIdentical?: {
    verdict: "PASS" | "FAIL";
    maxAbs: number;
    maxRel: number;
    pairs?: { base: Mode; mode: Mode; verdict: "PASS" | "FAIL"; maxAbs: number; maxRel: number }[];
  };
  /** --input: every file read (as given; `archive.tar.gz!member.csv` inside a payload), its type and rows. */
  inputFiles?: InputFileRecord[];
  /** --input: every file not read, and why. */
  skippedFiles?: { source: string; reason: string }[];
  /** How many measured runs per mode the scale got, and why no more (--runs auto samples until sure). */
  sampling?: { runs: number; extraRuns: number; stoppedBecause: string };
}

export interface InputFileRecord {
  source: string;
  /** nise report type (ocp_pod_usage, ...) or Koku parquet table. */
  type: string;
  rows: number;
}

export interface Environment {
  /** CPU model. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  ramGb: number;
  /** e.g. "Linux 6.8 (Debian 12)". */
  os: string;
  /** e.g. "Node v20.19.0" or "Deno 2.9.6". */
  runtime: string;
  /** Package versions that matter, e.g. { "nodejs-polars": "0.26.1", postgres: "16.4" }. */
  versions: Record<string, string>;
  gitCommit: string;
  /** The machine's 1-minute load average when the run started (absent in older summaries): a busy machine slows every figure. */
  loadAverage?: number;
}

/** One size of a sweep's ladder (`streambench sweep`). */
export interface LadderPoint {
  /** The scale name the run records it under ("pods-3162"). */
  scale: string;
  pods: number;
  namespaces: number;
  nodes: number;
  /** Pod usage rows: pods × 744. */
  podRows: number;
}

/** The ladder a sweep ran: present only in a sweep's report, which then gains the crossover analysis. */
export interface SweepInfo {
  points: LadderPoint[];
  minRows: number;
  maxRows: number;
  /** Ladder points per decade of pods. */
  steps: number;
}

export type ReportStatus = "PASS" | "FAIL" | "ERROR" | "INTERRUPTED";

export interface RunReport {
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; null while running or when cut off before the end. */
  finishedAt: string | null;
  status: ReportStatus;
  /** The effective settings (flags + env, no secrets): a run records a whole RunSettings (run-settings.ts). */
  settings: RecordedSettings;
  environment: Environment;
  scales: ScaleResult[];
  /** Set by `streambench sweep`. */
  sweep?: SweepInfo;
  /** `run --baseline`: this run against the baseline (summary.json writes it as derived.baseline). */
  baseline?: BaselineResult;
}

/** This run compared with an earlier one (`run --baseline DIR|latest`). */
export interface BaselineResult {
  /** The baseline's summary.json, as described to the user. */
  against: string;
  comparison: RunComparison;
}
