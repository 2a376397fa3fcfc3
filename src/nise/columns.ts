// nise's column order per report type, and where each column's value comes from in a RowBatch.

import type { ReportType } from "./rows.ts";

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

function build(names: string[], texts: string[], measures: string[]): ColumnDef[] {
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
export const TEXT_FIELDS: Record<ReportType, string[]> = {
  ocp_pod_usage: ["pod", "namespace", "node", "resource_id", "pod_labels"],
  ocp_storage_usage: [
    "namespace", "pod", "node", "persistentvolumeclaim", "persistentvolume", "storageclass", "csi_driver",
    "csi_volume_handle", "persistentvolume_labels", "persistentvolumeclaim_labels",
  ],
  ocp_node_label: ["node", "node_labels"],
  ocp_namespace_label: ["namespace", "namespace_labels"],
};

export const MEASURE_FIELDS: Record<ReportType, string[]> = {
  ocp_pod_usage: [
    "pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "pod_limit_cpu_core_seconds",
    "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "pod_limit_memory_byte_seconds",
    "node_capacity_cpu_cores", "node_capacity_cpu_core_seconds", "node_capacity_memory_bytes",
    "node_capacity_memory_byte_seconds",
  ],
  ocp_storage_usage: [
    "persistentvolumeclaim_capacity_bytes", "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds", "persistentvolumeclaim_usage_byte_seconds",
  ],
  ocp_node_label: [],
  ocp_namespace_label: [],
};

/** nise's CSV header order (`G:51-107`). */
export const NISE_COLUMNS: Record<ReportType, string[]> = {
  ocp_pod_usage: [
    "report_period_start", "report_period_end", "interval_start", "interval_end", "pod", "namespace", "node",
    "resource_id", "pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "pod_limit_cpu_core_seconds",
    "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "pod_limit_memory_byte_seconds",
    "node_capacity_cpu_cores", "node_capacity_cpu_core_seconds", "node_capacity_memory_bytes",
    "node_capacity_memory_byte_seconds", "pod_labels",
  ],
  ocp_storage_usage: [
    "report_period_start", "report_period_end", "interval_start", "interval_end", "namespace", "pod", "node",
    "persistentvolumeclaim", "persistentvolume", "storageclass", "csi_driver", "csi_volume_handle",
    "persistentvolumeclaim_capacity_bytes", "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds", "persistentvolumeclaim_usage_byte_seconds", "persistentvolume_labels",
    "persistentvolumeclaim_labels",
  ],
  ocp_node_label: ["report_period_start", "report_period_end", "interval_start", "interval_end", "node", "node_labels"],
  ocp_namespace_label: ["report_period_start", "report_period_end", "interval_start", "interval_end", "namespace", "namespace_labels"],
};

export const COLUMNS: Record<ReportType, ColumnDef[]> = {
  ocp_pod_usage: build(NISE_COLUMNS.ocp_pod_usage, TEXT_FIELDS.ocp_pod_usage, MEASURE_FIELDS.ocp_pod_usage),
  ocp_storage_usage: build(NISE_COLUMNS.ocp_storage_usage, TEXT_FIELDS.ocp_storage_usage, MEASURE_FIELDS.ocp_storage_usage),
  ocp_node_label: build(NISE_COLUMNS.ocp_node_label, TEXT_FIELDS.ocp_node_label, MEASURE_FIELDS.ocp_node_label),
  ocp_namespace_label: build(NISE_COLUMNS.ocp_namespace_label, TEXT_FIELDS.ocp_namespace_label, MEASURE_FIELDS.ocp_namespace_label),
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
