// Read a folder of nise CSV files and hand typed rows to a RowSink, one at a time, streaming
// (a file is never held in memory whole). Dialect: spec/nise-ocp-format.md §7.3 (header line,
// `,` delimiter, `\r\n` line ends — `\n` accepted too — QUOTE_MINIMAL with doubled quotes).
// Strict: every problem is a DataError naming the file, the 1-based line and the column.
// The reference's reader, on the project's CSV scanner (contract/csv-scan.ts); pipelines/csv-check.ts
// scans the same dialect apart on purpose (the child's check stays independent of the reference, so
// a scanning bug cannot pass validation on both sides).

import { Buffer } from "node:buffer";
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { DataError } from "../errors.ts";
import { type NamespaceLabelRow, type NodeLabelRow, type PodUsageRow, type RowSink, type StorageUsageRow } from "./rows.ts";
import { ALL_COLUMNS, REPORT_TYPE, TABLE_KEYS, tableOfReportType, type TableKey } from "../contract/input-tables.ts";
import { NISE_CSV_NAME } from "../contract/input-tables.ts";
import { scanCsvFile, type CsvRecord } from "../contract/csv-scan.ts";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** Only the four tables' report types are read; nise's other report types are ignored. */
const FILE_RE = NISE_CSV_NAME;

const PERIOD = ["report_period_start", "report_period_end", "interval_start", "interval_end"] as const;

/** The columns each table's file must have (rows.ts field names = nise column names). */
export const REQUIRED_COLUMNS: Record<TableKey, readonly string[]> = ALL_COLUMNS;

/** One nise CSV file recognised by its name. */
export interface NiseCsvFile {
  path: string;
  name: string;
  year: number;
  /** 1-12 */
  month: number;
  clusterId: string;
  /** The table its report type holds (ocp_pod_usage: pod, ...). */
  table: TableKey;
  /** Split part number (`-1.csv`, `-2.csv`), 0 for an unsplit file. */
  part: number;
}

/** Parse a nise file name; null for files that are not one of the four report types read here. */
export function parseNiseFileName(path: string): NiseCsvFile | null {
  const name = basename(path);
  const m = FILE_RE.exec(name);
  if (!m) return null;
  const table = tableOfReportType(m[4]);
  if (table === undefined) return null;
  return {
    path,
    name,
    year: Number(m[2]),
    month: MONTHS.indexOf(m[1]) + 1,
    clusterId: m[3],
    table,
    part: m[5] === undefined ? 0 : Number(m[5]),
  };
}

/** The nise files of a folder, checked (one cluster, at least one pod usage file) and ordered (month, type, part). */
export async function listNiseCsvFiles(dir: string): Promise<{ clusterId: string; files: NiseCsvFile[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new DataError(`cannot read the input folder ${dir}: ${(e as Error).message}`, dir);
  }
  const files = names.map((n) => parseNiseFileName(join(dir, n))).filter((f): f is NiseCsvFile => f !== null);
  if (files.length === 0) throw new DataError(`${dir}: no nise CSV files (<Month>-<Year>-<cluster>-<report_type>.csv)`, dir);
  const clusters = [...new Set(files.map((f) => f.clusterId))].sort();
  if (clusters.length > 1) {
    const first = files.find((f) => f.clusterId === clusters[0])!;
    const other = files.find((f) => f.clusterId === clusters[1])!;
    throw new DataError(
      `${dir}: files of more than one cluster (${clusters.join(", ")}), e.g. ${first.name} and ${other.name}; ` +
        "put each cluster in its own folder",
      other.path,
    );
  }
  if (!files.some((f) => f.table === "pod")) {
    throw new DataError(`${dir}: no ocp_pod_usage file; the daily summary needs pod usage`, dir);
  }
  files.sort(
    (a, b) =>
      a.year - b.year || a.month - b.month || TABLE_KEYS.indexOf(a.table) - TABLE_KEYS.indexOf(b.table) ||
      a.part - b.part,
  );
  return { clusterId: clusters[0], files };
}

