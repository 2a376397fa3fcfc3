// One nise OCPGenerator instance: the nodes, pods, volumes and namespaces of one YAML generator for one
// month, with every random default drawn (nise builds a fresh generator per month, so defaults are
// re-drawn each month). Order of the collections = nise's row order.

import { UsageError } from "../errors.ts";
import type { GeneratorSpec, PodSpec, UsageMap, VolumeClaimSpec, VolumeSpec } from "./manifest.ts";
import type { Prng } from "./prng.ts";
import { pyDiv, pyInt, pyMin, pyMul, pyRound, type PyNum } from "./pynum.ts";

export const GIB: PyNum = pyInt(2 ** 30);
export const HOUR_S: PyNum = pyInt(3600);

const STORAGE_DEFAULTS = [
  ["gp3-csi", "ebs.csi.aws.com"],
  ["fast", "disk.csi.azure.com"],
  ["slow", "disk.csi.azure.com"],
  ["gold", "pd.csi.storage.gke.io"],
] as const;

export interface PodEntity {
  pod: string;
  namespace: string;
  node: string;
  resourceId: string;
  labels: string;
  podSeconds: PyNum | null;
  cpuLimit: PyNum;
  cpuRequest: PyNum;
  memLimitGig: PyNum;
  memRequestGig: PyNum;
  cpuUsage: UsageMap;
  memUsageGig: UsageMap;
  capCores: PyNum;
  capCoreSeconds: PyNum;
  capMemBytes: PyNum;
  capMemByteSeconds: PyNum;
}

export interface StorageEntity {
  namespace: string;
  pod: string;
  node: string;
  pvc: string;
  pv: string;
  storageClass: string;
  csiDriver: string;
  csiVolumeHandle: string;
  pvLabels: string;
  pvcLabels: string;
  claimless: boolean;
  /** capacity / GiB, a float */
  capacityGig: PyNum;
  capacityBytes: PyNum;
  capacityByteSeconds: PyNum;
  requestByteSeconds: PyNum | null;
  usageGig: UsageMap;
}

export interface LabelEntity {
  name: string;
  labels: string;
}

export interface GeneratorInstance {
  /** Fully random cluster: every hour only a random subset of the pods reports (nise random mode). */
  randomPodSubset: boolean;
  pods: PodEntity[];
  storage: StorageEntity[];
  nodes: LabelEntity[];
  namespaces: LabelEntity[];
}

const txt = (v: string | null | undefined): string => v ?? "";

/** Python dict semantics: a repeated key keeps its first position and takes the last value. */
function dictSet<T>(keys: Map<string, number>, list: T[], key: string, value: T): void {
  const at = keys.get(key);
  if (at === undefined) {
    keys.set(key, list.length);
    list.push(value);
  } else list[at] = value;
}

function capUsage(usage: UsageMap, limit: PyNum): UsageMap {
  return usage.map((e) => (e.value.v > limit.v ? { key: e.key, value: limit } : e)) as UsageMap;
}

function vmFromLabels(labels: string | null | undefined): string | null {
  if (!labels) return null;
  for (const entry of labels.split("|")) {
    const [k, v] = entry.split(":");
    if (k === "label_vm_kubevirt_io_name") return v;
  }
  return null;
}

/** What makePod reads of a pod spec: a YAML pod, or a VM standing in for its VM-backed pod. */
type PodInput = Omit<PodSpec, "gpus">;

interface NodeInst {
  name: string;
  cores: PyNum;
  memBytes: PyNum;
  resourceId: string;
  labels: string;
}

