// Hand-built summary rows for the validator tests.
import { SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../../src/contract/summary-schema.ts";

/** A Pod row with every measure set to 1, overridable. */
export function row(over: Partial<SummaryRow> = {}): SummaryRow {
  const base = {
    usage_start: "2025-10-01",
    data_source: "Pod",
    namespace: "ns-a",
    node: "node-1",
    resource_id: "i-1",
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    pod_labels: '{"app":"web","team":"x"}',
    volume_labels: null,
    all_labels: '{"app":"web","team":"x"}',
    cost_category_id: null,
  } as SummaryRow;
  for (const m of SUMMARY_MEASURE_COLUMNS) (base as Record<string, unknown>)[m] = 1;
  return { ...base, ...over };
}

export const TOL = { relTolerance: 1e-9, absTolerance: 1e-9 };