/**
 * Read every nise CSV in `dir` into `sink`. Ignores vm, gpu and ros files and files not named as
 * nise names them. Rows reach the sink in file order (month, report type, split part), line order.
 */
export async function readNiseCsvDir(
  dir: string,
  sink: RowSink,
): Promise<{ clusterId: string; files: string[]; rows: Record<TableKey, number>; rowsPerFile: number[] }> {
  const { clusterId, files } = await listNiseCsvFiles(dir);
  const rows: Record<TableKey, number> = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
  const rowsPerFile: number[] = [];
  for (const f of files) {
    const n = await readNiseCsvFile(f.path, f.table, sink);
    rows[f.table] += n;
    rowsPerFile.push(n);
  }
  return { clusterId, files: files.map((f) => f.path), rows, rowsPerFile };
}

// ---------------------------------------------------------------------------------------------
// Typed rows

/** Read one nise CSV file of a known table into the sink. Returns the number of data rows. */
export async function readNiseCsvFile(path: string, table: TableKey, sink: RowSink): Promise<number> {
  const required = REQUIRED_COLUMNS[table];
  let width = -1;
  let conv: RowConverter | null = null;
  const deliver =
    table === "pod"
      ? (r: unknown) => sink.pod(r as PodUsageRow)
      : table === "storage"
        ? (r: unknown) => sink.storage(r as StorageUsageRow)
        : table === "nodeLabels"
          ? (r: unknown) => sink.nodeLabel(r as NodeLabelRow)
          : (r: unknown) => sink.namespaceLabel(r as NamespaceLabelRow);
  const records = await scanCsvFile(path, (rec) => {
    if (conv === null) {
      const header: string[] = [];
      for (let i = 0; i < rec.count; i++) header.push(rec.buf.toString("utf8", rec.starts[i], rec.ends[i]));
      header[0] = header[0].replace(/^\ufeff/, "");
      const idx = required.map((c) => header.indexOf(c));
      const missing = required.filter((_, i) => idx[i] < 0);
      if (missing.length > 0) {
        throw new DataError(
          `${path}:${rec.line}: column ${missing[0]}: missing from the header (${REPORT_TYPE[table]} needs ${missing.join(", ")})`,
          path,
          rec.line,
          missing[0],
        );
      }
      width = header.length;
      conv = makeConverter(table, path, Int32Array.from(idx));
      return;
    }
    if (rec.count !== width) {
      throw new DataError(`${path}:${rec.line}: ${rec.count} fields, the header has ${width}`, path, rec.line);
    }
    deliver(conv(rec));
  }, (message, line) => new DataError(message, path, line));
  if (conv === null) throw new DataError(`${path}: empty file, no header line`, path, 1);
  return records - 1;
}

type RowConverter = (rec: CsvRecord) => unknown;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const TS_SUFFIX = Buffer.from(" +0000 UTC");
const TS_FORMAT = "not a timestamp like 2024-01-30 00:00:00 +0000 UTC";

type FieldError = (rec: CsvRecord, c: number, what: string) => never;
type FieldReader<T> = (rec: CsvRecord, c: number) => T;

/** Row objects of one table from its records: each column read by its kind (timestamp, number, text). */
function makeConverter(table: TableKey, path: string, idx: Int32Array): RowConverter {
  const cols = REQUIRED_COLUMNS[table];
  const bad: FieldError = (rec, c, what) => {
    const value = rec.buf.toString("utf8", rec.starts[idx[c]], rec.ends[idx[c]]);
    throw new DataError(`${path}:${rec.line}: column ${cols[c]}: ${what}: ${JSON.stringify(value)}`, path, rec.line, cols[c]);
  };
  return rowMaker(table, timestampReader(idx, cols.length, bad), numberReader(idx, bad), textReader(idx));
}