function makePod(rng: Prng, node: NodeInst, namespace: string, spec: PodInput): PodEntity {
  // nise evaluates the .get() defaults eagerly; drawing them always keeps one draw order
  const defName = rng.word();
  const cpuLimit = pyMin(spec.cpu_limit ?? node.cores, node.cores);
  const defReq = pyRound(rng.uniform(0.02, cpuLimit.v), 5);
  const cpuRequest = pyMin(spec.cpu_request ?? defReq, cpuLimit);
  const memGig = pyDiv(node.memBytes, GIB);
  const memLimitGig = pyMin(spec.mem_limit_gig ?? memGig, memGig);
  const defMemReq = pyRound(rng.uniform(25.0, 80.0), 2);
  const memRequestGig = pyMin(spec.mem_request_gig ?? defMemReq, memLimitGig);
  return {
    pod: spec.pod_name ?? defName,
    namespace,
    node: node.name,
    resourceId: node.resourceId,
    labels: txt(spec.labels),
    podSeconds: spec.pod_seconds && spec.pod_seconds.v ? spec.pod_seconds : null,
    cpuLimit,
    cpuRequest,
    memLimitGig,
    memRequestGig,
    cpuUsage: capUsage(spec.cpu_usage, cpuLimit),
    memUsageGig: capUsage(spec.mem_usage_gig, memLimitGig),
    capCores: node.cores,
    capCoreSeconds: pyMul(node.cores, HOUR_S),
    capMemBytes: node.memBytes,
    capMemByteSeconds: pyMul(node.memBytes, HOUR_S),
  };
}

function makeVolume(rng: Prng, node: NodeInst, namespace: string, spec: VolumeSpec, podPvc: Map<string, string>): StorageEntity[] {
  const [defClass, defDriver] = rng.choice(STORAGE_DEFAULTS);
  const defName = `pv-${rng.word()}`;
  const defHandle = `vol-${rng.hex(17)}`;
  const pv = spec.volume_name ?? defName;
  const reqGig = spec.volume_request_gig && spec.volume_request_gig.v ? spec.volume_request_gig : pyInt(100);
  const request = pyMul(reqGig, GIB);
  const common = {
    pv,
    storageClass: spec.storage_class === undefined ? defClass : txt(spec.storage_class),
    csiDriver: spec.csi_driver === undefined ? defDriver : txt(spec.csi_driver),
    csiVolumeHandle: spec.csi_volume_handle === undefined ? defHandle : txt(spec.csi_volume_handle),
    pvLabels: txt(spec.labels),
  };
  const keys = new Map<string, number>();
  const claims: StorageEntity[] = [];
  let total = 0;
  for (const c of spec.volume_claims) {
    if (request.v - total <= GIB.v) break;
    const defClaim = rng.word();
    const name = c.volume_claim_name ?? defClaim;
    const capacity = pyMul(c.capacity_gig ?? reqGig, GIB);
    total += capacity.v;
    if (total > request.v) {
      throw new UsageError(`volume ${pv} in namespace ${namespace}: the claims (${total / GIB.v} GiB) exceed the volume request (${request.v / GIB.v} GiB); nise raises ValueError`);
    }
    const capGig = pyDiv(capacity, GIB);
    podPvc.set(c.pod_name ?? "\u0000None", name);
    dictSet(keys, claims, name, {
      ...common,
      namespace,
      pod: txt(c.pod_name),
      node: node.name,
      pvc: name,
      pvcLabels: txt(c.labels),
      claimless: false,
      capacityGig: capGig,
      capacityBytes: pyMul(capGig, GIB),
      capacityByteSeconds: pyMul(pyMul(capGig, GIB), HOUR_S),
      requestByteSeconds: request.v > 0 ? pyMul(request, HOUR_S) : null,
      usageGig: capUsage(c.volume_claim_usage_gig, capGig),
    });
  }
  if (claims.length > 0) return claims;
  const capGig = pyDiv(request, GIB);
  return [{
    ...common,
    namespace: "",
    pod: "",
    node: "",
    pvc: "",
    pvcLabels: "",
    claimless: true,
    capacityGig: capGig,
    capacityBytes: pyMul(capGig, GIB),
    capacityByteSeconds: pyMul(pyMul(capGig, GIB), HOUR_S),
    requestByteSeconds: null,
    usageGig: [],
  }];
}

const NAMESPACE_SUFFIXES = ["ci", "qa", "prod", "proj", "dev", "staging"];
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const lowers = (rng: Prng, k: number) => Array.from({ length: k }, () => LOWER[Math.floor(rng.random() * 26)]).join("");

/** nise `_gen_openshift_labels`: seeded keys plus six fake words, a random subset (with repeats, deduplicated). */
function randomLabels(rng: Prng, seeded: Record<string, string[]>): string {
  const keys = [...Object.keys(seeded), ...Array.from({ length: 6 }, () => rng.word())];
  const n = rng.randint(2, keys.length);
  const labels = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const key = rng.choice(keys);
    const value = key in seeded ? rng.choice(seeded[key]) : rng.word();
    labels.set(`label_${key}`, value);
  }
  return [...labels].map(([k, v]) => `${k}:${v}`).join("|");
}

