// Finding, checking and opening the hourly input of a job: nise CSV files in a folder, or the
// generator's Koku parquet layout in a folder or in S3. Both entry points use these; the only
// difference between the modes is eager (read*) versus lazy (scan*).
import { closeSync, openSync, readSync, statSync } from "node:fs";
import pl from "nodejs-polars";
import type { DataFrame, DataType, LazyDataFrame } from "nodejs-polars";
import { createS3Client, polarsCloudOptions, s3SettingsFromAccess } from "../src/storage/client.ts";
import { folderPrefix, getObjectBuffer } from "../src/storage/objects.ts";
import {
  badMeasure,
  KOKU_TABLE,
  LABEL_COLUMNS,
  MEASURE_COLUMNS,
  REQUIRED_MEASURES,
  PLAN_COLUMNS,
  TABLE_KEYS,
  tableOfReportType,
  type TableKey,
} from "../src/contract/input-tables.ts";
import { PARSEABLE_LABELS_REGEX } from "./daily-summary.ts";
import type { JobInput } from "../src/contract/job.ts";

export { InputError, discoverCsv, discoverParquet, discoverS3, type InputFile, type InputFiles } from "./input-files.ts";
import { InputError, type InputFile, type InputFiles } from "./input-files.ts";

// ---------------------------------------------------------------------------------------------
// Checks before reading

function firstLine(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

/** Every CSV file is non-empty and its header has every column nise writes for its report type. */
export function checkCsvHeaders(files: InputFiles): void {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      if (statSync(f.path).size === 0) throw new InputError(`${f.path}: the file is empty (no header line)`);
      const header = csvHeader(f.path);
      for (const c of PLAN_COLUMNS[key]) {
        if (!header.includes(c)) throw new InputError(`${f.path}: column "${c}" is missing from the header (line 1)`);
      }
    }
  }
}

/** Every local parquet file opens (footer and schema) and has the plan's columns. */
export function checkParquetSchemas(files: InputFiles, cloudOptions?: Record<string, string>): void {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      if (!f.path.startsWith("s3://") && statSync(f.path).size === 0) {
        throw new InputError(`${f.path}: the file is empty (not parquet)`);
      }
      let columns: string[];
      try {
        columns = pl.scanParquet(f.path, { hivePartitioning: false, ...(cloudOptions ? { cloudOptions } : {}) }).columns;
      } catch (e) {
        throw new InputError(`${f.path}: not a readable parquet file (${firstLineOf(e)})`);
      }
      for (const c of PLAN_COLUMNS[key]) {
        if (!columns.includes(c)) throw new InputError(`${f.path}: column "${c}" is missing`);
      }
    }
  }
}

/**
 * Parquet input: the first row holding a measure no mode may sum (NaN, ±Infinity, NULL in a required
 * measure: contract badMeasure), as an InputError naming file, row and column; null when there is
 * none. polars would drop such an hourly row in a filter or carry it into the sums without a word.
 * One streaming pass over each file's measure columns.
 */
export function findBadMeasure(files: InputFiles, input: JobInput): InputError | null {
  const cloudOptions = cloudOptionsOf(input);
  for (const key of TABLE_KEYS) {
    const columns = MEASURE_COLUMNS[key];
    if (columns.length === 0) continue;
    const bad = columns.map((c) => {
      const v = pl.col(c).cast(pl.Float64);
      const nonFinite = v.isNan().or(v.isInfinite()).fillNull(false);
      return REQUIRED_MEASURES[key].includes(c) ? nonFinite.or(v.isNull()) : nonFinite;
    });
    for (const f of files[key]) {
      const found = pl
        .scanParquet(f.path, { hivePartitioning: false, ...(cloudOptions ? { cloudOptions } : {}) })
        .withRowIndex("__row")
        .filter(bad.reduce((a, b) => a.or(b)))
        .select(pl.col("__row"), ...columns.map((c) => pl.col(c).cast(pl.Float64)))
        .head(1)
        .collectSync({ engine: "streaming" });
      if (found.height === 0) continue;
      for (const c of columns) {
        const why = badMeasure(key, c, found.getColumn(c).get(0) as number | null);
        if (why) return new InputError(`${f.path}: row ${Number(found.getColumn("__row").get(0)) + 1}, column "${c}": ${why}`);
      }
    }
  }
  return null;
}

export function firstLineOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n").find((l) => l.trim() !== "")?.trim() ?? msg;
}

// ---------------------------------------------------------------------------------------------
// Opening: CSV

function csvHeader(path: string): string[] {
  return firstLine(path)
    .split(",")
    .map((h) => h.trim().replace(/^"|"$/g, ""));
}

/**
 * The explicit CSV schema of one file, from its header: measures Float64, everything else (text,
 * timestamps) Utf8, so nothing is inferred. Empty field = null.
 */
export function csvSchema(path: string, key: TableKey): Record<string, DataType> {
  const out: Record<string, DataType> = {};
  for (const c of csvHeader(path)) out[c] = MEASURE_COLUMNS[key].includes(c) ? pl.Float64 : pl.Utf8;
  return out;
}

