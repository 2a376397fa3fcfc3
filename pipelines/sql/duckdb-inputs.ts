// The hourly input of a job as DuckDB relations, for both SQL engines' children: S3 objects are
// fetched with the AWS SDK into a temporary folder first (DuckDB's httpfs extension is downloaded at
// run time from a server this machine cannot reach), then read with read_parquet; nise CSV folders
// with read_csv and an explicit schema. Same checks as the polars modes: every file opens and has
// the columns the summary reads, and label strings parse.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { DuckDBConnection } from "@duckdb/node-api";
import { createS3Client, s3SettingsFromAccess } from "../../src/storage/client.ts";
import {
  badMeasure,
  LABEL_COLUMNS,
  MEASURE_COLUMNS,
  REQUIRED_MEASURES,
  PLAN_COLUMNS,
  TABLE_KEYS,
  type TableKey,
} from "../../src/contract/input-tables.ts";
import type { Job, JobInput, JobReport } from "../../src/contract/job.ts";
import { discoverCsv, discoverParquet, discoverS3, InputError, type InputFile, type InputFiles } from "../input-files.ts";
import { sqlString } from "./daily-summary-sql.ts";

/** The name of each hourly input relation in both engines. */
export const HOURLY_RELATION: Record<TableKey, string> = {
  pod: "pod_hourly",
  storage: "storage_hourly",
  nodeLabels: "node_labels_hourly",
  namespaceLabels: "namespace_labels_hourly",
};

export const ROWS_IN_NAME: Record<TableKey, keyof JobReport["rowsIn"]> = {
  pod: "pod",
  storage: "storage",
  nodeLabels: "nodeLabels",
  namespaceLabels: "namespaceLabels",
};

/** SQL type of an input column (same types as the polars modes read: timestamps, float8, text). */
export function inputColumnType(key: TableKey, column: string): "TIMESTAMP" | "DOUBLE" | "VARCHAR" {
  if (column === "interval_start") return "TIMESTAMP";
  return MEASURE_COLUMNS[key].includes(column) ? "DOUBLE" : "VARCHAR";
}

export async function discoverInput(input: JobInput): Promise<InputFiles> {
  if (input.kind === "csv") return discoverCsv(input.dir);
  if (input.kind === "parquet") return discoverParquet(input.dir);
  return discoverS3(input);
}

/** Local copies of S3 objects (deleted by cleanup()); local files are used where they are. */
export interface LocalInput {
  files: InputFiles;
  /** Bytes fetched from S3 (0 for local input). */
  bytes: number;
  /** The name a local copy is shown under in messages: its S3 address. */
  shownAs(path: string): string;
  cleanup(): void;
}