type NsEntry = { name: string; node: NodeInst; spec: GeneratorSpec["nodes"][number]["namespaces"][number] | null };

/**
 * Build one generator instance (nise `OCPGenerator.__init__`) for one month. A node without namespaces
 * gets random namespaces, pods, volumes and VMs (nise's random mode); a generator without nodes is a
 * fully random cluster whose pods report in a random subset every hour.
 */
export function buildGenerator(spec: GeneratorSpec, rng: Prng): GeneratorInstance {
  // the steps draw from rng in this order (nodes, pods, volumes, VMs): reordering them changes the data
  const fullyRandom = spec.nodes.length === 0;
  const pools = labelPools(rng);
  const { nodes, nsList, nsLabelRows } = buildNodes(spec, rng, fullyRandom);
  const { podKeys, pods, nsPods } = buildPods(rng, nsList, pools);
  const labelledVms = labelledVmNames(pods);
  const { podPvc, storage } = buildStorage(rng, nsList, nsPods, pools);
  const vms = declareVms(rng, nsList, podPvc, storage);
  placeVms(rng, { vms, labelledVms, podKeys, pods, podPvc, storage });
  return {
    pods,
    storage,
    nodes: nodes.map((n) => ({ name: n.name, labels: n.labels })),
    namespaces: nsLabelRows,
    randomPodSubset: fullyRandom,
  };
}

type LabelPools = Record<string, string[]>;

/** The values random labels draw from. */
function labelPools(rng: Prng): LabelPools {
  return {
    environment: ["dev", "ci", "qa", "stage", "prod"],
    app: Array.from({ length: 6 }, () => rng.word()),
    organization: Array.from({ length: 4 }, () => rng.word()),
    market: Array.from({ length: 6 }, () => rng.word()),
    version: Array.from({ length: 6 }, () => rng.word()),
  };
}

/** The nodes, and their namespaces: declared, or random ones (nise's random mode). */
function buildNodes(spec: GeneratorSpec, rng: Prng, fullyRandom: boolean): { nodes: NodeInst[]; nsList: NsEntry[]; nsLabelRows: LabelEntity[] } {
  const nodes: NodeInst[] = [];
  const nsKeys = new Map<string, number>();
  const nsList: NsEntry[] = [];
  const nsLabelRows: LabelEntity[] = [];
  const nodeSpecs = fullyRandom ? Array.from({ length: rng.randint(2, 6) }, () => null) : spec.nodes;
  for (const n of nodeSpecs) {
    let node: NodeInst;
    if (n === null) {
      const memGig = pyInt(rng.randint(2, 8));
      node = {
        name: `node_${rng.word()}`,
        cores: pyInt(rng.randint(2, 16)),
        memBytes: pyMul(memGig, GIB),
        resourceId: `i-${rng.hex(17)}`,
        labels: randomLabels(rng, { "node-role.kubernetes.io/master": [""], "node-role.kubernetes.io/infra": [""] }),
      };
    } else {
      const memGig = n.memory_gig ?? pyInt(rng.randint(2, 8));
      const defRid = rng.hex(17);
      const defName = `node_${rng.word()}`;
      const cores = n.cpu_cores ?? pyInt(rng.randint(2, 16));
      node = { name: n.node_name ?? defName, cores, memBytes: pyMul(memGig, GIB), resourceId: `i-${n.resource_id ?? defRid}`, labels: txt(n.node_labels) };
    }
    nodes.push(node);
    if (n !== null && n.namespaces.length > 0) {
      for (const ns of n.namespaces) {
        dictSet(nsKeys, nsList, ns.name, { name: ns.name, node, spec: ns });
        nsLabelRows.push({ name: ns.name, labels: txt(ns.namespace_labels) });
      }
    } else {
      const count = rng.randint(2, 12);
      for (let i = 0; i < count; i++) {
        const name = `${rng.word()}_${rng.choice(NAMESPACE_SUFFIXES)}`;
        dictSet(nsKeys, nsList, name, { name, node, spec: null });
      }
    }
  }
  return { nodes, nsList, nsLabelRows };
}

