// The hourly rows nise writes, as typed values. Field names are nise's CSV column names, so the
// CSV reader, the generator, the parquet writer and the reference share one vocabulary.
// Timestamps are epoch milliseconds (UTC). An empty CSV field is "" for text and null for a measure.

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

/** The four report types the daily summary reads, in nise's file order. */
export const REPORT_TYPES = ["ocp_pod_usage", "ocp_storage_usage", "ocp_node_label", "ocp_namespace_label"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export interface RowByReportType {
  ocp_pod_usage: PodUsageRow;
  ocp_storage_usage: StorageUsageRow;
  ocp_node_label: NodeLabelRow;
  ocp_namespace_label: NamespaceLabelRow;
}

/** Koku's parquet table name for each report type (Koku layout under data/<org>/OCP/source=<uuid>/year=YYYY/month=MM/<table>/). */
export const KOKU_TABLE: Record<ReportType, string> = {
  ocp_pod_usage: "openshift_pod_usage_line_items",
  ocp_storage_usage: "openshift_storage_usage_line_items",
  ocp_node_label: "openshift_node_labels_line_items",
  ocp_namespace_label: "openshift_namespace_labels_line_items",
};

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
