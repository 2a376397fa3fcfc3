// Read a folder of nise CSV files and hand typed rows to a RowSink, one at a time, streaming
// (a file is never held in memory whole). Dialect: spec/nise-ocp-format.md §7.3 (header line,
// `,` delimiter, `\r\n` line ends — `\n` accepted too — QUOTE_MINIMAL with doubled quotes).
// Strict: every problem is a DataError naming the file, the 1-based line and the column.

import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { DataError } from "../errors.ts";
import {
  REPORT_TYPES,
  type NamespaceLabelRow,
  type NodeLabelRow,
  type PodUsageRow,
  type ReportType,
  type RowSink,
  type StorageUsageRow,
} from "./rows.ts";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** Every report type nise writes; only REPORT_TYPES are read, the others are ignored. */
const ALL_NISE_TYPES = [...REPORT_TYPES, "ocp_vm_usage", "ocp_gpu_usage", "ocp_ros_usage", "ocp_ros_namespace_usage"];
const FILE_RE = new RegExp(`^(${MONTHS.join("|")})-(\\d{4})-(.+)-(${ALL_NISE_TYPES.join("|")})(?:-(\\d+))?\\.csv$`);

const PERIOD = ["report_period_start", "report_period_end", "interval_start", "interval_end"] as const;

/** The columns each report type must have (rows.ts field names = nise column names). */
export const REQUIRED_COLUMNS: Record<ReportType, readonly string[]> = {
  ocp_pod_usage: [
    ...PERIOD, "pod", "namespace", "node", "resource_id", "pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds",
    "pod_limit_cpu_core_seconds", "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds",
    "pod_limit_memory_byte_seconds", "node_capacity_cpu_cores", "node_capacity_cpu_core_seconds",
    "node_capacity_memory_bytes", "node_capacity_memory_byte_seconds", "pod_labels",
  ],
  ocp_storage_usage: [
    ...PERIOD, "namespace", "pod", "node", "persistentvolumeclaim", "persistentvolume", "storageclass", "csi_driver",
    "csi_volume_handle", "persistentvolumeclaim_capacity_bytes", "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds", "persistentvolumeclaim_usage_byte_seconds", "persistentvolume_labels",
    "persistentvolumeclaim_labels",
  ],
  ocp_node_label: [...PERIOD, "node", "node_labels"],
  ocp_namespace_label: [...PERIOD, "namespace", "namespace_labels"],
};

/** One nise CSV file recognised by its name. */
export interface NiseCsvFile {
  path: string;
  name: string;
  year: number;
  /** 1-12 */
  month: number;
  clusterId: string;
  reportType: ReportType;
  /** Split part number (`-1.csv`, `-2.csv`), 0 for an unsplit file. */
  part: number;
}