/** Each namespace's pods: declared, or random ones; nsPods lists the pod names of each namespace. */
function buildPods(rng: Prng, nsList: readonly NsEntry[], pools: LabelPools): { podKeys: Map<string, number>; pods: PodEntity[]; nsPods: Map<string, string[]> } {
  const podKeys = new Map<string, number>();
  const pods: PodEntity[] = [];
  const nsPods = new Map<string, string[]>();
  for (const ns of nsList) {
    const names: string[] = [];
    nsPods.set(ns.name, names);
    if (ns.spec) {
      for (const p of ns.spec.pods) {
        const pod = makePod(rng, ns.node, ns.name, p);
        names.push(pod.pod);
        dictSet(podKeys, pods, pod.pod, pod);
      }
      continue;
    }
    const count = rng.randint(2, 20);
    for (let i = 0; i < count; i++) {
      const name = `${rng.word()}_${rng.choice(["build", "deploy", lowers(rng, 5)])}`;
      const C = ns.node.cores;
      const cpuLimit = pyRound(rng.uniform(0.02, C.v), 5);
      const cpuRequest = pyRound(rng.uniform(0.02, cpuLimit.v), 5);
      const memGig = pyDiv(ns.node.memBytes, GIB);
      const memLimitGig = pyRound(rng.uniform(25.0, memGig.v), 2);
      const memRequestGig = pyRound(rng.uniform(25.0, memLimitGig.v), 2);
      names.push(name);
      dictSet(podKeys, pods, name, {
        pod: name, namespace: ns.name, node: ns.node.name, resourceId: ns.node.resourceId,
        labels: randomLabels(rng, pools), podSeconds: null, cpuLimit, cpuRequest, memLimitGig, memRequestGig,
        cpuUsage: [], memUsageGig: [], capCores: C, capCoreSeconds: pyMul(C, HOUR_S), capMemBytes: ns.node.memBytes,
        capMemByteSeconds: pyMul(ns.node.memBytes, HOUR_S),
      });
    }
  }
  return { podKeys, pods, nsPods };
}

/** The VMs a pod's labels name (such a VM gets no pod of its own). */
function labelledVmNames(pods: readonly PodEntity[]): Set<string> {
  const labelledVms = new Set<string>();
  for (const p of pods) {
    const vm = vmFromLabels(p.labels);
    if (vm !== null) labelledVms.add(vm);
  }
  return labelledVms;
}

/** Each namespace's volumes and claims: declared, or random ones; podPvc maps a pod to its claim. */
function buildStorage(rng: Prng, nsList: readonly NsEntry[], nsPods: Map<string, string[]>, pools: LabelPools): { podPvc: Map<string, string>; storage: StorageEntity[] } {
  const podPvc = new Map<string, string>();
  const storage: StorageEntity[] = [];
  for (const ns of nsList) {
    if (ns.spec) {
      for (const v of ns.spec.volumes) storage.push(...makeVolume(rng, ns.node, ns.name, v, podPvc));
      continue;
    }
    const volumes = rng.randint(1, 3);
    const claimsPer = rng.randint(1, 2);
    for (let i = 0; i < volumes; i++) {
      const reqGig = pyRound(rng.uniform(25.0, 80.0), 2);
      const request = pyMul(reqGig, GIB);
      const claims: VolumeClaimSpec[] = [];
      let total = 0;
      for (let c = 0; c < claimsPer; c++) {
        if (request.v - total <= GIB.v) break;
        const capGig = pyRound(rng.uniform(1.0, reqGig.v - total / GIB.v), 2);
        claims.push({ volume_claim_name: rng.word(), pod_name: rng.choice(nsPods.get(ns.name)!), labels: randomLabels(rng, pools), capacity_gig: capGig, volume_claim_usage_gig: [] });
        total += capGig.v * GIB.v;
      }
      storage.push(...makeVolume(rng, ns.node, ns.name, {
        volume_name: `pv-${lowers(rng, 10)}`, volume_request_gig: reqGig, labels: randomLabels(rng, pools), volume_claims: claims,
      }, podPvc));
    }
  }
  return { podPvc, storage };
}

type VmEntry = { name: string; ns: NsEntry; pod: PodInput; disk?: { claim: string; capacity: PyNum } };

/**
 * VMs: declared ones, and random ones on random nodes; each gets a VM-backed pod (unless a pod is
 * labelled with its name) and, when its disk claim is nobody's, a disk volume (placeVms).
 */
