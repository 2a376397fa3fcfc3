// The child protocol: the parent hands a pipeline entry (pipelines/<mode>.ts) one Job as JSON on
// stdin (so the S3 and PostgreSQL secrets stay out of `ps`; argv[2] is accepted too, for running an
// entry by hand); the child writes the summary to job.output and prints ONE JSON line last, a
// JobReport. No polars here, so the parent can import these types without loading polars.
import type { TableKey } from "./input-tables.ts";

/** The two polars modes (the question streambench exists for) and the SQL engines users would pick instead. */
export type PolarsMode = "in-memory" | "streaming";
export type SqlMode = "duckdb" | "postgres";
export type Mode = PolarsMode | SqlMode;

/** Every mode, in report order; a run's default is POLARS_MODES. */
export const ALL_MODES: readonly Mode[] = ["in-memory", "streaming", "duckdb", "postgres"];
export const POLARS_MODES: readonly PolarsMode[] = ["in-memory", "streaming"];

export function isMode(name: string): name is Mode {
  return (ALL_MODES as readonly string[]).includes(name);
}

/** Where the hourly input lives. */
export type JobInput =
  /**
   * Plain nise CSV files in one folder (names as nise writes them, split files allowed). A user's
   * CSV input as it arrives (.csv.gz files, operator payloads, their extracted folders) is staged
   * into such a folder by the parent, once (src/input/open-input.ts), and `dir` is that folder: the
   * child never sees the user's files as they arrived. It names the staged files in its errors and
   * in JobReport.inputs; the parent, which knows which file of the user's each staged file came from
   * and which files it skipped, names them as the user gave them (src/input/user-input.ts
   * namingSources, readAsGiven) and reports the skipped ones itself.
   */
  | { kind: "csv"; dir: string }
  /** The generator's parquet layout under a local folder (…/<table>/*.parquet below it). */
  | { kind: "parquet"; dir: string }
  /** The same parquet layout in S3: s3://bucket/prefix. */
  | { kind: "s3"; bucket: string; prefix: string; s3: S3Access };

export interface S3Access {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Job {
  mode: Mode;
  input: JobInput;
  /** Summary written here as parquet (zstd), columns as contract/summary-schema.ts. */
  output: string;
  /** null = every label key enabled. */
  enabledTagKeys: string[] | null;
  /** The source UUID the rows belong to (kept for the report; not a summary column). */
  sourceUuid?: string;
  /**
   * Time every stage of the plan on its own and report JobReport.stages (bench/aggregate.ts).
   * Slower: the summary's sections are then collected one by one instead of in one query.
   */
  profile?: boolean;
  /**
   * The parent vouches for every measure of this input (it generated it, or its reference read every
   * row and refused NaN, ±Infinity and missing values): the child skips that check of parquet input.
   */
  measuresChecked?: boolean;
  /** duckdb: DuckDB's memory_limit setting (e.g. "2GB"); absent = DuckDB's default (80% of RAM). */
  duckdbMemoryLimit?: string;
  /** duckdb: DuckDB's threads setting (from --cpus); absent = DuckDB's default (every core). */
  duckdbThreads?: number;
  /**
   * postgres: the server the hourly rows are loaded into and the SQL runs on. Absent or
   * {kind:"embedded"} = a PGlite the child hosts itself, so the child's peak RSS is the server's.
   */
  database?: { kind: "embedded" } | { kind: "server"; pg: PgAccess };
}

/** One stage of the plan, measured when the job asked for a profile. */
export interface StageTiming {
  /** e.g. "pod daily (hourly -> daily)", "node capacity", "Pod rows", "write summary". */
  stage: string;
  /** Wall time of the stage's queries, ms. */
  ms: number;
  /** CPU time (user + system, all threads) of the process during the stage, ms. */
  cpuMs: number;
  /** The process's peak RSS while the stage ran (high-water mark reset before it), MB. */
  peakMb: number;
  /** How many times the stage's queries read the hourly pod table (from their optimized plans). */
  podScans: number;
  /** polars queries the stage ran. */
  queries: number;
  /** Anonymous RSS (RssAnon) the process still held when the stage ended, MB: its results plus what the allocator kept. */
  heldAnonMb?: number;
  /** Rows of the stage's results (the frames it hands on). */
  rowsOut?: number;
  /** Estimated bytes of those frames, MB (pipelines/stage-clock.ts frameBytes). */
  bytesOutMb?: number;
}

/** How a child reaches a PostgreSQL server (the job goes in on stdin: the password stays out of ps). */
export interface PgAccess {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** TLS: false (off), "require" (on, no certificate check), "verify" (on, verified). */
  ssl: false | "require" | "verify";
}

export interface JobReport {
  ok: true;
  mode: Mode;
  /**
   * What produced the result: the polars engine ("in-memory" eager or "streaming"), "duckdb", or
   * the PostgreSQL that ran the SQL ("pglite" embedded in the child, "postgresql" a server).
   */
  engine: "in-memory" | "streaming" | "duckdb" | "pglite" | "postgresql";
  /** Rows read per input table. */
  rowsIn: Record<TableKey, number>;
  rowsOut: number;
  /** Milliseconds per phase of the child. total = read + plan + execute + write. */
  timings: {
    /**
     * Process start to ready: performance.now() once the job is parsed and polars is loaded
     * (performance.timeOrigin is the process start). Not part of total.
     */
    ready: number;
    /** Finding and checking the input files, and in-memory mode reading them fully (S3: downloading). */
    read: number;
    /** Building the polars plans in JS, all of them (streaming's day windows included). */
    plan: number;
    /** polars executing the plans (streaming mode also reads its input here). */
    execute: number;
    /** Writing the summary parquet file. */
    write: number;
    /** read + plan + execute + write. */
    total: number;
    /** plan + execute (kept for readers of the earlier report). */
    aggregate: number;
    /** SQL engines: the part of `read` spent downloading the parquet objects (DuckDB) or loading rows into PostgreSQL. */
    download?: number;
    load?: number;
    /** postgres: starting (PGlite) or connecting to (a server) the database, before the clock started; not in total. */
    serverStart?: number;
  };
  /**
   * CSV input only: every file read, as the job's folder names it (the parent renames staged files
   * to the user's), with its nise report type and rows. The files skipped are the parent's to say.
   */
  inputs?: {
    used: { source: string; type: string; rows: number }[];
  };
  /** Per stage of the plan, when the job asked for a profile. */
  stages?: StageTiming[];
  /** The child's own peak RSS in kilobytes (VmHWM of its address space), at the end (see memoryMeasured). */
  maxRSSKb: number;
  /** SQL engines: what maxRSSKb measured, in words (e.g. the PostgreSQL backend's VmHWM). */
  memoryMeasured?: string;
  /** SQL engines: session settings that differ from the engine's defaults, and why. */
  engineSettings?: string;
  /** SQL engines: worker threads the engine used (DuckDB's threads setting; 1 for PostgreSQL's one backend). */
  threads?: number;
  /** CPU time of the child, microseconds. */
  cpu: { user: number; system: number };
}

export interface JobFailure {
  ok: false;
  mode: Mode;
  error: string;
  /**
   * The child's own kinds (it knows no CLI error class): "input" = bad input data (names file and
   * column; the parent throws a DataError, exit 2), "output" = a file the child must write cannot be
   * (the summary on a full disk; `code` the errno code; the parent throws an OutputError, exit 5 for
   * ENOSPC), "fault" = anything else (exit 4).
   */
  kind?: "input" | "output" | "fault";
  code?: string;
}
