// The generator input: nise's static-report YAML as typed data. The YAML reader (static-yaml.ts) and the
// built-in scales (../scales.ts) both produce a Manifest; the row generator consumes it.
// `undefined` means the YAML left the key out (nise draws a random default); `null` means the key was
// present with no value (nise then prints an empty field where it can).

import type { PyNum } from "./pynum.ts";

/** A usage dict (`cpu_usage`, `mem_usage_gig`, `volume_claim_usage_gig`) in YAML order. */
export type UsageEntry = { key: "full_period"; value: PyNum } | { key: number /* UTC day, epoch ms */; value: PyNum };
export type UsageMap = UsageEntry[];

export interface PodSpec {
  pod_name?: string;
  cpu_limit?: PyNum;
  cpu_request?: PyNum;
  mem_limit_gig?: PyNum;
  mem_request_gig?: PyNum;
  /** Falsy (absent, null, 0) → random 2..3600 per row. */
  pod_seconds?: PyNum | null;
  cpu_usage: UsageMap;
  mem_usage_gig: UsageMap;
  labels?: string | null;
  /** Number of `gpus:` entries (GPU rows are not generated; see generate.ts). */
  gpus?: number;
}

export interface VolumeClaimSpec {
  volume_claim_name?: string;
  pod_name?: string | null;
  labels?: string | null;
  capacity_gig?: PyNum;
  volume_claim_usage_gig: UsageMap;
}

export interface VolumeSpec {
  volume_name?: string;
  storage_class?: string | null;
  csi_driver?: string | null;
  csi_volume_handle?: string | null;
  /** Falsy → 100. */
  volume_request_gig?: PyNum | null;
  labels?: string | null;
  volume_claims: VolumeClaimSpec[];
}

/** A declared virtual machine: nise adds a VM-backed pod (and maybe a disk volume) for it. */
export interface VirtualMachineSpec {
  vm_name?: string;
  vm_seconds?: PyNum | null;
  cpu_limit?: PyNum;
  mem_limit_gig?: PyNum;
  cpu_usage: UsageMap;
  mem_usage_gig: UsageMap;
  labels?: string | null;
  pod_name?: string | null;
  volume_claim_name?: string;
  capacity_gig?: PyNum;
}

export interface NamespaceSpec {
  name: string;
  namespace_labels?: string | null;
  pods: PodSpec[];
  volumes: VolumeSpec[];
  virtual_machines: VirtualMachineSpec[];
}

export interface NodeSpec {
  node_name?: string;
  cpu_cores?: PyNum;
  memory_gig?: PyNum;
  resource_id?: string;
  node_labels?: string | null;
  /** Empty → nise fills this node with random namespaces, pods and volumes. */
  namespaces: NamespaceSpec[];
}

export interface GeneratorSpec {
  /** Effective [start, end) in epoch ms (UTC), dates already resolved as nise does. */
  start: number;
  end: number;
  /** Empty → a fully random cluster. */
  nodes: NodeSpec[];
}

export interface Manifest {
  /** Where it came from, for messages: a file name or `scale:<name>`. */
  source: string;
  generators: GeneratorSpec[];
  /** nise's run range: min start, and max end moved to the last day of its month at 00:00. */
  runStart: number;
  runEnd: number;
}