/** Fetches every S3 object of the input into a temp folder, four at a time, streamed to disk. */
export async function localInput(job: Job, files: InputFiles): Promise<LocalInput> {
  const input = job.input;
  if (input.kind !== "s3") return { files, bytes: 0, shownAs: (p) => p, cleanup: () => undefined };
  const dir = mkdtempSync(join(process.env.STREAMBENCH_TMPDIR ?? tmpdir(), "streambench-sql-input-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const client = createS3Client(s3SettingsFromAccess(input.s3, input.bucket));
    const out: InputFiles = { pod: [], storage: [], nodeLabels: [], namespaceLabels: [] };
    const queue: Array<{ key: TableKey; file: InputFile; local: string }> = [];
    let n = 0;
    for (const key of TABLE_KEYS) {
      mkdirSync(join(dir, key), { recursive: true });
      for (const f of files[key]) {
        const local = join(dir, key, `${String(n++).padStart(6, "0")}.parquet`);
        queue.push({ key, file: f, local });
        out[key].push({ path: local, group: f.group });
      }
    }
    let bytes = 0;
    const prefix = `s3://${input.bucket}/`;
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const res = await client.send(new GetObjectCommand({ Bucket: input.bucket, Key: item.file.path.slice(prefix.length) }));
        if (!res.Body) throw new Error(`${item.file.path}: GetObject returned no body`);
        await pipeline(res.Body as Readable, createWriteStream(item.local));
        const size = statSync(item.local).size;
        if (res.ContentLength !== undefined && size !== Number(res.ContentLength)) {
          throw new Error(`${item.file.path}: got ${size} bytes, Content-Length says ${res.ContentLength}`);
        }
        bytes += size;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    client.destroy();
    // error messages name the S3 object, not the temp copy
    const original = new Map(TABLE_KEYS.flatMap((k) => out[k].map((f, i) => [f.path, files[k][i].path] as const)));
    return { files: out, bytes, shownAs: (p) => original.get(p) ?? p, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

function fileList(files: InputFile[]): string {
  return `[${files.map((f) => sqlString(f.path)).join(", ")}]`;
}

/** Every file opens and has the columns the summary reads (parquet: from the footer; CSV: the header). */
async function checkColumns(conn: DuckDBConnection, input: JobInput, files: InputFiles, shownAs: (p: string) => string): Promise<void> {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      if (statSync(f.path).size === 0) throw new InputError(`${shownAs(f.path)}: the file is empty`);
      let columns: string[];
      try {
        const source = input.kind === "csv" ? `read_csv(${sqlString(f.path)}, header = true, all_varchar = true)` : `read_parquet(${sqlString(f.path)})`;
        const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
        columns = reader.getRowObjects().map((r) => String(r.column_name));
      } catch (e) {
        throw new InputError(`${shownAs(f.path)}: not a readable ${input.kind === "csv" ? "CSV" : "parquet"} file (${firstLine(e)})`);
      }
      for (const c of PLAN_COLUMNS[key]) {
        if (!columns.includes(c)) {
          throw new InputError(`${shownAs(f.path)}: column "${c}" is missing${input.kind === "csv" ? " from the header (line 1)" : ""}`);
        }
      }
    }
  }
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n").find((l) => l.trim() !== "")?.trim() ?? msg;
}

/** The SELECT list that gives a table's columns their types; CSV timestamps lose nise's " +0000 UTC". */
function typedColumns(key: TableKey, csv: boolean): string {
  return PLAN_COLUMNS[key]
    .map((c) => {
      const type = inputColumnType(key, c);
      if (csv && type === "TIMESTAMP") return `CAST(left(${c}, 19) AS TIMESTAMP) AS ${c}`;
      if (csv && type === "DOUBLE") return `CAST(NULLIF(trim(${c}), '') AS DOUBLE) AS ${c}`;
      if (csv) return `NULLIF(${c}, '') AS ${c}`;
      return `CAST(${c} AS ${type}) AS ${c}`;
    })
    .join(", ");
}

/** The FROM source of one table's files, with the columns typed. */
export function typedSource(input: JobInput, key: TableKey, files: InputFile[]): string {
  if (files.length === 0) {
    return `(SELECT ${PLAN_COLUMNS[key].map((c) => `CAST(NULL AS ${inputColumnType(key, c)}) AS ${c}`).join(", ")} WHERE false)`;
  }
  if (input.kind === "csv") {
    // all text, so nothing is inferred; empty fields stay '' and are mapped as the polars modes do
    return `(SELECT ${typedColumns(key, true)} FROM read_csv(${fileList(files)}, header = true, all_varchar = true, union_by_name = true))`;
  }
  return `(SELECT ${typedColumns(key, false)} FROM read_parquet(${fileList(files)}, union_by_name = true))`;
}

/**
 * Parquet input: the first row holding a measure no mode may sum (NaN, ±Infinity, NULL in a required
 * measure: contract badMeasure), as an InputError naming file, row and column. One scan per file.
 */
async function checkMeasures(conn: DuckDBConnection, files: InputFiles, shownAs: (p: string) => string): Promise<void> {
  for (const key of TABLE_KEYS) {
    const columns = MEASURE_COLUMNS[key];
    if (columns.length === 0) continue;
    const typed = columns.map((c) => `CAST(${c} AS DOUBLE) AS ${c}`).join(", ");
    const bad = columns.map((c) => `isnan(${c}) OR isinf(${c})${REQUIRED_MEASURES[key].includes(c) ? ` OR ${c} IS NULL` : ""}`).join(" OR ");
    for (const f of files[key]) {
      const r = await conn.runAndReadAll(
        `SELECT * FROM (SELECT row_number() OVER () AS row_number, ${typed} FROM read_parquet(${sqlString(f.path)})) WHERE ${bad} LIMIT 1`,
      );
      const row = r.getRowObjects()[0];
      if (!row) continue;
      for (const c of columns) {
        const why = badMeasure(key, c, row[c] === null ? null : Number(row[c]));
        if (why) throw new InputError(`${shownAs(f.path)}: row ${Number(row.row_number)}, column "${c}": ${why}`);
      }
    }
  }
}

/**
 * Check the files and create one view per hourly table (HOURLY_RELATION names). `measures`: also
 * refuse parquet measures no mode may sum (off when the parent vouches for them, Job.measuresChecked).
 */
export async function createHourlyViews(
  conn: DuckDBConnection,
  input: JobInput,
  files: InputFiles,
  shownAs: (p: string) => string = (p) => p,
  measures = false,
): Promise<void> {
  await checkColumns(conn, input, files, shownAs);
  if (measures && input.kind !== "csv") await checkMeasures(conn, files, shownAs);
  for (const key of TABLE_KEYS) {
    await conn.run(`CREATE OR REPLACE VIEW ${HOURLY_RELATION[key]} AS SELECT * FROM ${typedSource(input, key, files[key])}`);
  }
}

/** Row counts of the hourly views. */
export async function countHourly(conn: DuckDBConnection): Promise<JobReport["rowsIn"]> {
  const rowsIn: JobReport["rowsIn"] = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
  for (const key of TABLE_KEYS) {
    const r = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${HOURLY_RELATION[key]}`);
    rowsIn[ROWS_IN_NAME[key]] = Number(r.getRowObjects()[0].n);
  }
  return rowsIn;
}

/** A label string that does not parse (non-empty, no `key:value` entry), as an InputError naming file and column. */
export async function findBadLabels(conn: DuckDBConnection, input: JobInput, files: InputFiles, shownAs: (p: string) => string): Promise<InputError> {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      for (const c of LABEL_COLUMNS[key]) {
        const r = await conn.runAndReadAll(
          `SELECT row_number, raw FROM (SELECT row_number() OVER () AS row_number, ${c} AS raw FROM ${typedSource(input, key, [f])})
           WHERE trim(COALESCE(raw, '')) <> '' AND NOT regexp_matches(raw, ${sqlString(PARSEABLE_LABELS_REGEX)}) LIMIT 1`,
        );
        const rows = r.getRowObjects();
        if (rows.length > 0) {
          const row = Number(rows[0].row_number);
          const where = input.kind === "csv" ? `line ${row + 1}, ` : `row ${row}, `;
          return new InputError(
            `${shownAs(f.path)}: ${where}column "${c}": label string ${JSON.stringify(String(rows[0].raw).slice(0, 80))} does not parse ` +
              `(expected label_key:value entries separated by "|")`,
          );
        }
      }
    }
  }
  return new InputError("a label string does not parse (file not found on a second look)");
}

/**
 * CSV input: the first measure value that is not a number (a failed cast surfaces without a file in
 * DuckDB's error), as an InputError naming file, line and column; null when none is found.
 */
export async function findBadNumber(conn: DuckDBConnection, input: JobInput, files: InputFiles): Promise<InputError | null> {
  if (input.kind !== "csv") return null;
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      for (const c of MEASURE_COLUMNS[key]) {
        const r = await conn.runAndReadAll(
          `SELECT line, v FROM (SELECT row_number() OVER () + 1 AS line, ${c} AS v FROM read_csv(${sqlString(f.path)}, header = true, all_varchar = true))
           WHERE trim(COALESCE(v, '')) <> '' AND TRY_CAST(trim(v) AS DOUBLE) IS NULL LIMIT 1`,
        );
        const rows = r.getRowObjects();
        if (rows.length > 0) {
          return new InputError(`${f.path}: line ${Number(rows[0].line)}, column "${c}": ${JSON.stringify(String(rows[0].v).slice(0, 80))} is not a number`);
        }
      }
    }
  }
  return null;
}

/** Same rule as the polars plan's PARSEABLE_LABELS_REGEX: one `|`-separated entry with exactly one `:`. */
const PARSEABLE_LABELS_REGEX = "(^|\\|)[^|:]*:[^|:]*(\\||$)";