/** Parse a nise file name; null for files that are not one of the four report types read here. */
export function parseNiseFileName(path: string): NiseCsvFile | null {
  const name = basename(path);
  const m = FILE_RE.exec(name);
  if (!m) return null;
  const reportType = m[4];
  if (!(REPORT_TYPES as readonly string[]).includes(reportType)) return null;
  return {
    path,
    name,
    year: Number(m[2]),
    month: MONTHS.indexOf(m[1]) + 1,
    clusterId: m[3],
    reportType: reportType as ReportType,
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
  if (!files.some((f) => f.reportType === "ocp_pod_usage")) {
    throw new DataError(`${dir}: no ocp_pod_usage file; the daily summary needs pod usage`, dir);
  }
  files.sort(
    (a, b) =>
      a.year - b.year || a.month - b.month || REPORT_TYPES.indexOf(a.reportType) - REPORT_TYPES.indexOf(b.reportType) ||
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
): Promise<{ clusterId: string; files: string[]; rows: Record<ReportType, number> }> {
  const { clusterId, files } = await listNiseCsvFiles(dir);
  const rows: Record<ReportType, number> = { ocp_pod_usage: 0, ocp_storage_usage: 0, ocp_node_label: 0, ocp_namespace_label: 0 };
  for (const f of files) rows[f.reportType] += await readNiseCsvFile(f.path, f.reportType, sink);
  return { clusterId, files: files.map((f) => f.path), rows };
}

// ---------------------------------------------------------------------------------------------
// Record splitting

/**
 * Stream the records of a CSV file: calls onRecord(fields, line) for each non-blank record, line
 * being the 1-based physical line where the record starts. Handles `\r\n` and `\n`, quoted fields
 * (with `,`, `"` doubled, and line breaks inside). Returns the number of records.
 */
export async function forEachCsvRecord(
  path: string,
  onRecord: (fields: string[], line: number) => void,
): Promise<number> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let line = 1; // line number of the start of `carry`
  let records = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      const consumed = splitRecords(text, false);
      carry = text.slice(consumed.end);
      line = consumed.nextLine;
    }
    const rest = carry + decoder.end();
    if (rest.length > 0) splitRecords(rest, true);
  } catch (e) {
    // File-system errors become DataErrors naming the file; anything else (a DataError from the
    // parser, an error of the sink) passes through unchanged.
    if (typeof (e as NodeJS.ErrnoException)?.code === "string" && !(e instanceof DataError)) {
      throw new DataError(`${path}: cannot read: ${(e as Error).message}`, path);
    }
    throw e;
  } finally {
    stream.destroy();
  }
  return records;

  /** Emit the complete records of `text`; returns where the unconsumed rest starts. */
  function splitRecords(text: string, final: boolean): { end: number; nextLine: number } {
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      let nl = text.indexOf("\n", pos);
      if (nl < 0) {
        if (!final) break;
        nl = n;
      }
      let lineText = text.slice(pos, nl);
      if (lineText.indexOf('"') < 0) {
        // Fast path: no quotes on this line.
        if (lineText.charCodeAt(lineText.length - 1) === 13) lineText = lineText.slice(0, -1);
        if (lineText.length > 0) {
          records++;
          onRecord(lineText.split(","), line);
        }
        line++;
        pos = nl + 1;
        continue;
      }
      // Quoted record: it may run over several lines.
      const parsed = parseQuoted(text, pos, final);
      if (parsed === null) break; // incomplete: wait for more text
      records++;
      onRecord(parsed.fields, line);
      line += parsed.lines;
      pos = parsed.end;
    }
    return { end: Math.min(pos, n), nextLine: line };
  }

  function parseQuoted(text: string, start: number, final: boolean): { fields: string[]; end: number; lines: number } | null {
    const fields: string[] = [];
    let i = start;
    const n = text.length;
    let lines = 1;
    let field = "";
    for (;;) {
      if (i < n && text.charCodeAt(i) === 34) {
        // Quoted field.
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            if (!final) return null;
            throw new DataError(`${path}:${line}: unterminated quoted field`, path, line);
          }
          const piece = text.slice(i, q);
          for (let k = piece.indexOf("\n"); k >= 0; k = piece.indexOf("\n", k + 1)) lines++;
          field += piece;
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return null; // cannot tell yet whether the quote is doubled
          i = q + 1;
          break;
        }
        // After the closing quote: a delimiter, a line end or the end of the text.
        if (i < n && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
          throw new DataError(`${path}:${line}: unexpected character after a closing quote`, path, line);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10) break;
          if (c === 34) throw new DataError(`${path}:${line}: a quote inside an unquoted field`, path, line);
          j++;
        }
        field += text.slice(i, j);
        i = j;
        if (field.charCodeAt(field.length - 1) === 13 && (i >= n || text.charCodeAt(i) === 10)) field = field.slice(0, -1);
      }
      if (i < n && text.charCodeAt(i) === 13 && (i + 1 >= n || text.charCodeAt(i + 1) === 10)) i++;
      if (i >= n) {
        if (!final) return null;
        fields.push(field);
        return { fields, end: n, lines };
      }
      const c = text.charCodeAt(i);
      fields.push(field);
      field = "";
      if (c === 10) return { fields, end: i + 1, lines: lines };
      i++; // comma
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Typed rows

/** Read one nise CSV file of a known report type into the sink. Returns the number of data rows. */
export async function readNiseCsvFile(path: string, reportType: ReportType, sink: RowSink): Promise<number> {
  const required = REQUIRED_COLUMNS[reportType];
  let idx: number[] | null = null;
  let width = 0;
  let conv: RowConverter | null = null;
  const deliver =
    reportType === "ocp_pod_usage"
      ? (r: unknown) => sink.pod(r as PodUsageRow)
      : reportType === "ocp_storage_usage"
        ? (r: unknown) => sink.storage(r as StorageUsageRow)
        : reportType === "ocp_node_label"
          ? (r: unknown) => sink.nodeLabel(r as NodeLabelRow)
          : (r: unknown) => sink.namespaceLabel(r as NamespaceLabelRow);
  const records = await forEachCsvRecord(path, (fields, line) => {
    if (idx === null) {
      const header = fields.map((h, i) => (i === 0 ? h.replace(/^\ufeff/, "") : h));
      idx = required.map((c) => header.indexOf(c));
      const missing = required.filter((_, i) => idx![i] < 0);
      if (missing.length > 0) {
        throw new DataError(
          `${path}:${line}: column ${missing[0]}: missing from the header (${reportType} needs ${missing.join(", ")})`,
          path,
          line,
          missing[0],
        );
      }
      width = header.length;
      conv = makeConverter(reportType, path, idx);
      return;
    }
    if (fields.length !== width) {
      throw new DataError(`${path}:${line}: ${fields.length} fields, the header has ${width}`, path, line);
    }
    deliver(conv!(fields, line));
  });
  if (idx === null) throw new DataError(`${path}: empty file, no header line`, path, 1);
  return records - 1;
}

