// nise's column order per report type, and where each column's value comes from in a RowBatch.

import { ALL_COLUMNS, type TableKey } from "../contract/input-tables.ts";

export type ColumnSource =
  | { kind: "period"; which: "report_period_start" | "report_period_end" | "interval_start" | "interval_end" }
  | { kind: "text"; field: number } // index into the entity's text fields
  | { kind: "measure"; index: number }; // index into RowBatch.measures

export interface ColumnDef {
  name: string;
  source: ColumnSource;
}

const period = (which: "report_period_start" | "report_period_end" | "interval_start" | "interval_end"): ColumnDef => ({ name: which, source: { kind: "period", which } });
const PERIOD: ColumnDef[] = [period("report_period_start"), period("report_period_end"), period("interval_start"), period("interval_end")];

function build(names: readonly string[], texts: string[], measures: string[]): ColumnDef[] {
  return names.map((name) => {
    if (name === "report_period_start" || name === "report_period_end" || name === "interval_start" || name === "interval_end") return period(name);
    const t = texts.indexOf(name);
    if (t >= 0) return { name, source: { kind: "text", field: t } };
    const m = measures.indexOf(name);
    if (m >= 0) return { name, source: { kind: "measure", index: m } };
    throw new Error(`column ${name} has no source`);
  });
}

/** Text fields of each entity kind, in this order (see EntityTables). */
export const TEXT_FIELDS: Record<TableKey, string[]> = {
  pod: ["pod", "namespace", "node", "resource_id", "pod_labels"],
  storage: [
    "namespace", "pod", "node", "persistentvolumeclaim", "persistentvolume", "storageclass", "csi_driver",
    "csi_volume_handle", "persistentvolume_labels", "persistentvolumeclaim_labels",
  ],
  nodeLabels: ["node", "node_labels"],
  namespaceLabels: ["namespace", "namespace_labels"],
};

export const MEASURE_FIELDS: Record<TableKey, string[]> = {
  pod: [
    "pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "pod_limit_cpu_core_seconds",
    "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "pod_limit_memory_byte_seconds",
    "node_capacity_cpu_cores", "node_capacity_cpu_core_seconds", "node_capacity_memory_bytes",
    "node_capacity_memory_byte_seconds",
  ],
  storage: [
    "persistentvolumeclaim_capacity_bytes", "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds", "persistentvolumeclaim_usage_byte_seconds",
  ],
  nodeLabels: [],
  namespaceLabels: [],
};

export const COLUMNS: Record<TableKey, ColumnDef[]> = {
  pod: build(ALL_COLUMNS.pod, TEXT_FIELDS.pod, MEASURE_FIELDS.pod),
  storage: build(ALL_COLUMNS.storage, TEXT_FIELDS.storage, MEASURE_FIELDS.storage),
  nodeLabels: build(ALL_COLUMNS.nodeLabels, TEXT_FIELDS.nodeLabels, MEASURE_FIELDS.nodeLabels),
  namespaceLabels: build(ALL_COLUMNS.namespaceLabels, TEXT_FIELDS.namespaceLabels, MEASURE_FIELDS.namespaceLabels),
};

/** Header-only report types nise also writes; streambench writes them with no rows (no VMs, no GPUs generated). */
export const EXTRA_HEADER_ONLY: Record<string, string[]> = {
  ocp_vm_usage: [
    "report_period_start", "report_period_end", "interval_start", "interval_end", "node", "resource_id", "namespace",
    "vm_name", "vm_instance_type", "vm_os", "vm_guest_os_arch", "vm_guest_os_name", "vm_guest_os_version",
    "vm_uptime_total_seconds", "vm_cpu_limit_cores", "vm_cpu_limit_core_seconds", "vm_cpu_request_cores",
    "vm_cpu_request_core_seconds", "vm_cpu_request_sockets", "vm_cpu_request_socket_seconds",
    "vm_cpu_request_threads", "vm_cpu_request_thread_seconds", "vm_cpu_usage_total_seconds", "vm_memory_limit_bytes",
    "vm_memory_limit_byte_seconds", "vm_memory_request_bytes", "vm_memory_request_byte_seconds",
    "vm_memory_usage_byte_seconds", "vm_device", "vm_volume_mode", "vm_persistentvolumeclaim_name",
    "vm_disk_allocated_size_byte_seconds", "vm_labels",
  ],
  ocp_gpu_usage: [
    "report_period_start", "report_period_end", "interval_start", "interval_end", "node", "namespace", "pod",
    "gpu_uuid", "gpu_model_name", "gpu_vendor_name", "gpu_memory_capacity_mib", "gpu_pod_uptime", "mig_instance_id",
    "mig_profile", "mig_strategy",
  ],
};
