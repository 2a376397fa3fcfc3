// The canonical summary CSV (DESIGN.md; summary_<scale>_<mode>.csv in a run folder, and what
// `aggregate --out` writes), not SUMMARY.csv (summary-table-csv.ts): columns SUMMARY_COLUMNS in order, NULL = empty cell,
// labels as compact JSON with sorted keys, rows in canonical order, numbers in full precision (JS
// shortest round-trip). Two summaries that agree produce byte-identical files.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import pl from "nodejs-polars";
import { csvField } from "../contract/csv-field.ts";
import { canonicalJsonText, compareSummaryRows, SUMMARY_COLUMNS, SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";

const LABEL_COLUMNS = new Set(["pod_labels", "volume_labels", "all_labels"]);

function numberCell(n: number): string {
  if (Object.is(n, -0)) return "0";
  return String(n); // shortest round-trip representation
}

/** A label cell, canonicalised once per distinct text: a summary's rows share a few hundred label sets. */
type LabelCells = Map<string, string>;

function cell(column: string, value: unknown, labels: LabelCells): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return numberCell(value);
  if (LABEL_COLUMNS.has(column)) {
    const text = String(value);
    let c = labels.get(text);
    if (c === undefined) labels.set(text, (c = csvField(canonicalJsonText(text))));
    return c;
  }
  return csvField(String(value));
}

function line(row: SummaryRow, labels: LabelCells): string {
  return SUMMARY_COLUMNS.map((c) => cell(c, (row as Record<string, unknown>)[c], labels)).join(",");
}

/** The whole CSV text: header, then the rows in canonical order (ties broken by the line text). */
export function formatSummaryCsv(rows: readonly SummaryRow[]): string {
  const labels: LabelCells = new Map();
  const lines = rows.map((row) => ({ row, text: line(row, labels) }));
  lines.sort((a, b) => compareSummaryRows(a.row, b.row) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return [SUMMARY_COLUMNS.join(","), ...lines.map((l) => l.text)].join("\n") + "\n";
}

/**
 * Write the CSV to a temp file next to `path`, then rename: no partial file is ever left. The temp
 * name is unguessable and created exclusively ("wx"), so a link planted beside `path` (aggregate
 * --out may name a shared folder such as /tmp) is never written through.
 */
export async function writeSummaryCsv(path: string, rows: readonly SummaryRow[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  const fd = openSync(tmp, "wx");
  try {
    try {
      writeFileSync(fd, formatSummaryCsv(rows));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function isoDay(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

/** The summary parquet a pipeline wrote, as SummaryRows (usage_start "YYYY-MM-DD"). */
export async function readSummaryParquet(path: string): Promise<SummaryRow[]> {
  const df = pl.readParquet(readFileSync(path)); // a Buffer: any file name works (stack-notes §1)
  const missing = SUMMARY_COLUMNS.filter((c) => !df.columns.includes(c));
  if (missing.length > 0) throw new Error(`${path}: summary columns missing: ${missing.join(", ")}`);
  const measures = new Set<string>(SUMMARY_MEASURE_COLUMNS);
  // Column by column: toRecords() crosses into polars once per value and is ~4x slower.
  const columns = SUMMARY_COLUMNS.map((c) => [c, df.getColumn(c).toArray() as unknown[]] as const);
  const rows: SummaryRow[] = new Array(df.height);
  for (let i = 0; i < df.height; i++) {
    const row: Record<string, unknown> = {};
    for (const [c, values] of columns) {
      const v = values[i];
      if (c === "usage_start") row[c] = isoDay(v);
      else if (v === null || v === undefined) row[c] = null;
      else if (measures.has(c) || c === "cost_category_id") row[c] = Number(v);
      else row[c] = String(v);
    }
    rows[i] = row as SummaryRow;
  }
  return rows;
}