/**
 * nise timestamps "2024-01-30 00:00:00 +0000 UTC": the " +0000 UTC" suffix is dropped (C.1). A
 * stray `\r` (lines ended `\r\r\n`) is stripped from the last column, as Python's csv reader does.
 */
function normalizeCsv(lf: LazyDataFrame, key: TableKey, file: InputFile): LazyDataFrame {
  return lf.select(
    PLAN_COLUMNS[key].map((c) =>
      c === "interval_start"
        ? pl.col(c).str.slice(0, 19).str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S").cast(pl.Datetime("ms")).alias(c)
        : c === file.strayCrColumn
          ? pl.col(c).str.stripCharsEnd(pl.lit("\r")).alias(c)
          : pl.col(c),
    ),
  );
}

function targetType(key: TableKey, c: string): DataType {
  if (c === "interval_start") return pl.Datetime("ms");
  return MEASURE_COLUMNS[key].includes(c) ? pl.Float64 : pl.Utf8;
}

/**
 * Project to the plan's columns and cast those whose stored type differs (`stored`, when known).
 * Columns already of the right type are selected bare, so a filter on interval_start can be pushed
 * into the parquet scan (row-group statistics) instead of stopping at a no-op cast.
 */
function normalizeParquet(lf: LazyDataFrame, key: TableKey, stored?: Record<string, DataType>): LazyDataFrame {
  return lf.select(
    PLAN_COLUMNS[key].map((c) => {
      const target = targetType(key, c);
      const have = stored?.[c];
      return have !== undefined && String(have) === String(target) ? pl.col(c) : pl.col(c).cast(target).alias(c);
    }),
  );
}

/** An empty typed frame of the plan's columns, for a report type without files. */
function emptyTable(key: TableKey): DataFrame {
  const cols: Record<string, unknown[]> = {};
  for (const c of PLAN_COLUMNS[key]) cols[c] = [];
  const df = pl.DataFrame(cols);
  return df.select(...
    PLAN_COLUMNS[key].map((c) =>
      pl
        .col(c)
        .cast(c === "interval_start" ? pl.Datetime("ms") : MEASURE_COLUMNS[key].includes(c) ? pl.Float64 : pl.Utf8),
    ),
  );
}

/**
 * For a CSV parse error naming a column: the line of the first value in that column that is not a
 * number (polars names the column, not the line). Returns the message with the line added.
 */
function withCsvLine(path: string, message: string): string {
  const m = /at column '([^']+)'/.exec(message);
  if (!m) return message;
  try {
    const found = pl
      .scanCSV(path, { hasHeader: true, inferSchemaLength: 0 })
      .withRowIndex("__row")
      .select(pl.col("__row"), pl.col(m[1]).alias("v"))
      .filter(pl.col("v").isNotNull().and(pl.col("v").cast(pl.Float64, false).isNull()))
      .head(1)
      .collectSync();
    if (found.height === 0) return message;
    return `line ${Number(found.getColumn("__row").get(0)) + 2}, ${message}`;
  } catch {
    return message;
  }
}

/** Eager: every CSV file of a table read fully into one DataFrame. */
export function readCsvTable(files: InputFile[], key: TableKey): DataFrame {
  if (files.length === 0) return emptyTable(key);
  const frames = files.map((f) => {
    try {
      return normalizeCsv(pl.readCSV(f.path, { schema: csvSchema(f.path, key), hasHeader: true }).lazy(), key, f).collectSync();
    } catch (e) {
      throw new InputError(`${f.path}: ${withCsvLine(f.path, describePolarsError(e))}`);
    }
  });
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}

/** Lazy: one scan per CSV file, concatenated. */
export function scanCsvTable(files: InputFile[], key: TableKey): LazyDataFrame {
  if (files.length === 0) return emptyTable(key).lazy();
  const scans = files.map((f) => normalizeCsv(pl.scanCSV(f.path, { schema: csvSchema(f.path, key), hasHeader: true }), key, f));
  return scans.length === 1 ? scans[0] : pl.concat(scans, { how: "vertical" });
}

// ---------------------------------------------------------------------------------------------
// Opening: parquet

/** Eager: local files read with readParquet(path), S3 objects downloaded into Buffers first. */
export async function readParquetTable(
  files: InputFile[],
  key: TableKey,
  input: JobInput,
): Promise<DataFrame> {
  if (files.length === 0) return emptyTable(key);
  const client = input.kind === "s3" ? createS3Client(s3SettingsFromAccess(input.s3, input.bucket)) : undefined;
  const frames: DataFrame[] = [];
  for (const f of files) {
    let source: string | Buffer = f.path;
    if (client && input.kind === "s3") {
      source = await getObjectBuffer(client, input.bucket, f.path.slice(`s3://${input.bucket}/`.length));
    }
    try {
      // readParquet treats a string as a path only when it ends in ".parquet" (stack-notes §1)
      const df = pl.readParquet(source, { columns: [...PLAN_COLUMNS[key]] });
      frames.push(normalizeParquet(df.lazy(), key).collectSync());
    } catch (e) {
      throw new InputError(`${f.path}: ${describePolarsError(e)}`);
    }
  }
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}