type RowConverter = (f: string[], line: number) => unknown;

function makeConverter(reportType: ReportType, path: string, idx: number[]): RowConverter {
  const cols = REQUIRED_COLUMNS[reportType];
  const bad = (line: number, col: number, what: string, value: string): never => {
    throw new DataError(`${path}:${line}: column ${cols[col]}: ${what}: ${JSON.stringify(value)}`, path, line, cols[col]);
  };
  // Timestamps repeat on consecutive rows: remember the last text and value per column.
  const lastText = ["", "", "", ""];
  const lastValue = [NaN, NaN, NaN, NaN];
  const ts = (f: string[], line: number, c: number): number => {
    const s = f[idx[c]];
    if (s === lastText[c]) return lastValue[c];
    const v = parseNiseTimestamp(s);
    if (v === null) bad(line, c, "not a timestamp like 2024-01-30 00:00:00 +0000 UTC", s);
    lastText[c] = s;
    lastValue[c] = v!;
    return v!;
  };
  const num = (f: string[], line: number, c: number): number | null => {
    const s = f[idx[c]];
    if (s === "") return null;
    const v = parseMeasure(s);
    if (v === null) bad(line, c, "not a number", s);
    return v;
  };
  const txt = (f: string[], c: number): string => f[idx[c]];
  switch (reportType) {
    case "ocp_pod_usage":
      return (f, l): PodUsageRow => ({
        report_period_start: ts(f, l, 0), report_period_end: ts(f, l, 1),
        interval_start: ts(f, l, 2), interval_end: ts(f, l, 3),
        pod: txt(f, 4), namespace: txt(f, 5), node: txt(f, 6), resource_id: txt(f, 7),
        pod_usage_cpu_core_seconds: num(f, l, 8),
        pod_request_cpu_core_seconds: num(f, l, 9),
        pod_limit_cpu_core_seconds: num(f, l, 10),
        pod_usage_memory_byte_seconds: num(f, l, 11),
        pod_request_memory_byte_seconds: num(f, l, 12),
        pod_limit_memory_byte_seconds: num(f, l, 13),
        node_capacity_cpu_cores: num(f, l, 14),
        node_capacity_cpu_core_seconds: num(f, l, 15),
        node_capacity_memory_bytes: num(f, l, 16),
        node_capacity_memory_byte_seconds: num(f, l, 17),
        pod_labels: txt(f, 18),
      });
    case "ocp_storage_usage":
      return (f, l): StorageUsageRow => ({
        report_period_start: ts(f, l, 0), report_period_end: ts(f, l, 1),
        interval_start: ts(f, l, 2), interval_end: ts(f, l, 3),
        namespace: txt(f, 4), pod: txt(f, 5), node: txt(f, 6),
        persistentvolumeclaim: txt(f, 7), persistentvolume: txt(f, 8), storageclass: txt(f, 9),
        csi_driver: txt(f, 10), csi_volume_handle: txt(f, 11),
        persistentvolumeclaim_capacity_bytes: num(f, l, 12),
        persistentvolumeclaim_capacity_byte_seconds: num(f, l, 13),
        volume_request_storage_byte_seconds: num(f, l, 14),
        persistentvolumeclaim_usage_byte_seconds: num(f, l, 15),
        persistentvolume_labels: txt(f, 16),
        persistentvolumeclaim_labels: txt(f, 17),
      });
    case "ocp_node_label":
      return (f, l): NodeLabelRow => ({
        report_period_start: ts(f, l, 0), report_period_end: ts(f, l, 1),
        interval_start: ts(f, l, 2), interval_end: ts(f, l, 3),
        node: txt(f, 4), node_labels: txt(f, 5),
      });
    case "ocp_namespace_label":
      return (f, l): NamespaceLabelRow => ({
        report_period_start: ts(f, l, 0), report_period_end: ts(f, l, 1),
        interval_start: ts(f, l, 2), interval_end: ts(f, l, 3),
        namespace: txt(f, 4), namespace_labels: txt(f, 5),
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
