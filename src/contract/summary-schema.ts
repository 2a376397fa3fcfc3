// The output of the daily summary: the columns of reporting_ocpusagelineitem_daily_summary that
// streambench produces and compares. Shared by the polars plan, the reference, the database layer
// and the validator. No polars here: the reference must not depend on it.

/**
 * The columns that identify a row: no two summary rows share all of them. src/validate/compare.ts
 * writes this list out a second time on purpose (its keyMaker, for speed) and checks it against this one.
 */
export const SUMMARY_IDENTITY_COLUMNS = [
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

/** Identity and text columns, in canonical CSV order: the identity columns, then two that follow from them. */
export const SUMMARY_KEY_COLUMNS = [...SUMMARY_IDENTITY_COLUMNS, "all_labels", "cost_category_id"] as const;

/** Every numeric measure the summary writes, in Koku's DDL order. numeric(33,15) in PostgreSQL. */
export const SUMMARY_MEASURE_COLUMNS = [
  "pod_usage_cpu_core_hours",
  "pod_request_cpu_core_hours",
  "pod_effective_usage_cpu_core_hours",
  "pod_limit_cpu_core_hours",
  "pod_usage_memory_gigabyte_hours",
  "pod_request_memory_gigabyte_hours",
  "pod_effective_usage_memory_gigabyte_hours",
  "pod_limit_memory_gigabyte_hours",
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_hours",
  "node_capacity_memory_gigabytes",
  "node_capacity_memory_gigabyte_hours",
  "cluster_capacity_cpu_core_hours",
  "cluster_capacity_memory_gigabyte_hours",
  "persistentvolumeclaim_capacity_gigabyte",
  "persistentvolumeclaim_capacity_gigabyte_months",
  "volume_request_storage_gigabyte_months",
  "persistentvolumeclaim_usage_gigabyte_months",
] as const;

export const SUMMARY_COLUMNS = [...SUMMARY_KEY_COLUMNS, ...SUMMARY_MEASURE_COLUMNS] as const;

export type SummaryKeyColumn = (typeof SUMMARY_KEY_COLUMNS)[number];
export type SummaryMeasureColumn = (typeof SUMMARY_MEASURE_COLUMNS)[number];

/**
 * One row of the daily summary. NULL is null. usage_start is "YYYY-MM-DD".
 * Labels are canonical JSON objects: keys sorted by UTF-16 code unit (JS default sort, which is
 * also Trino's map-to-JSON order), compact separators, e.g. {"app":"x","team":"y"}.
 */
export type SummaryRow = {
  usage_start: string;
  data_source: "Pod" | "Storage";
  namespace: string | null;
  node: string | null;
  resource_id: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  pod_labels: string | null;
  volume_labels: string | null;
  all_labels: string;
  cost_category_id: number | null;
} & { [K in SummaryMeasureColumn]: number | null };

/** Which label keys survive: null means every key (streambench's default). */
export type EnabledTagKeys = readonly string[] | null;

/** JSON with object keys sorted (JS default sort, UTF-16 code units) and compact separators. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(",")}}`;
}

/** A label column's text in canonical form (the form SummaryRow holds). Throws on text that is not JSON. */
export function canonicalJsonText(text: string): string {
  return canonicalJson(JSON.parse(text));
}


/**
 * A label set in canonical form: the same text canonicalJson gives its JSON object (keys sorted by
 * UTF-16 code units, which is also Trino's map-to-JSON order; compact; `{}` when empty).
 * The reference's and the validator's; the plan (mergeLabelSets) and the SQL engines render their own on purpose.
 */
export function canonicalLabels(labels: ReadonlyMap<string, string> | Readonly<Record<string, string>>): string {
  return canonicalJson(labels instanceof Map ? Object.fromEntries(labels) : labels);
}

/** Text order with NULL first, as the canonical order compares one column. */
function textOrder(x: string | null, y: string | null): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

/**
 * The canonical order of summary rows (canonical CSV, readback): by SUMMARY_KEY_COLUMNS in order,
 * strings by UTF-16 code units, NULL first, cost_category_id compared as its text. The identity
 * columns come first, so no two rows tie. Written out column by column (a loop over the column
 * names was a third of the time of sorting 132,060 rows); a test pins it to SUMMARY_KEY_COLUMNS.
 */
export function compareSummaryRows(a: SummaryRow, b: SummaryRow): number {
  return (
    textOrder(a.usage_start, b.usage_start) ||
    textOrder(a.data_source, b.data_source) ||
    textOrder(a.namespace, b.namespace) ||
    textOrder(a.node, b.node) ||
    textOrder(a.resource_id, b.resource_id) ||
    textOrder(a.persistentvolumeclaim, b.persistentvolumeclaim) ||
    textOrder(a.persistentvolume, b.persistentvolume) ||
    textOrder(a.storageclass, b.storageclass) ||
    textOrder(a.pod_labels, b.pod_labels) ||
    textOrder(a.volume_labels, b.volume_labels) ||
    textOrder(a.all_labels, b.all_labels) ||
    textOrder(a.cost_category_id === null ? null : String(a.cost_category_id), b.cost_category_id === null ? null : String(b.cost_category_id))
  );
}

/** A sorted copy of the rows (the input is not modified). */
export function sortSummaryRows(rows: readonly SummaryRow[]): SummaryRow[] {
  return [...rows].sort(compareSummaryRows);
}
