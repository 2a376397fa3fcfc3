// Compare two daily summaries row by row: the reference (expected) against what PostgreSQL returned
// (actual), or in-memory against streaming. Pure functions, no I/O.
//
// Rules (DESIGN.md, Validation; two empty summaries fail unless allowEmpty, as comparing nothing
// proves nothing):
//  1. Keys and row counts exact. Rows are matched on SUMMARY_IDENTITY_COLUMNS, with the label
//     columns canonicalised (parsed, keys sorted) first. Missing rows, extra rows and duplicate
//     keys on either side each fail.
//  2. Every measure within tolerance: a pair passes when |a - e| <= absTolerance OR
//     |a - e| <= relTolerance * |e|. NULL must match NULL; a number against NULL fails.
//  3. Non-key text columns (all_labels as a parsed map, cost_category_id) must match exactly.
//  4. Per metric: rows compared, max abs / max rel difference, rows outside tolerance, verdict,
//     and the worst rows (top 5 by relative difference) when it fails.
import {
  canonicalJsonText,
  SUMMARY_IDENTITY_COLUMNS,
  SUMMARY_MEASURE_COLUMNS,
  type SummaryMeasureColumn,
  type SummaryRow,
} from "../contract/summary-schema.ts";

export type Verdict = "PASS" | "FAIL";

export interface ToleranceOptions {
  /** Relative tolerance: |a - e| <= relTolerance * |e| passes. */
  relTolerance: number;
  /** Absolute tolerance: |a - e| <= absTolerance passes. */
  absTolerance: number;
}

export interface CompareOptions extends ToleranceOptions {
  /** Two empty summaries pass only with this set: by default comparing nothing fails. */
  allowEmpty?: boolean;
}

/** Default 1e-9 relative and 1e-9 absolute; numeric(33,15) rounding (1e-15) stays well inside. */
export const DEFAULT_TOLERANCE: Readonly<ToleranceOptions> = Object.freeze({ relTolerance: 1e-9, absTolerance: 1e-9 });

/** The rule, in words, for logs and reports. */
export function toleranceRule(t: ToleranceOptions): string {
  return (
    `a measure passes when |actual - expected| <= ${t.absTolerance} (absolute) ` +
    `OR |actual - expected| <= ${t.relTolerance} * |expected| (relative); NULL must equal NULL`
  );
}

/** The identity of a row, as readable values (labels canonicalised). */
export type RowKey = { [K in (typeof SUMMARY_IDENTITY_COLUMNS)[number]]: string | null };

export interface WorstRow {
  key: RowKey;
  expected: number | null;
  actual: number | null;
  /** Infinity when one side is NULL. */
  absDiff: number;
  /** Infinity when one side is NULL, or expected is 0 and actual is not. */
  relDiff: number;
}

export interface MetricResult {
  metric: SummaryMeasureColumn;
  /** Matched rows whose value was compared. */
  rowsCompared: number;
  /** Over pairs where both sides are numbers (0 when none). */
  maxAbsDiff: number;
  maxRelDiff: number;
  /** Rows outside tolerance, NULL mismatches included. */
  outsideTolerance: number;
  /** Of which: a number on one side, NULL on the other. */
  nullMismatches: number;
  verdict: Verdict;
  /** Top 5 rows outside tolerance by relative difference (empty when the metric passes). */
  worst: WorstRow[];
}

export interface TextMismatch {
  key: RowKey;
  expected: string | number | null;
  actual: string | number | null;
}

export interface TextColumnResult {
  column: "all_labels" | "cost_category_id";
  rowsCompared: number;
  mismatches: number;
  verdict: Verdict;
  /** Up to 5 examples. */
  samples: TextMismatch[];
}

