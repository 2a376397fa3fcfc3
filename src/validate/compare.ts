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
import type { ToleranceOptions } from "./tolerance.ts";

export type Verdict = "PASS" | "FAIL";

export interface CompareOptions extends ToleranceOptions {
  /** Two empty summaries pass only with this set: by default comparing nothing fails. */
  allowEmpty?: boolean;
}

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

/**
 * labelsCompareText, memoised for one comparison: label texts repeat across rows (a few thousand
 * distinct sets at production-large for 132,060 rows x 3 columns x 2 sides). `id` numbers the
 * canonical texts (equal canonical text, equal id), so row keys carry a short number instead.
 */
interface Labels {
  (text: string | null): string | null;
  id(text: string | null): number;
}

function labelCanonicaliser(): Labels {
  const seen = new Map<string, string | null>();
  const ids = new Map<string, number>();
  const textIds = new Map<string, number>();
  const canonical = ((text: string | null) => {
    if (text === null) return null;
    let c = seen.get(text);
    if (c === undefined) seen.set(text, (c = labelsCompareText(text)));
    return c;
  }) as Labels;
  canonical.id = (text) => {
    if (text === null) return -1;
    let id = textIds.get(text);
    if (id === undefined) {
      const c = canonical(text)!;
      id = ids.get(c);
      if (id === undefined) ids.set(c, (id = ids.size));
      textIds.set(text, id);
    }
    return id;
  };
  return canonical;
}

function rowKey(row: SummaryRow, labels: (text: string | null) => string | null): RowKey {
  const key = {} as RowKey;
  for (const c of SUMMARY_IDENTITY_COLUMNS) {
    const v = row[c];
    key[c] = LABEL_KEY_COLUMNS.has(c) ? labels(v as string | null) : (v as string | null);
  }
  return key;
}

/**
 * The identity of a row as a short string, labels canonicalised: each identity value is numbered
 * (one numbering for every text column, NULL = 0; labels by the id of their canonical text), and
 * the key is those numbers as UTF-16 code units, two per number. Equal keys <=> equal identities.
 * Short, flat keys hash and compare fast; a key built by concatenating the values themselves was
 * most of the time of validating 132,060 rows (long concatenated strings, flattened on hashing).
 */
interface KeyMaker {
  (row: SummaryRow): string;
}

/**
 * The identity columns keyMaker reads, written out in its body for speed: a deliberate second list
 * of SUMMARY_IDENTITY_COLUMNS, checked against it when this module loads.
 */
const KEY_COLUMNS_WRITTEN_OUT = [
  "usage_start",
  "data_source",
  "namespace",
  "node",
  "resource_id",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "pod_labels",
  "volume_labels",
] as const;
if (KEY_COLUMNS_WRITTEN_OUT.join() !== SUMMARY_IDENTITY_COLUMNS.join()) {
  throw new Error("SUMMARY_IDENTITY_COLUMNS changed: update keyMaker in src/validate/compare.ts");
}

function keyMaker(labels: Labels): KeyMaker {
  const ids = new Map<string, number>();
  const codes: number[] = new Array<number>(2 * KEY_COLUMNS_WRITTEN_OUT.length).fill(0);
  const text = (at: number, v: string | null) => {
    let id = 0;
    if (v !== null) {
      id = ids.get(v) ?? 0;
      if (id === 0) ids.set(v, (id = ids.size + 1));
    }
    codes[at] = id & 0xffff;
    codes[at + 1] = id >>> 16;
  };
  const label = (at: number, v: string | null) => {
    const id = labels.id(v) + 1;
    codes[at] = id & 0xffff;
    codes[at + 1] = id >>> 16;
  };
  // Property by property (not a loop over column names): one shape per read, no keyed lookups.
  return (row) => {
    text(0, row.usage_start);
    text(2, row.data_source);
    text(4, row.namespace);
    text(6, row.node);
    text(8, row.resource_id);
    text(10, row.persistentvolumeclaim);
    text(12, row.persistentvolume);
    text(14, row.storageclass);
    label(16, row.pod_labels);
    label(18, row.volume_labels);
    return String.fromCharCode.apply(null, codes);
  };
}

interface Indexed {
  /** Key -> index of its first row. */
  byKey: Map<string, number>;
  duplicates: number;
  duplicateSamples: RowKey[];
}

