// The child protocol: the parent hands a pipeline entry (pipelines/<mode>.ts) one Job as JSON in
// argv[2] or on stdin; the child writes the summary to job.output and prints ONE JSON line last, a
// JobReport. No polars here, so the parent can import these types without loading polars.

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
  /** nise CSV files in one folder (names as nise writes them, split files allowed). */
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
  /** Summary written here as parquet (zstd), columns as pipelines/summary-schema.ts. */
  output: string;
  /** null = every label key enabled. */
  enabledTagKeys: string[] | null;
  /** The source UUID the rows belong to (kept for the report; not a summary column). */
  sourceUuid?: string;
  /** duckdb: DuckDB's memory_limit setting (e.g. "2GB"); absent = DuckDB's default (80% of RAM). */
  duckdbMemoryLimit?: string;
  /**
   * postgres: the server the hourly rows are loaded into and the SQL runs on. Absent or
   * {kind:"embedded"} = a PGlite the child hosts itself, so the child's peak RSS is the server's.
   */
  database?: { kind: "embedded" } | { kind: "server"; pg: PgAccess };
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
  rowsIn: { pod: number; storage: number; nodeLabels: number; namespaceLabels: number };
  rowsOut: number;
  /** Milliseconds per step: read (download/parse), aggregate (plan + collect), write (summary file), total. */
  timings: {
    read: number;
    aggregate: number;
    write: number;
    total: number;
    /** Added: the part of `aggregate` spent building the plan in JS (constant, size-independent). */
    plan?: number;
    /** SQL engines: the part of `read` spent downloading the parquet objects (DuckDB) or loading rows into PostgreSQL. */
    download?: number;
    load?: number;
    /** postgres: starting (PGlite) or connecting to (a server) the database, before the clock started; not in total. */
    serverStart?: number;
  };
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
  /** Added: "input" = bad input data (names file and column; the CLI's DataError), "fault" = anything else. */
  kind?: "input" | "fault";
}