/** A timestamp column's epoch ms; a bad one names its file, line and column. */
function timestampReader(idx: Int32Array, columns: number, bad: FieldError): FieldReader<number> {
  // Timestamps repeat on consecutive rows: remember the last digits (YYYYMMDDHHMMSS) and value per column.
  const lastKey = new Float64Array(columns).fill(NaN);
  const lastValue = new Float64Array(columns);
  return (rec: CsvRecord, c: number): number => {
    const b = rec.buf;
    const s = rec.starts[idx[c]];
    const len = rec.ends[idx[c]] - s;
    if (len !== 19) {
      let ok = len === 29;
      for (let k = 0; ok && k < 10; k++) ok = b[s + 19 + k] === TS_SUFFIX[k];
      if (!ok) bad(rec, c, TS_FORMAT);
    }
    let key = 0;
    for (let k = 0; k < 19; k++) {
      const ch = b[s + k];
      if (k === 4 || k === 7) {
        if (ch !== 45) bad(rec, c, TS_FORMAT);
      } else if (k === 10) {
        if (ch !== 32) bad(rec, c, TS_FORMAT);
      } else if (k === 13 || k === 16) {
        if (ch !== 58) bad(rec, c, TS_FORMAT);
      } else {
        const d = ch - 48;
        if (d < 0 || d > 9) bad(rec, c, TS_FORMAT);
        key = key * 10 + d;
      }
    }
    if (key === lastKey[c]) return lastValue[c];
    const v = parseNiseTimestamp(b.toString("latin1", s, s + 19));
    if (v === null) bad(rec, c, "not a valid date and time");
    lastKey[c] = key;
    lastValue[c] = v!;
    return v!;
  };
}

/** A number column's value (null when empty): a fast exact path, else parseMeasure. */
function numberReader(idx: Int32Array, bad: FieldError): FieldReader<number | null> {
  return (rec: CsvRecord, c: number): number | null => {
    const b = rec.buf;
    const s = rec.starts[idx[c]];
    const e = rec.ends[idx[c]];
    if (s === e) return null; // empty field -> NULL
    // Fast path: [-]digits[.digits] with at most 15 significant digits is exact as m / 10^k
    // (both exact doubles, and IEEE division rounds correctly), i.e. equal to Number(text).
    let i = s;
    let neg = false;
    if (b[i] === 45) {
      neg = true;
      i++;
    }
    let m = 0;
    let digits = 0;
    let dot = -1;
    for (; i < e; i++) {
      const ch = b[i];
      if (ch >= 48 && ch <= 57) {
        m = m * 10 + (ch - 48);
        digits++;
      } else if (ch === 46 && dot < 0) dot = i;
      else break;
    }
    if (i === e && digits > 0 && digits <= 15) {
      const v = dot < 0 ? m : m / POW10[e - 1 - dot];
      return neg ? -v : v;
    }
    const v = parseMeasure(b.toString("utf8", s, e));
    if (v === null) bad(rec, c, "not a number");
    return v;
  };
}

/** A text column's string, interned by its bytes. */
function textReader(idx: Int32Array): FieldReader<string> {
  // Text: intern by content. Names and label strings repeat across rows (every hour repeats every
  // pod), so a small table keyed by a hash of the bytes hands on the same string object for the
  // same value: no decoding per row, and the string's cached hash makes the sink's Map lookups cheap.
  const intern = new Map<number, { bytes: Buffer; text: string }>();
  return (rec: CsvRecord, c: number): string => {
    const b = rec.buf;
    const s = rec.starts[idx[c]];
    const e = rec.ends[idx[c]];
    const len = e - s;
    if (len === 0) return "";
    if (len > 512) return b.toString("utf8", s, e);
    let h = 0x811c9dc5 ^ len;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k], 0x01000193);
    const hit = intern.get(h);
    if (hit !== undefined && hit.bytes.length === len) {
      const hb = hit.bytes;
      let k = 0;
      while (k < len && b[s + k] === hb[k]) k++;
      if (k === len) return hit.text;
    }
    const text = b.toString("utf8", s, e);
    if (intern.size >= 200_000) intern.clear(); // bound the memory; values are re-interned as they come
    const bytes = Buffer.allocUnsafe(len);
    for (let k = 0; k < len; k++) bytes[k] = b[s + k];
    intern.set(h, { bytes, text });
    return text;
  };
}

