// The hourly input tables of the daily summary, as nise writes them (spec/nise-ocp-format.md §5):
// which columns each report type has, which of them are measures (Float64) and which the plan
// reads. ONE key per table (TableKey) for every part: the generator and importers (src/nise), the
// plan and its entry points (pipelines/), the child's report (job.ts rowsIn). A table's nise report
// type (file names) and Koku parquet table name are attributes of its key. No polars here.

export type TableKey = "pod" | "storage" | "nodeLabels" | "namespaceLabels";
export const TABLE_KEYS: readonly TableKey[] = ["pod", "storage", "nodeLabels", "namespaceLabels"];

/** nise report type (CSV file name suffix) of each table. */
export const REPORT_TYPE = {
  pod: "ocp_pod_usage",
  storage: "ocp_storage_usage",
  nodeLabels: "ocp_node_label",
  namespaceLabels: "ocp_namespace_label",
} as const satisfies Record<TableKey, string>;

/** The table a nise report type holds; undefined for the report types the summary does not read (vm, gpu, ros). */
export function tableOfReportType(reportType: string): TableKey | undefined {
  return TABLE_KEYS.find((key) => REPORT_TYPE[key] === reportType);
}

/** Koku's parquet table name of each table (data/<org>/OCP/source=<uuid>/year=YYYY/month=MM/<table>/). */
export const KOKU_TABLE: Record<TableKey, string> = {
  pod: "openshift_pod_usage_line_items",
  storage: "openshift_storage_usage_line_items",
  nodeLabels: "openshift_node_labels_line_items",
  namespaceLabels: "openshift_namespace_labels_line_items",
};

const PERIOD = ["report_period_start", "report_period_end", "interval_start", "interval_end"] as const;

/** Numeric columns (Float64; empty CSV field = null). */
export const MEASURE_COLUMNS: Record<TableKey, readonly string[]> = {
  pod: [
    "pod_usage_cpu_core_seconds",
    "pod_request_cpu_core_seconds",
    "pod_limit_cpu_core_seconds",
    "pod_usage_memory_byte_seconds",
    "pod_request_memory_byte_seconds",
    "pod_limit_memory_byte_seconds",
    "node_capacity_cpu_cores",
    "node_capacity_cpu_core_seconds",
    "node_capacity_memory_bytes",
    "node_capacity_memory_byte_seconds",
  ],
  storage: [
    "persistentvolumeclaim_capacity_bytes",
    "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds",
    "persistentvolumeclaim_usage_byte_seconds",
  ],
  nodeLabels: [],
  namespaceLabels: [],
};

/**
 * Measures every row must carry: nise and the operator always write them. The others may be empty
 * (NULL), as Koku reads an empty cell (a PV without a claim has no request or usage).
 */
export const REQUIRED_MEASURES: Record<TableKey, readonly string[]> = {
  pod: MEASURE_COLUMNS.pod,
  storage: ["persistentvolumeclaim_capacity_bytes", "persistentvolumeclaim_capacity_byte_seconds"],
  nodeLabels: [],
  namespaceLabels: [],
};

/**
 * A parquet measure no mode may sum (NaN, ±Infinity, or NULL in a required measure), or null when
 * `value` is fine: the one message every reader of parquet input gives, naming file, row and column.
 */
export function badMeasure(key: TableKey, column: string, value: number | null): string | null {
  if (value === null) return REQUIRED_MEASURES[key].includes(column) ? "empty (null), where every row needs a number" : null;
  return Number.isFinite(value) ? null : `${value} is not a finite number`;
}

/** Label-string columns (nise `label_k:v|label_k2:v2`). */
export const LABEL_COLUMNS: Record<TableKey, readonly string[]> = {
  pod: ["pod_labels"],
  storage: ["persistentvolume_labels", "persistentvolumeclaim_labels"],
  nodeLabels: ["node_labels"],
  namespaceLabels: ["namespace_labels"],
};

/** Every column nise writes, in file order: the period, the identifying text, the measures, the labels. */
export const ALL_COLUMNS: Record<TableKey, readonly string[]> = {
  pod: [...PERIOD, "pod", "namespace", "node", "resource_id", ...MEASURE_COLUMNS.pod, ...LABEL_COLUMNS.pod],
  storage: [
    ...PERIOD,
    "namespace",
    "pod",
    "node",
    "persistentvolumeclaim",
    "persistentvolume",
    "storageclass",
    "csi_driver",
    "csi_volume_handle",
    ...MEASURE_COLUMNS.storage,
    ...LABEL_COLUMNS.storage,
  ],
  nodeLabels: [...PERIOD, "node", ...LABEL_COLUMNS.nodeLabels],
  namespaceLabels: [...PERIOD, "namespace", ...LABEL_COLUMNS.namespaceLabels],
};

/** The columns the plan reads (projection): interval_start plus what the summary needs. */
export const PLAN_COLUMNS: Record<TableKey, readonly string[]> = {
  pod: ALL_COLUMNS.pod.filter((c) => !["report_period_start", "report_period_end", "interval_end"].includes(c)),
  storage: ALL_COLUMNS.storage.filter(
    (c) => !["report_period_start", "report_period_end", "interval_end", "csi_driver"].includes(c),
  ),
  nodeLabels: ["interval_start", "node", "node_labels"],
  namespaceLabels: ["interval_start", "namespace", "namespace_labels"],
};

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const NISE_REPORT_TYPES = ["ocp_pod_usage", "ocp_storage_usage", "ocp_node_label", "ocp_namespace_label", "ocp_vm_usage", "ocp_gpu_usage", "ocp_ros_usage", "ocp_ros_namespace_usage"];

/**
 * A cluster id as it may name files and folders (staged CSVs, generate's --insights-upload
 * DIR/<cluster>/): letters, digits, ".", "_" and "-", not starting with "." (so never "." or "..").
 */
export const CLUSTER_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}$/;

/**
 * A nise CSV file name: <Month>-<Year>-<cluster>-<report_type>[-<part>].csv. Groups: 1 month name,
 * 2 year, 3 cluster id, 4 report type, 5 split part. One pattern for every reader, so the polars
 * modes and the reference always pick the same files.
 */
export const NISE_CSV_NAME = new RegExp(`^(${MONTH_NAMES.join("|")})-(\\d{4})-(.+)-(${NISE_REPORT_TYPES.join("|")})(?:-(\\d+))?\\.csv$`);

