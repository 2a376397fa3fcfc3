// A generated batch (columnar, RowBatch) made into report rows for a RowSink, and the interface of
// a sink that takes the batches themselves (the reference on another thread, reference/thread.ts).
// Kept apart from the generator so such a thread loads no writer and no polars.
import { INTERVAL_END_OFFSET_MS } from "./calendar.ts";
import type { RowBatch } from "./rowgen.ts";
import type { PodUsageRow, RowSink, StorageUsageRow } from "./rows.ts";
import type { TableKey } from "../contract/input-tables.ts";

/** The columns of a RowBatch that rows are made from: what a batch sink receives. */
export type BatchColumns = Pick<RowBatch, "type" | "n" | "periodStart" | "periodEnd" | "intervalStart" | "entity" | "measures">;

/** Entity texts per report type (entity index = row), as EntityTables holds them. */
export type EntityTexts = Record<TableKey, string[][]>;

/**
 * A consumer of the generated rows a batch at a time. month() starts a new month (entity indexes
 * count from 0 again); entities() appends the texts of newly added entities; batch() may make the
 * generator wait (backpressure).
 */
export interface BatchSink {
  month(): void;
  entities(added: EntityTexts): void;
  batch(b: BatchColumns): Promise<void>;
}

/** A batch's rows, one row object each (or one refilled object, for a sink that borrows rows), to `sink`. */
export function deliverBatch(sink: RowSink, batch: BatchColumns, texts: EntityTexts): void {
  const text = texts[batch.type];
  const ps = batch.periodStart;
  const pe = batch.periodEnd;
  const m = batch.measures;
  const num = (k: number, r: number): number | null => (Number.isNaN(m[k][r]) ? null : m[k][r]);
  const n = batch.n;
  // A sink that borrows rows gets one object per batch, refilled; any other sink a new one per row.
  const fresh = sink.borrowsRows !== true;
  switch (batch.type) {
    case "pod": {
      let row = podRow(ps, pe);
      for (let r = 0; r < n; r++) {
        if (fresh && r > 0) row = podRow(ps, pe);
        const is = batch.intervalStart[r];
        const t = text[batch.entity[r]];
        row.interval_start = is;
        row.interval_end = is + INTERVAL_END_OFFSET_MS;
        row.pod = t[0];
        row.namespace = t[1];
        row.node = t[2];
        row.resource_id = t[3];
        row.pod_usage_cpu_core_seconds = num(0, r);
        row.pod_request_cpu_core_seconds = num(1, r);
        row.pod_limit_cpu_core_seconds = num(2, r);
        row.pod_usage_memory_byte_seconds = num(3, r);
        row.pod_request_memory_byte_seconds = num(4, r);
        row.pod_limit_memory_byte_seconds = num(5, r);
        row.node_capacity_cpu_cores = num(6, r);
        row.node_capacity_cpu_core_seconds = num(7, r);
        row.node_capacity_memory_bytes = num(8, r);
        row.node_capacity_memory_byte_seconds = num(9, r);
        row.pod_labels = t[4];
        sink.pod(row);
      }
      break;
    }
    case "storage": {
      let row = storageRow(ps, pe);
      for (let r = 0; r < n; r++) {
        if (fresh && r > 0) row = storageRow(ps, pe);
        const is = batch.intervalStart[r];
        const t = text[batch.entity[r]];
        row.interval_start = is;
        row.interval_end = is + INTERVAL_END_OFFSET_MS;
        row.namespace = t[0];
        row.pod = t[1];
        row.node = t[2];
        row.persistentvolumeclaim = t[3];
        row.persistentvolume = t[4];
        row.storageclass = t[5];
        row.csi_driver = t[6];
        row.csi_volume_handle = t[7];
        row.persistentvolumeclaim_capacity_bytes = num(0, r);
        row.persistentvolumeclaim_capacity_byte_seconds = num(1, r);
        row.volume_request_storage_byte_seconds = num(2, r);
        row.persistentvolumeclaim_usage_byte_seconds = num(3, r);
        row.persistentvolume_labels = t[8];
        row.persistentvolumeclaim_labels = t[9];
        sink.storage(row);
      }
      break;
    }
    case "nodeLabels":
      for (let r = 0; r < n; r++) {
        const is = batch.intervalStart[r];
        const t = text[batch.entity[r]];
        sink.nodeLabel({ report_period_start: ps, report_period_end: pe, interval_start: is, interval_end: is + INTERVAL_END_OFFSET_MS, node: t[0], node_labels: t[1] });
      }
      break;
    case "namespaceLabels":
      for (let r = 0; r < n; r++) {
        const is = batch.intervalStart[r];
        const t = text[batch.entity[r]];
        sink.namespaceLabel({ report_period_start: ps, report_period_end: pe, interval_start: is, interval_end: is + INTERVAL_END_OFFSET_MS, namespace: t[0], namespace_labels: t[1] });
      }
      break;
  }
}

/** A pod row with every field present (one hidden class), to be filled in. */
function podRow(ps: number, pe: number): PodUsageRow {
  return {
    report_period_start: ps, report_period_end: pe, interval_start: 0, interval_end: 0,
    pod: "", namespace: "", node: "", resource_id: "",
    pod_usage_cpu_core_seconds: null, pod_request_cpu_core_seconds: null, pod_limit_cpu_core_seconds: null,
    pod_usage_memory_byte_seconds: null, pod_request_memory_byte_seconds: null, pod_limit_memory_byte_seconds: null,
    node_capacity_cpu_cores: null, node_capacity_cpu_core_seconds: null, node_capacity_memory_bytes: null,
    node_capacity_memory_byte_seconds: null, pod_labels: "",
  };
}

/** A storage row with every field present, to be filled in. */
function storageRow(ps: number, pe: number): StorageUsageRow {
  return {
    report_period_start: ps, report_period_end: pe, interval_start: 0, interval_end: 0,
    namespace: "", pod: "", node: "", persistentvolumeclaim: "", persistentvolume: "",
    storageclass: "", csi_driver: "", csi_volume_handle: "",
    persistentvolumeclaim_capacity_bytes: null, persistentvolumeclaim_capacity_byte_seconds: null,
    volume_request_storage_byte_seconds: null, persistentvolumeclaim_usage_byte_seconds: null,
    persistentvolume_labels: "", persistentvolumeclaim_labels: "",
  };
}
