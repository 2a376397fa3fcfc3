// The hourly rows nise writes, as typed values. Field names are nise's CSV column names, so the
// CSV reader, the generator, the parquet writer and the reference share one vocabulary.
// Timestamps are epoch milliseconds (UTC). An empty CSV field is "" for text and null for a measure.
// The four tables are keyed as in the contract (src/contract/input-tables.ts: TableKey).
import type { TableKey } from "../contract/input-tables.ts";

export interface PeriodColumns {
  report_period_start: number;
  report_period_end: number;
  interval_start: number;
  interval_end: number;
}

export interface PodUsageRow extends PeriodColumns {
  pod: string;
  namespace: string;
  node: string;
  resource_id: string;
  pod_usage_cpu_core_seconds: number | null;
  pod_request_cpu_core_seconds: number | null;
  pod_limit_cpu_core_seconds: number | null;
  pod_usage_memory_byte_seconds: number | null;
  pod_request_memory_byte_seconds: number | null;
  pod_limit_memory_byte_seconds: number | null;
  node_capacity_cpu_cores: number | null;
  node_capacity_cpu_core_seconds: number | null;
  node_capacity_memory_bytes: number | null;
  node_capacity_memory_byte_seconds: number | null;
  pod_labels: string;
}

export interface StorageUsageRow extends PeriodColumns {
  namespace: string;
  pod: string;
  node: string;
  persistentvolumeclaim: string;
  persistentvolume: string;
  storageclass: string;
  csi_driver: string;
  csi_volume_handle: string;
  persistentvolumeclaim_capacity_bytes: number | null;
  persistentvolumeclaim_capacity_byte_seconds: number | null;
  volume_request_storage_byte_seconds: number | null;
  persistentvolumeclaim_usage_byte_seconds: number | null;
  persistentvolume_labels: string;
  persistentvolumeclaim_labels: string;
}

export interface NodeLabelRow extends PeriodColumns {
  node: string;
  node_labels: string;
}

export interface NamespaceLabelRow extends PeriodColumns {
  namespace: string;
  namespace_labels: string;
}

/** Something that receives generated or read rows one at a time (the reference, a writer, a counter). */
export interface RowSink {
  pod(row: PodUsageRow): void;
  storage(row: StorageUsageRow): void;
  nodeLabel(row: NodeLabelRow): void;
  namespaceLabel(row: NamespaceLabelRow): void;
  /**
   * true: the sink reads each row during the call and keeps no reference to the row object, so a
   * producer may hand it one object per report type, refilled for every row (the generator then
   * allocates nothing per row: at 14.88 M rows that is most of its garbage). Default false.
   */
  readonly borrowsRows?: boolean;
}