function index(rows: readonly SummaryRow[], key: KeyMaker, labels: Labels): Indexed {
  const byKey = new Map<string, number>();
  let duplicates = 0;
  const duplicateSamples: RowKey[] = [];
  for (let i = 0; i < rows.length; i++) {
    const text = key(rows[i]);
    if (byKey.has(text)) {
      duplicates++;
      if (duplicateSamples.length < SAMPLE_LIMIT) duplicateSamples.push(rowKey(rows[i], labels));
    } else {
      byKey.set(text, i);
    }
  }
  return { byKey, duplicates, duplicateSamples };
}

/** |a - e| (NaN against NaN: 0; NaN against a number: Infinity). */
function absDifference(expected: number, actual: number): number {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual) ? 0 : Infinity;
  if (expected === actual) return 0; // also equal infinities
  return Math.abs(actual - expected);
}

/** |a - e| / |e| given abs = absDifference(e, a) (0/0 = 0, x/0 = Infinity). */
function relDifference(expected: number, abs: number): number {
  if (abs === 0) return 0;
  if (abs === Infinity && Number.isNaN(expected)) return Infinity;
  return expected === 0 ? Infinity : abs / Math.abs(expected);
}

/** |a - e| and |a - e| / |e| (0/0 = 0, x/0 = Infinity). */
export function differences(expected: number, actual: number): { abs: number; rel: number } {
  const abs = absDifference(expected, actual);
  return { abs, rel: relDifference(expected, abs) };
}

/** The tolerance rule for one pair of numbers. */
export function withinTolerance(expected: number, actual: number, t: ToleranceOptions): boolean {
  // Infinity <= tol x Infinity would pass anything: a non-finite value only matches itself.
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return Object.is(expected, actual);
  const abs = absDifference(expected, actual);
  return abs <= t.absTolerance || abs <= t.relTolerance * Math.abs(expected);
}

/** A row outside tolerance, its key worked out only if it is among the worst shown. */
interface BadPair {
  /** Index of the expected row: ties in the ranking go to the earlier row, whatever order the actual rows came in. */
  at: number;
  row: SummaryRow;
  expected: number | null;
  actual: number | null;
  absDiff: number;
  relDiff: number;
}

function worstFirst(a: BadPair, b: BadPair): number {
  if (b.relDiff !== a.relDiff) return b.relDiff > a.relDiff ? 1 : -1;
  if (b.absDiff !== a.absDiff) return b.absDiff > a.absDiff ? 1 : -1;
  return a.at - b.at;
}

/**
 * The expected side of comparisons, indexed once: every run of a scale is compared against the
 * same reference, and indexing its 132,060 rows at production-large took as long as matching them.
 * The rows must not change while it is in use.
 */
export interface ExpectedSummary {
  readonly rows: readonly SummaryRow[];
  /** @internal the memos and index the comparisons share */
  readonly labels: Labels;
  readonly key: KeyMaker;
  readonly index: Indexed;
}

export function indexExpected(expected: readonly SummaryRow[]): ExpectedSummary {
  const labels = labelCanonicaliser();
  const key = keyMaker(labels);
  return { rows: expected, labels, key, index: index(expected, key, labels) };
}

/**
 * A comparison fed the actual rows one at a time, as a readback parses them, so matching and
 * measuring overlap with the read. finish() gives the same result for the same rows in any order.
 */
export interface SummaryComparison {
  add(row: SummaryRow): void;
  finish(): ValidationResult;
}

const TEXT_COLUMNS = ["all_labels", "cost_category_id"] as const;

/** One metric's figures over the matched pairs so far. */
interface MetricAcc {
  metric: (typeof SUMMARY_MEASURE_COLUMNS)[number];
  maxAbs: number;
  maxRel: number;
  outside: number;
  nullMismatches: number;
  bad: BadPair[];
}

/** One text column's mismatches over the matched pairs so far. */
interface TextAcc {
  column: (typeof TEXT_COLUMNS)[number];
  mismatches: { at: number; expected: string | number | null; actual: string | number | null }[];
}