export interface ValidationResult {
  verdict: Verdict;
  tolerance: ToleranceOptions;
  /** Both sides had no rows (fails unless allowEmpty). */
  empty: boolean;
  rows: {
    expected: number;
    actual: number;
    matched: number;
    /** Keys in expected, not in actual. */
    missing: number;
    /** Keys in actual, not in expected. */
    extra: number;
    /** Rows whose key already occurred earlier on the same side. */
    duplicateExpected: number;
    duplicateActual: number;
  };
  /** Up to SAMPLE_LIMIT keys of each kind. */
  samples: { missing: RowKey[]; extra: RowKey[]; duplicateExpected: RowKey[]; duplicateActual: RowKey[] };
  metrics: MetricResult[];
  text: TextColumnResult[];
  /** Over every metric, numeric pairs only. */
  maxAbsDiff: number;
  maxRelDiff: number;
}

export const SAMPLE_LIMIT = 10;
export const WORST_LIMIT = 5;

const LABEL_KEY_COLUMNS = new Set<string>(["pod_labels", "volume_labels"]);

/**
 * Canonical text of a label column: parsed and re-serialised with sorted keys, so two maps with
 * the same entries in a different order compare equal. Text that is not JSON is kept as is, behind
 * a marker, so it only ever equals the identical text.
 */
function labelsCompareText(text: string | null): string | null {
  if (text === null) return null;
  try {
    return canonicalJsonText(text);
  } catch {
    return `\u0000not-json:${text}`;
  }
}

function rowKey(row: SummaryRow): RowKey {
  const key = {} as RowKey;
  for (const c of SUMMARY_IDENTITY_COLUMNS) {
    const v = row[c];
    key[c] = LABEL_KEY_COLUMNS.has(c) ? labelsCompareText(v as string | null) : (v as string | null);
  }
  return key;
}

function keyText(key: RowKey): string {
  return JSON.stringify(SUMMARY_IDENTITY_COLUMNS.map((c) => key[c]));
}

interface Indexed {
  byKey: Map<string, { key: RowKey; row: SummaryRow }>;
  duplicates: number;
  duplicateSamples: RowKey[];
}

function index(rows: readonly SummaryRow[]): Indexed {
  const byKey = new Map<string, { key: RowKey; row: SummaryRow }>();
  let duplicates = 0;
  const duplicateSamples: RowKey[] = [];
  for (const row of rows) {
    const key = rowKey(row);
    const text = keyText(key);
    if (byKey.has(text)) {
      duplicates++;
      if (duplicateSamples.length < SAMPLE_LIMIT) duplicateSamples.push(key);
    } else {
      byKey.set(text, { key, row });
    }
  }
  return { byKey, duplicates, duplicateSamples };
}

/** |a - e| and |a - e| / |e| (0/0 = 0, x/0 = Infinity). */
export function differences(expected: number, actual: number): { abs: number; rel: number } {
  if (Number.isNaN(expected) || Number.isNaN(actual)) {
    const same = Number.isNaN(expected) && Number.isNaN(actual);
    return same ? { abs: 0, rel: 0 } : { abs: Infinity, rel: Infinity };
  }
  if (expected === actual) return { abs: 0, rel: 0 }; // also equal infinities
  const abs = Math.abs(actual - expected);
  const rel = expected === 0 ? Infinity : abs / Math.abs(expected);
  return { abs, rel };
}

/** The tolerance rule for one pair of numbers. */
export function withinTolerance(expected: number, actual: number, t: ToleranceOptions): boolean {
  // Infinity <= tol x Infinity would pass anything: a non-finite value only matches itself.
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return Object.is(expected, actual);
  const d = differences(expected, actual);
  return d.abs <= t.absTolerance || d.abs <= t.relTolerance * Math.abs(expected);
}

function worstFirst(a: WorstRow, b: WorstRow): number {
  if (b.relDiff !== a.relDiff) return b.relDiff > a.relDiff ? 1 : -1;
  return b.absDiff > a.absDiff ? 1 : b.absDiff < a.absDiff ? -1 : 0;
}

