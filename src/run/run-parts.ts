// The pieces a run is made of, as the engine sees them. run/ calls the generator, storage,
// pipelines, database, validator and reports only through this interface; real-parts.ts wires the real
// modules. Keeps the phase script readable and every dependency in one place.
import type { JobReport, Mode } from "../contract/job.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import type { MemorySample } from "../child/spawn.ts";
import type { TableKey } from "../contract/input-tables.ts";
import type { InputFileRecord, RunLimits, RunReport } from "../records/run-report.ts";
import type { Limits } from "../limits/limit-settings.ts";
import type { SummaryComparison, ValidationResult } from "../validate/compare.ts";

export interface PreparedData {
  /** Local folder holding the Koku parquet layout (data/<org>/OCP/source=<uuid>/...). */
  root: string;
  /** The key prefix of the layout's source folder, e.g. data/1234567/OCP/source=<uuid>. */
  prefix: string;
  sourceUuid: string;
  clusterId: string;
  rowsByType: Record<TableKey, number>;
  /** The ground truth: the reference summary of exactly these rows. */
  expected: SummaryRow[];
  /** --input: the files read and the files skipped (absent for generated scales). */
  inputFiles?: InputFileRecord[];
  skippedFiles?: { source: string; reason: string }[];
  /** The data already sits in S3 where the modes read it (--input s3://): nothing to upload or remove. */
  inPlace?: { bucket: string; prefix: string };
  /** Bytes of the objects read in place. */
  inPlaceBytes?: number;
}

export interface AggregateOutcome {
  report: JobReport;
  samples: MemorySample[];
  /** The limits the child ran under and what held them. */
  limits?: RunLimits;
}

/** A written summary not yet visible to others (db/summary-write.ts PendingSummaryWrite). */
export interface PendingWrite {
  /** The rows as stored. */
  readback(): Promise<SummaryRow[]>;
  /** The same rows, each handed to `each` as it arrives and not kept; returns how many. */
  readEach(each: (row: SummaryRow) => void): Promise<number>;
  commit(): Promise<void>;
  /** Idempotent; a no-op after commit. */
  rollback(): Promise<void>;
}

/** What a write tells about its server, and what ends it (src/db/answer-watch.ts). */
export interface ServerWatch {
  /** Aborting ends the write's connection at once (an interrupted run). */
  signal: AbortSignal;
  /** The server has not answered for a few seconds, or answers again. */
  onSilence(text: string): void;
}

export interface Progress {
  (done: number, total: number): void;
}

export interface Parts {
  /** Generate a named scale (or convert the user's CSV folder) to parquet, computing the reference as rows go by. */
  prepare(scale: string, input: string | null, dir: string, progress: Progress): Promise<PreparedData>;
  upload(data: PreparedData, progress: Progress): Promise<{ objects: number; bytes: number }>;
  removeUpload(data: PreparedData): Promise<void>;
  aggregate(
    mode: Mode,
    data: PreparedData,
    output: string,
    hooks: { onSample(sample: MemorySample, pid: number): void; onLine(line: string): void; onSpawn(kill: () => void): void },
  ): Promise<AggregateOutcome>;
  /**
   * Start the child for the next run of this mode now, while this process writes and validates the
   * run before it: the child loads its runtime and engine off the clock of the run it serves.
   */
  prestart(mode: Mode): void;
  /** End the children started ahead that no run will use (the end of a scale, a failure, Ctrl-C). */
  discardPrestarted(): void;
  /**
   * Every engine child from now on runs under these limits (or the machine guard when they give no
   * memory limit). A child its limits end makes aggregate throw LimitKilled (src/child/limit-enforcement.ts),
   * carrying the limits as the report gives them. (A fake that runs no child may leave it out.)
   */
  limitChildren?(limits: Limits): { bytes: number; source: "limit" | "guard" } | null;
  readSummaryFile(path: string): Promise<SummaryRow[]>;
  /**
   * Write a mode's summary in a transaction left open: read it back and validate it, then commit
   * only a PASS. A run that did not PASS leaves no rows in the table.
   */
  writeSummary(sourceUuid: string, clusterId: string, rows: SummaryRow[], progress: Progress, watch?: ServerWatch): Promise<PendingWrite>;
  /** A comparison against a scale's reference, fed the readback's rows as they arrive. */
  startComparison(expected: SummaryRow[]): SummaryComparison;
  /** Two whole summaries (one mode's readback against another's). */
  compare(expected: SummaryRow[], actual: SummaryRow[]): ValidationResult;
  validationLog(result: ValidationResult, scale: string, mode: Mode | `${Mode} vs ${Mode}`, expectedLabel: string, actualLabel: string): string;
  writeSummaryCsv(path: string, rows: SummaryRow[]): Promise<void>;
  writeReports(dir: string, report: RunReport): Promise<void>;
  headline(report: RunReport): string;
}