function declareVms(rng: Prng, nsList: readonly NsEntry[], podPvc: Map<string, string>, storage: readonly StorageEntity[]): VmEntry[] {
  const vmKeys = new Map<string, number>();
  const vms: VmEntry[] = [];
  for (const ns of nsList) {
    if (!ns.spec) {
      const count = rng.randint(2, 20);
      for (let i = 0; i < count; i++) {
        const name = `${rng.word()}_${rng.choice(["build", "deploy", lowers(rng, 5)])}`;
        const disk = { claim: rng.word(), capacity: pyMul(pyInt(rng.randint(30, 50)), GIB) };
        dictSet(vmKeys, vms, name, { name, ns, disk, pod: { pod_name: name, labels: `label_vm_kubevirt_io_name:${name}`, cpu_usage: [], mem_usage_gig: [] } });
      }
      continue;
    }
    for (const vm of ns.spec.virtual_machines) {
      const defName = rng.word();
      const name = vm.vm_name ?? defName;
      const cpuLimit = pyMin(vm.cpu_limit ?? ns.node.cores, ns.node.cores);
      const memGig = pyDiv(ns.node.memBytes, GIB);
      const memLimit = pyMin(vm.mem_limit_gig ?? memGig, memGig);
      const memBytesUsage = capUsage(vm.mem_usage_gig, memLimit).map((e) => ({ key: e.key, value: pyMul(e.value, GIB) })) as UsageMap;
      let disk: { claim: string; capacity: PyNum } | undefined;
      const link = vm.pod_name;
      if (link) {
        const pvc = podPvc.get(link);
        const claim = pvc === undefined ? undefined : storage.find((s) => s.pvc === pvc && !s.claimless);
        if (claim) disk = { claim: claim.pvc, capacity: claim.capacityBytes };
      } else {
        const defClaim = rng.word();
        const defCap = pyInt(rng.randint(30, 50));
        disk = { claim: vm.volume_claim_name ?? defClaim, capacity: pyMul(vm.capacity_gig ?? defCap, GIB) };
      }
      dictSet(vmKeys, vms, name, {
        name,
        ns,
        disk,
        pod: {
          pod_name: name,
          labels: `label_vm_kubevirt_io_name:${name}`,
          pod_seconds: vm.vm_seconds && vm.vm_seconds.v ? vm.vm_seconds : undefined,
          cpu_usage: capUsage(vm.cpu_usage, cpuLimit),
          mem_usage_gig: memBytesUsage,
        },
      });
    }
  }
  return vms;
}

/** Each VM's pod (unless a pod is labelled with its name) and its disk volume, when its claim is nobody's. */
function placeVms(
  rng: Prng,
  g: { vms: readonly VmEntry[]; labelledVms: Set<string>; podKeys: Map<string, number>; pods: PodEntity[]; podPvc: Map<string, string>; storage: StorageEntity[] },
): void {
  const { vms, labelledVms, podKeys, pods, podPvc, storage } = g;
  for (const vm of vms) {
    if (!labelledVms.has(vm.name)) {
      const pod = makePod(rng, vm.ns.node, vm.ns.name, vm.pod);
      dictSet(podKeys, pods, pod.pod, pod);
    }
    if (vm.disk && ![...podPvc.values()].includes(vm.disk.claim)) {
      if (vm.disk.capacity.v > 100 * GIB.v) {
        throw new UsageError(`virtual machine ${vm.name} in namespace ${vm.ns.name}: disk capacity ${vm.disk.capacity.v / GIB.v} GiB exceeds the 100 GiB volume nise creates for it; nise raises ValueError`);
      }
      storage.push(
        ...makeVolume(rng, vm.ns.node, vm.ns.name, {
          volume_claims: [{ pod_name: vm.name, volume_claim_name: vm.disk.claim, capacity_gig: pyDiv(vm.disk.capacity, GIB), volume_claim_usage_gig: [] }],
        }, podPvc),
      );
    }
  }
}

/** The usage for a day: the first entry that is full_period or that day (nise `_get_usage_for_date`). */
export function usageFor(usage: UsageMap, day: number): PyNum | null {
  for (const e of usage) if (e.key === "full_period" || e.key === day) return e.value;
  return null;
}

