// Small hand-built row sets for the reference tests.
import type { ExecutionContext } from "ava";
import type { NamespaceLabelRow, NodeLabelRow, PodUsageRow, StorageUsageRow } from "../../src/nise/rows.ts";
import { DailySummaryReference, type ReferenceOptions } from "../../src/reference/index.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";

export const HOUR = 3_600_000;
export const GIB = 2 ** 30;

/** Epoch ms of `date` (YYYY-MM-DD) at `hour` UTC. */
export function at(date: string, hour = 0): number {
  return Date.parse(`${date}T00:00:00Z`) + hour * HOUR;
}

function period(date: string, hour: number) {
  const start = at(date, hour);
  const d = new Date(start);
  return {
    report_period_start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    report_period_end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    interval_start: start,
    interval_end: start + HOUR - 1000,
  };
}

type When = { date?: string; hour?: number };

/**
 * One hourly pod row. Defaults: pod p in namespace ns on node node-a (i-1), 1 core used and
 * requested, 2 cores limit, 1 GiB used and requested, 2 GiB limit (all for 3600 s), node with
 * 4 cores and 16 GiB, no labels.
 */
export function pod(o: Partial<PodUsageRow> & When = {}): PodUsageRow {
  const { date = "2024-03-10", hour = 0, ...rest } = o;
  return {
    ...period(date, hour),
    pod: "p",
    namespace: "ns",
    node: "node-a",
    resource_id: "i-1",
    pod_usage_cpu_core_seconds: 3600,
    pod_request_cpu_core_seconds: 3600,
    pod_limit_cpu_core_seconds: 7200,
    pod_usage_memory_byte_seconds: GIB * 3600,
    pod_request_memory_byte_seconds: GIB * 3600,
    pod_limit_memory_byte_seconds: 2 * GIB * 3600,
    node_capacity_cpu_cores: 4,
    node_capacity_cpu_core_seconds: 4 * 3600,
    node_capacity_memory_bytes: 16 * GIB,
    node_capacity_memory_byte_seconds: 16 * GIB * 3600,
    pod_labels: "",
    ...rest,
  };
}

/** One hourly storage row: PVC pvc of pod p in ns, PV pv, 10 GiB capacity, 10 GiB request, 1 GiB used. */
export function storage(o: Partial<StorageUsageRow> & When = {}): StorageUsageRow {
  const { date = "2024-03-10", hour = 0, ...rest } = o;
  return {
    ...period(date, hour),
    namespace: "ns",
    pod: "p",
    node: "node-a",
    persistentvolumeclaim: "pvc",
    persistentvolume: "pv",
    storageclass: "gp3",
    csi_driver: "ebs",
    csi_volume_handle: "vol-1",
    persistentvolumeclaim_capacity_bytes: 10 * GIB,
    persistentvolumeclaim_capacity_byte_seconds: 10 * GIB * 3600,
    volume_request_storage_byte_seconds: 10 * GIB * 3600,
    persistentvolumeclaim_usage_byte_seconds: GIB * 3600,
    persistentvolume_labels: "",
    persistentvolumeclaim_labels: "",
    ...rest,
  };
}

export function nodeLabel(node: string, node_labels: string, w: When = {}): NodeLabelRow {
  return { ...period(w.date ?? "2024-03-10", w.hour ?? 0), node, node_labels };
}

export function nsLabel(namespace: string, namespace_labels: string, w: When = {}): NamespaceLabelRow {
  return { ...period(w.date ?? "2024-03-10", w.hour ?? 0), namespace, namespace_labels };
}

export type AnyRow =
  | { kind: "pod"; row: PodUsageRow }
  | { kind: "storage"; row: StorageUsageRow }
  | { kind: "node"; row: NodeLabelRow }
  | { kind: "ns"; row: NamespaceLabelRow };

export const P = (o: Parameters<typeof pod>[0] = {}): AnyRow => ({ kind: "pod", row: pod(o) });
export const S = (o: Parameters<typeof storage>[0] = {}): AnyRow => ({ kind: "storage", row: storage(o) });
export const N = (node: string, labels: string, w: When = {}): AnyRow => ({ kind: "node", row: nodeLabel(node, labels, w) });
export const NS = (ns: string, labels: string, w: When = {}): AnyRow => ({ kind: "ns", row: nsLabel(ns, labels, w) });

/** Feed the rows to a fresh reference and return its summary. */
export function summarize(rows: AnyRow[], options: ReferenceOptions = {}): SummaryRow[] {
  const ref = new DailySummaryReference(options);
  for (const r of rows) {
    if (r.kind === "pod") ref.pod(r.row);
    else if (r.kind === "storage") ref.storage(r.row);
    else if (r.kind === "node") ref.nodeLabel(r.row);
    else ref.namespaceLabel(r.row);
  }
  return ref.finish();
}

/** The Pod rows with a real namespace label set (not unallocated). */
export const podRows = (rows: SummaryRow[]) => rows.filter((r) => r.data_source === "Pod" && r.pod_labels !== null);
export const storageRows = (rows: SummaryRow[]) => rows.filter((r) => r.data_source === "Storage");
export const unallocatedRows = (rows: SummaryRow[]) => rows.filter((r) => r.data_source === "Pod" && r.pod_labels === null);

/** Exactly one row matching; fails the test otherwise. */
export function one(t: ExecutionContext, rows: SummaryRow[], pred: (r: SummaryRow) => boolean, what: string): SummaryRow {
  const m = rows.filter(pred);
  t.is(m.length, 1, `exactly one row: ${what}`);
  return m[0];
}

/** Relative (and tiny absolute) tolerance for sums whose order may differ. */
export function near(t: ExecutionContext, actual: number | null, expected: number, what: string): void {
  if (actual === null) {
    t.fail(`${what}: null, expected ${expected}`);
    return;
  }
  const ok = Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  t.true(ok, `${what}: ${actual} != ${expected}`);
}