/** The row object of one table, its columns in REQUIRED_COLUMNS order. */
function rowMaker(table: TableKey, ts: FieldReader<number>, num: FieldReader<number | null>, txt: FieldReader<string>): RowConverter {
  switch (table) {
    case "pod":
      return (r): PodUsageRow => ({
        report_period_start: ts(r, 0), report_period_end: ts(r, 1),
        interval_start: ts(r, 2), interval_end: ts(r, 3),
        pod: txt(r, 4), namespace: txt(r, 5), node: txt(r, 6), resource_id: txt(r, 7),
        pod_usage_cpu_core_seconds: num(r, 8),
        pod_request_cpu_core_seconds: num(r, 9),
        pod_limit_cpu_core_seconds: num(r, 10),
        pod_usage_memory_byte_seconds: num(r, 11),
        pod_request_memory_byte_seconds: num(r, 12),
        pod_limit_memory_byte_seconds: num(r, 13),
        node_capacity_cpu_cores: num(r, 14),
        node_capacity_cpu_core_seconds: num(r, 15),
        node_capacity_memory_bytes: num(r, 16),
        node_capacity_memory_byte_seconds: num(r, 17),
        pod_labels: txt(r, 18),
      });
    case "storage":
      return (r): StorageUsageRow => ({
        report_period_start: ts(r, 0), report_period_end: ts(r, 1),
        interval_start: ts(r, 2), interval_end: ts(r, 3),
        namespace: txt(r, 4), pod: txt(r, 5), node: txt(r, 6),
        persistentvolumeclaim: txt(r, 7), persistentvolume: txt(r, 8), storageclass: txt(r, 9),
        csi_driver: txt(r, 10), csi_volume_handle: txt(r, 11),
        persistentvolumeclaim_capacity_bytes: num(r, 12),
        persistentvolumeclaim_capacity_byte_seconds: num(r, 13),
        volume_request_storage_byte_seconds: num(r, 14),
        persistentvolumeclaim_usage_byte_seconds: num(r, 15),
        persistentvolume_labels: txt(r, 16),
        persistentvolumeclaim_labels: txt(r, 17),
      });
    case "nodeLabels":
      return (r): NodeLabelRow => ({
        report_period_start: ts(r, 0), report_period_end: ts(r, 1),
        interval_start: ts(r, 2), interval_end: ts(r, 3),
        node: txt(r, 4), node_labels: txt(r, 5),
      });
    case "namespaceLabels":
      return (r): NamespaceLabelRow => ({
        report_period_start: ts(r, 0), report_period_end: ts(r, 1),
        interval_start: ts(r, 2), interval_end: ts(r, 3),
        namespace: txt(r, 4), namespace_labels: txt(r, 5),
      });
  }
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: \+0000 UTC)?$/;

/**
 * nise's timestamp `2024-01-30 00:00:00 +0000 UTC` -> epoch ms (UTC); the ` +0000 UTC` suffix may
 * be absent (Koku strips it and parses the rest). null when malformed or not a real date/time.
 */
export function parseNiseTimestamp(s: string): number | null {
  const m = TS_RE.exec(s);
  if (!m) return null;
  const y = +m[1], mo = +m[2], d = +m[3], h = +m[4], mi = +m[5], se = +m[6];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  const v = Date.UTC(y, mo - 1, d, h, mi, se);
  if (new Date(v).getUTCDate() !== d) return null; // e.g. 2023-02-29
  return v;
}

/**
 * A measure as Python's float() reads nise's output (plain decimals, `.0`, exponents); stricter
 * than JS Number(): no whitespace, hex, binary, octal, `Infinity` or `NaN`. null when not a number.
 */
export function parseMeasure(s: string): number | null {
  if (s.length === 0) return null;
  const v = +s;
  if (!Number.isFinite(v)) return null;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  // first: digit, sign or '.'; last: digit or '.'
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) return null;
  if (!((last >= 48 && last <= 57) || last === 46)) return null;
  if (s.length > 1) {
    const second = s.charCodeAt(1) | 0x20; // lower-case letters
    if (second === 120 || second === 98 || second === 111) return null; // 0x.. 0b.. 0o..
  }
  return v;
}