/** The actual side's rows that matched no expected row, or one already matched. */
interface ActualSide {
  rows: number;
  extra: number;
  extraKeys: Set<string>;
  extraSamples: RowKey[];
  duplicates: number;
  duplicateSamples: RowKey[];
}

export function startComparison(expectedSummary: ExpectedSummary, opts: CompareOptions): SummaryComparison {
  const tolerance = { relTolerance: opts.relTolerance, absTolerance: opts.absTolerance };
  const { rows: expected, labels, key, index: e } = expectedSummary;

  // matched[i] is 1 once expected row i has met its actual row. A key seen twice on the actual
  // side is a duplicate whether or not it is expected.
  const matched = new Uint8Array(expected.length);
  let pairs = 0;
  const a: ActualSide = { rows: 0, extra: 0, extraKeys: new Set<string>(), extraSamples: [], duplicates: 0, duplicateSamples: [] };
  const acc: MetricAcc[] = SUMMARY_MEASURE_COLUMNS.map((metric) => ({ metric, maxAbs: 0, maxRel: 0, outside: 0, nullMismatches: 0, bad: [] }));
  const textAcc: TextAcc[] = TEXT_COLUMNS.map((column) => ({ column, mismatches: [] }));

  return {
    add(ar) {
      a.rows++;
      const text = key(ar);
      const i = e.byKey.get(text);
      if (i !== undefined && matched[i] === 0) {
        matched[i] = 1;
        pairs++;
        measureMetrics(acc, tolerance, i, expected[i], ar);
        measureText(textAcc, labels, i, expected[i], ar);
      } else noteUnmatched(a, i !== undefined, text, ar, labels);
    },
    finish: () => finishComparison(expectedSummary, opts, { matched, pairs, a, acc, textAcc }),
  };
}

/** An actual row no expected row took: a duplicate (its key met before), else an extra row. */
function noteUnmatched(a: ActualSide, expectedKey: boolean, text: string, ar: SummaryRow, labels: Labels): void {
  if (!expectedKey && !a.extraKeys.has(text)) {
    a.extraKeys.add(text);
    a.extra++;
    if (a.extraSamples.length < SAMPLE_LIMIT) a.extraSamples.push(rowKey(ar, labels));
    return;
  }
  a.duplicates++;
  if (a.duplicateSamples.length < SAMPLE_LIMIT) a.duplicateSamples.push(rowKey(ar, labels));
}

/** Every metric of one matched pair; nothing allocated for a pair that passes. */
function measureMetrics(acc: MetricAcc[], tolerance: ToleranceOptions, at: number, er: SummaryRow, ar: SummaryRow): void {
  for (const m of acc) {
    const ev = er[m.metric];
    const av = ar[m.metric];
    if (ev === null && av === null) continue;
    if (ev === null || av === null) {
      m.outside++;
      m.nullMismatches++;
      m.bad.push({ at, row: er, expected: ev, actual: av, absDiff: Infinity, relDiff: Infinity });
      continue;
    }
    const abs = absDifference(ev, av);
    const rel = relDifference(ev, abs);
    if (abs > m.maxAbs) m.maxAbs = abs;
    if (rel > m.maxRel) m.maxRel = rel;
    if (!withinTolerance(ev, av, tolerance)) {
      m.outside++;
      m.bad.push({ at, row: er, expected: ev, actual: av, absDiff: abs, relDiff: rel });
    }
  }
}

/** Every text column of one matched pair. */
function measureText(textAcc: TextAcc[], labels: Labels, at: number, er: SummaryRow, ar: SummaryRow): void {
  for (const t of textAcc) {
    const ev = er[t.column];
    const av = ar[t.column];
    // Identical text is the same map; only differing texts need their canonical forms.
    const same = ev === av || (t.column === "all_labels" && labels(ev as string | null) === labels(av as string | null));
    if (!same) t.mismatches.push({ at, expected: ev, actual: av });
  }
}

/** What a comparison gathered while rows came in. */
interface Gathered {
  matched: Uint8Array;
  pairs: number;
  a: ActualSide;
  acc: MetricAcc[];
  textAcc: TextAcc[];
}