/** The glob of one table's files: every file of the table, nothing else (no hive columns added). */
export function parquetGlob(input: JobInput, key: TableKey): string {
  if (input.kind === "s3") {
    return `s3://${input.bucket}/${folderPrefix(input.prefix)}**/${KOKU_TABLE[key]}/*.parquet`;
  }
  return `${input.dir.replace(/\/+$/, "")}/**/${KOKU_TABLE[key]}/*.parquet`;
}

export function cloudOptionsOf(input: JobInput): Record<string, string> | undefined {
  if (input.kind !== "s3") return undefined;
  return polarsCloudOptions(s3SettingsFromAccess(input.s3, input.bucket)) as Record<string, string>;
}

/** Lazy: one scanParquet over the table's glob, hive partitioning off (no year=/month=/source= columns). */
export function scanParquetTable(files: InputFile[], key: TableKey, input: JobInput): LazyDataFrame {
  if (files.length === 0) return emptyTable(key).lazy();
  const cloudOptions = cloudOptionsOf(input);
  const options = { hivePartitioning: false, ...(cloudOptions ? { cloudOptions } : {}) };
  // the stored types, from the first file's footer (every file was checked by checkParquetSchemas)
  const first = pl.scanParquet(files[0].path, options).head(0).collectSync();
  const stored: Record<string, DataType> = {};
  for (const c of first.columns) stored[c] = first.getColumn(c).dtype;
  return normalizeParquet(pl.scanParquet(parquetGlob(input, key), options), key, stored);
}

// ---------------------------------------------------------------------------------------------
// Diagnosis: find the file (and line) behind a failure the lazy engine reported without one.

/** polars error text, first line, with the column it names kept. */
export function describePolarsError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  // "could not parse `abc` as dtype `f64` at column 'x' (column number 9)" + hints
  const main = lines[0] ?? msg;
  const extra = lines.find((l) => /at column|column number|line/.test(l) && l !== main);
  return extra ? `${main} (${extra})` : main;
}

/** Re-read each file on its own to find the one that fails; returns an InputError for it. */
export function locateReadError(files: InputFiles, input: JobInput, original: unknown): InputError {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      try {
        if (input.kind === "csv") {
          try {
            pl.readCSV(f.path, { schema: csvSchema(f.path, key), hasHeader: true });
          } catch (e) {
            return new InputError(`${f.path}: ${withCsvLine(f.path, describePolarsError(e))}`);
          }
        } else {
          const cloudOptions = cloudOptionsOf(input);
          normalizeParquet(
            pl.scanParquet(f.path, { hivePartitioning: false, ...(cloudOptions ? { cloudOptions } : {}) }),
            key,
          ).collectSync({ engine: "streaming" });
        }
      } catch (e) {
        return new InputError(`${f.path}: ${describePolarsError(e)}`);
      }
    }
  }
  return new InputError(describePolarsError(original));
}

/** Find the first label string that does not parse: file, column, and line for CSV. */
export function locateBadLabels(files: InputFiles, input: JobInput): InputError {
  for (const key of TABLE_KEYS) {
    for (const f of files[key]) {
      const cloudOptions = cloudOptionsOf(input);
      const lf =
        input.kind === "csv"
          ? pl.scanCSV(f.path, { schema: csvSchema(f.path, key), hasHeader: true })
          : pl.scanParquet(f.path, { hivePartitioning: false, ...(cloudOptions ? { cloudOptions } : {}) });
      for (const c of LABEL_COLUMNS[key]) {
        const bad = lf
          .withRowIndex("__row")
          .select(pl.col("__row"), pl.col(c))
          .filter(
            pl.col(c).str.strip().neq(pl.lit("")).and(pl.col(c).str.contains(PARSEABLE_LABELS_REGEX).not()),
          )
          .head(1)
          .collectSync();
        if (bad.height > 0) {
          const row = Number(bad.getColumn("__row").get(0));
          const value = String(bad.getColumn(c).get(0));
          const where = input.kind === "csv" ? `line ${row + 2}, ` : `row ${row + 1}, `;
          return new InputError(
            `${f.path}: ${where}column "${c}": label string ${JSON.stringify(value.slice(0, 80))} does not parse ` +
              `(expected label_key:value entries separated by "|")`,
          );
        }
      }
    }
  }
  return new InputError("a label string does not parse (file not found on a second look)");
}

/** Row counts per table, from the files (parquet: metadata only). */
export function countRows(files: InputFile[], key: TableKey, input: JobInput): number {
  if (files.length === 0) return 0;
  const lf = input.kind === "csv" ? scanCsvTable(files, key) : scanParquetTable(files, key, input);
  return Number(lf.select(pl.len().alias("n")).collectSync({ engine: "streaming" }).getColumn("n").get(0));
}