export function compareSummaries(
  expected: readonly SummaryRow[],
  actual: readonly SummaryRow[],
  opts: CompareOptions,
): ValidationResult {
  const tolerance = { relTolerance: opts.relTolerance, absTolerance: opts.absTolerance };
  const e = index(expected);
  const a = index(actual);

  const missingSamples: RowKey[] = [];
  const extraSamples: RowKey[] = [];
  let missing = 0;
  let extra = 0;
  const pairs: { key: RowKey; e: SummaryRow; a: SummaryRow }[] = [];
  for (const [text, ev] of e.byKey) {
    const av = a.byKey.get(text);
    if (av) pairs.push({ key: ev.key, e: ev.row, a: av.row });
    else {
      missing++;
      if (missingSamples.length < SAMPLE_LIMIT) missingSamples.push(ev.key);
    }
  }
  for (const [text, av] of a.byKey) {
    if (!e.byKey.has(text)) {
      extra++;
      if (extraSamples.length < SAMPLE_LIMIT) extraSamples.push(av.key);
    }
  }

  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  const metrics: MetricResult[] = SUMMARY_MEASURE_COLUMNS.map((metric) => {
    let maxAbs = 0;
    let maxRel = 0;
    let outside = 0;
    let nullMismatches = 0;
    const bad: WorstRow[] = [];
    for (const p of pairs) {
      const ev = p.e[metric];
      const av = p.a[metric];
      if (ev === null && av === null) continue;
      if (ev === null || av === null) {
        outside++;
        nullMismatches++;
        bad.push({ key: p.key, expected: ev, actual: av, absDiff: Infinity, relDiff: Infinity });
        continue;
      }
      const d = differences(ev, av);
      if (d.abs > maxAbs) maxAbs = d.abs;
      if (d.rel > maxRel) maxRel = d.rel;
      if (!withinTolerance(ev, av, tolerance)) {
        outside++;
        bad.push({ key: p.key, expected: ev, actual: av, absDiff: d.abs, relDiff: d.rel });
      }
    }
    if (maxAbs > maxAbsDiff) maxAbsDiff = maxAbs;
    if (maxRel > maxRelDiff) maxRelDiff = maxRel;
    const worst = bad.sort(worstFirst).slice(0, WORST_LIMIT);
    return {
      metric,
      rowsCompared: pairs.length,
      maxAbsDiff: maxAbs,
      maxRelDiff: maxRel,
      outsideTolerance: outside,
      nullMismatches,
      verdict: outside === 0 ? "PASS" : "FAIL",
      worst,
    };
  });

  const text: TextColumnResult[] = (["all_labels", "cost_category_id"] as const).map((column) => {
    let mismatches = 0;
    const samples: TextMismatch[] = [];
    for (const p of pairs) {
      const ev = p.e[column];
      const av = p.a[column];
      const same =
        column === "all_labels" ? labelsCompareText(ev as string | null) === labelsCompareText(av as string | null) : ev === av;
      if (!same) {
        mismatches++;
        if (samples.length < WORST_LIMIT) samples.push({ key: p.key, expected: ev, actual: av });
      }
    }
    return { column, rowsCompared: pairs.length, mismatches, verdict: mismatches === 0 ? "PASS" : "FAIL", samples };
  });

  const rows = {
    expected: expected.length,
    actual: actual.length,
    matched: pairs.length,
    missing,
    extra,
    duplicateExpected: e.duplicates,
    duplicateActual: a.duplicates,
  };
  const empty = rows.expected === 0 && rows.actual === 0;
  const ok =
    (!empty || opts.allowEmpty === true) &&
    rows.expected === rows.actual &&
    missing === 0 &&
    extra === 0 &&
    e.duplicates === 0 &&
    a.duplicates === 0 &&
    metrics.every((m) => m.verdict === "PASS") &&
    text.every((t) => t.verdict === "PASS");

  return {
    verdict: ok ? "PASS" : "FAIL",
    tolerance,
    empty,
    rows,
    samples: {
      missing: missingSamples,
      extra: extraSamples,
      duplicateExpected: e.duplicateSamples,
      duplicateActual: a.duplicateSamples,
    },
    metrics,
    text,
    maxAbsDiff,
    maxRelDiff,
  };
}