/** The verdict over every row added: counts, samples, each metric's and text column's result. */
function finishComparison(expectedSummary: ExpectedSummary, opts: CompareOptions, g: Gathered): ValidationResult {
  const { rows: expected, labels, index: e } = expectedSummary;
  const { pairs, a } = g;
  const { missing, missingSamples } = missingRows(expectedSummary, g.matched);
  const metrics = metricResults(g.acc, pairs, labels);
  const text = textResults(g.textAcc, pairs, expected, labels);
  const rows = {
    expected: expected.length,
    actual: a.rows,
    matched: pairs,
    missing,
    extra: a.extra,
    duplicateExpected: e.duplicates,
    duplicateActual: a.duplicates,
  };
  const empty = rows.expected === 0 && rows.actual === 0;
  const ok =
    (!empty || opts.allowEmpty === true) &&
    rows.expected === rows.actual &&
    missing === 0 &&
    a.extra === 0 &&
    e.duplicates === 0 &&
    a.duplicates === 0 &&
    metrics.every((m) => m.verdict === "PASS") &&
    text.every((t) => t.verdict === "PASS");

  return {
    verdict: ok ? "PASS" : "FAIL",
    tolerance: { relTolerance: opts.relTolerance, absTolerance: opts.absTolerance },
    empty,
    rows,
    samples: {
      missing: missingSamples,
      extra: a.extraSamples,
      duplicateExpected: e.duplicateSamples,
      duplicateActual: a.duplicateSamples,
    },
    metrics,
    text,
    maxAbsDiff: metrics.reduce((max, m) => (m.maxAbsDiff > max ? m.maxAbsDiff : max), 0),
    maxRelDiff: metrics.reduce((max, m) => (m.maxRelDiff > max ? m.maxRelDiff : max), 0),
  };
}

/** The expected rows no actual row met, and the first few of them. */
function missingRows(expectedSummary: ExpectedSummary, matched: Uint8Array): { missing: number; missingSamples: RowKey[] } {
  const missingSamples: RowKey[] = [];
  let missing = 0;
  for (const i of expectedSummary.index.byKey.values()) {
    if (matched[i] === 1) continue;
    missing++;
    if (missingSamples.length < SAMPLE_LIMIT) missingSamples.push(rowKey(expectedSummary.rows[i], expectedSummary.labels));
  }
  return { missing, missingSamples };
}

/** Each metric's verdict, its largest differences and its worst rows. */
function metricResults(acc: readonly MetricAcc[], pairs: number, labels: Labels): MetricResult[] {
  return acc.map((m) => {
    const worst: WorstRow[] = [...m.bad]
      .sort(worstFirst)
      .slice(0, WORST_LIMIT)
      .map((b) => ({ key: rowKey(b.row, labels), expected: b.expected, actual: b.actual, absDiff: b.absDiff, relDiff: b.relDiff }));
    return {
      metric: m.metric,
      rowsCompared: pairs,
      maxAbsDiff: m.maxAbs,
      maxRelDiff: m.maxRel,
      outsideTolerance: m.outside,
      nullMismatches: m.nullMismatches,
      verdict: m.outside === 0 ? "PASS" : "FAIL",
      worst,
    };
  });
}

/** Each text column's verdict and its first mismatches, in the expected rows' order. */
function textResults(textAcc: readonly TextAcc[], pairs: number, expected: readonly SummaryRow[], labels: Labels): TextColumnResult[] {
  return textAcc.map((t) => ({
    column: t.column,
    rowsCompared: pairs,
    mismatches: t.mismatches.length,
    verdict: t.mismatches.length === 0 ? "PASS" : "FAIL",
    samples: [...t.mismatches]
      .sort((x, y) => x.at - y.at)
      .slice(0, WORST_LIMIT)
      .map((x) => ({ key: rowKey(expected[x.at], labels), expected: x.expected, actual: x.actual })),
  }));
}

/** Compares two whole summaries (the expected side indexed for this one comparison). */
export function compareSummaries(expected: readonly SummaryRow[] | ExpectedSummary, actual: readonly SummaryRow[], opts: CompareOptions): ValidationResult {
  const comparison = startComparison(isRowList(expected) ? indexExpected(expected) : expected, opts);
  for (const row of actual) comparison.add(row);
  return comparison.finish();
}

function isRowList(x: readonly SummaryRow[] | ExpectedSummary): x is readonly SummaryRow[] {
  return Array.isArray(x);
}
