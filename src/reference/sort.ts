// Canonical order of summary rows: by the key columns, compared as strings, NULL first.

import { SUMMARY_KEY_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";

function keyString(v: string | number | null): string | null {
  return v === null ? null : typeof v === "string" ? v : String(v);
}

/** Compare two rows by SUMMARY_KEY_COLUMNS in order; strings by UTF-16 code units; NULL sorts first. */
export function compareSummaryRows(a: SummaryRow, b: SummaryRow): number {
  for (const col of SUMMARY_KEY_COLUMNS) {
    const x = keyString(a[col]);
    const y = keyString(b[col]);
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A sorted copy of the rows (the input is not modified). */
export function sortSummaryRows(rows: readonly SummaryRow[]): SummaryRow[] {
  return [...rows].sort(compareSummaryRows);
}
