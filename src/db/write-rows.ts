// What a summary write puts in each column (WRITE_COLUMNS, rowValues) and the checks every row
// passes before anything is sent (validateRows): a value PostgreSQL cannot store is a DataError
// naming the row and column, not a server error halfway through the write.
import { DataError } from "../errors.ts";
import { SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";
import { isCalendarDay } from "./binary.ts";

/** The literal Koku's daily-summary step writes into infrastructure_usage_cost. */
export const ZERO_INFRASTRUCTURE_USAGE_COST = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

/** The columns a write fills, in the order of the COPY / unnest lists. */
export const WRITE_COLUMNS = [
  "uuid",
  "cluster_id",
  "cluster_alias",
  "data_source",
  "usage_start",
  "usage_end",
  "namespace",
  "node",
  "resource_id",
  "pod_labels",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "volume_labels",
  "all_labels",
  "source_uuid",
  "infrastructure_usage_cost",
  "cost_category_id",
  ...SUMMARY_MEASURE_COLUMNS,
] as const;

export const UNNEST_TYPES: Record<string, string> = {
  uuid: "uuid",
  cluster_id: "text",
  cluster_alias: "text",
  data_source: "text",
  usage_start: "date",
  usage_end: "date",
  namespace: "text",
  node: "text",
  resource_id: "text",
  pod_labels: "jsonb",
  persistentvolumeclaim: "text",
  persistentvolume: "text",
  storageclass: "text",
  volume_labels: "jsonb",
  all_labels: "jsonb",
  source_uuid: "uuid",
  infrastructure_usage_cost: "jsonb",
  cost_category_id: "int4",
  ...Object.fromEntries(SUMMARY_MEASURE_COLUMNS.map((c) => [c, "numeric"])),
};

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function numericText(v: number | null, column: string): string | null {
  if (v === null || v === undefined) return null;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) throw new DataError(`summary column ${column} holds ${v}, which numeric(33,15) cannot store`);
  return String(v);
}

/** One row's values in WRITE_COLUMNS order, as text (null = SQL NULL). */
export function rowValues(r: SummaryRow, sourceUuid: string, clusterId: string, clusterAlias: string, uuid: string | null): (string | null)[] {
  if (!DAY_RE.test(r.usage_start)) throw new DataError(`summary row has usage_start "${r.usage_start}", expected YYYY-MM-DD`);
  const out: (string | null)[] = [
    uuid,
    clusterId,
    clusterAlias,
    r.data_source,
    r.usage_start,
    r.usage_start,
    r.namespace,
    r.node,
    r.resource_id,
    r.pod_labels,
    r.persistentvolumeclaim,
    r.persistentvolume,
    r.storageclass,
    r.volume_labels,
    r.all_labels,
    sourceUuid,
    ZERO_INFRASTRUCTURE_USAGE_COST,
    r.cost_category_id === null ? null : String(r.cost_category_id),
  ];
  for (const c of SUMMARY_MEASURE_COLUMNS) out.push(numericText(r[c], c));
  return out;
}

/** A JSON text holding the escape \u0000 (not an escaped backslash before "u0000"): jsonb cannot store U+0000. */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** Label texts are few and shared by many rows: each distinct one is checked once. */
function checkLabels(r: SummaryRow, checked: Set<string>): void {
  for (const column of ["pod_labels", "volume_labels", "all_labels"] as const) {
    const text = r[column];
    if (text === null || checked.has(text)) continue;
    if (JSON_NUL.test(text)) {
      throw new DataError(`summary row of ${r.usage_start} (namespace ${r.namespace}): ${column} holds a NUL character (U+0000) from the input's labels, which PostgreSQL cannot store`);
    }
    checked.add(text);
  }
}

export function validateRows(rows: readonly SummaryRow[]): void {
  const days = new Set<string>();
  const labels = new Set<string>();
  for (const r of rows) {
    checkLabels(r, labels);
    if (!days.has(r.usage_start)) {
      if (!DAY_RE.test(r.usage_start) || !isCalendarDay(r.usage_start)) throw new DataError(`summary row has usage_start "${r.usage_start}", expected a YYYY-MM-DD date`);
      days.add(r.usage_start);
    }
    for (const c of SUMMARY_MEASURE_COLUMNS) {
      const v = r[c] as unknown;
      if (v === null || v === undefined) continue; // undefined is written as NULL, like null
      if (typeof v !== "number") throw new DataError(`summary column ${c} holds ${typeof v} ${JSON.stringify(v)}, expected a number or null`);
      if (!Number.isNaN(v) && !Number.isFinite(v)) {
        throw new DataError(`summary column ${c} holds ${v} (usage_start ${r.usage_start}), which numeric(33,15) cannot store`);
      }
    }
  }
}
