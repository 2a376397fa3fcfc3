// Built-in scales: the POC's workload shapes (spec/poc-benchmark.md §6.1) as generator manifests over
// October 2025, drawn from a seeded PRNG. One OCPGenerator per node (namespace names must be unique
// per generator, and a POC namespace spreads its pods over the nodes: pod j of namespace i runs on node
// (j mod NODES)+1). Labels are constant and identical for all pods of a namespace, so the daily Pod
// summary keeps one row per (day, namespace, node).
//
// Extras so that every part of Koku's daily summary is exercised:
// - node-1 is the master node: it alone runs namespace `openshift-kube-apiserver` (one pod, taken from
//   the scale's pod budget: the last workload namespace has one pod fewer), which is what makes Koku
//   call it master; with 3 or more nodes, node-2 carries `label_node_role_kubernetes_io:infra`;
// - node, namespace and pod labels; per workload namespace a PV shared by two claims whose pods run on
//   two different nodes, a PV with one claim, and a claimless PV.

import { UsageError } from "./errors.ts";
import { lastDayOfMonth, utc } from "./nise/calendar.ts";
import type { Manifest, NamespaceSpec, NodeSpec, PodSpec, VolumeSpec } from "./nise/manifest.ts";
import { Prng } from "./nise/prng.ts";
import { pyFloat, pyInt, pyRound, type PyNum } from "./nise/pynum.ts";

export interface ScaleInfo {
  name: string;
  pods: number;
  /** Workload namespaces (plus `openshift-kube-apiserver`). */
  namespaces: number;
  nodes: number;
  /** Hourly pod-usage rows: pods × 744. */
  podRows: number;
  description: string;
}

export const SCALE_START = utc(2025, 10, 1);
export const SCALE_END = utc(2025, 11, 1);
export const SCALE_HOURS = (SCALE_END - SCALE_START) / 3_600_000; // 744

const def = (name: string, pods: number, namespaces: number, nodes: number): ScaleInfo => ({
  name,
  pods,
  namespaces,
  nodes,
  podRows: pods * SCALE_HOURS,
  description: `${pods} pods, ${namespaces} namespaces, ${nodes} nodes, October 2025 (${(pods * SCALE_HOURS).toLocaleString("en-US")} pod rows)`,
});

export const SCALES: readonly ScaleInfo[] = [
  def("small", 10, 2, 2),
  def("medium", 100, 5, 5),
  def("large", 500, 10, 10),
  def("xlarge", 1000, 10, 20),
  def("xxlarge", 2500, 20, 30),
  def("production-small", 5000, 25, 40),
  def("production-medium", 10000, 30, 50),
  def("production-large", 20000, 40, 100),
  // beyond one machine's comfort (issue 22): in-memory needs about 13 GB at the first, more than
  // this 24 GiB machine has at the second; the summary grows with namespaces x nodes x days only
  def("production-xlarge", 50000, 50, 150),
  def("production-xxlarge", 100000, 60, 200),
];

export const DEFAULT_SCALE_SEED = 42;

/** Data profiles: `constant` (one usage value per pod for the month, the earlier benchmark's) or `realistic`. */
export const PROFILES = ["constant", "realistic"] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = "constant";

export function parseProfile(text: string, flag = "--profile"): Profile {
  if (!(PROFILES as readonly string[]).includes(text)) throw new UsageError(`${flag}: expected ${PROFILES.join(" or ")}, got ${JSON.stringify(text)}`);
  return text as Profile;
}

export function scaleInfo(name: string): ScaleInfo {
  const s = SCALES.find((x) => x.name === name) ?? ladderScaleByName(name);
  if (!s) {
    throw new UsageError(
      `--scale: unknown scale ${JSON.stringify(name)}; choose one of ${SCALES.map((x) => x.name).join(", ")}, ` +
        `or pods-N (N from ${LADDER_MIN_PODS} to ${LADDER_MAX_PODS}, shaped like the named scales)`,
    );
  }
  return s;
}

const APISERVER_NS = "openshift-kube-apiserver";
const ZONES = ["zone-a", "zone-b", "zone-c"];

function podShape(rng: Prng, name: string, labels: string, profile: Profile = "constant"): PodSpec {
  const cpuRequest = pyRound(rng.uniform(0.1, 2.0), 3);
  const cpuLimit = pyRound(cpuRequest.v * (1.2 + rng.random() * 0.8), 3);
  const reqMb = Math.floor(rng.uniform(128, 2048));
  const memRequestGig = pyFloat(reqMb / 1024);
  const memLimitGig = pyFloat(Math.floor(reqMb * (1.2 + rng.random() * 0.3)) / 1024);
  return {
    pod_name: name,
    cpu_request: cpuRequest,
    cpu_limit: cpuLimit,
    mem_request_gig: memRequestGig,
    mem_limit_gig: memLimitGig,
    pod_seconds: pyInt(3600),
    // realistic: no usage dicts, so nise draws CPU and memory usage for every hourly row
    cpu_usage: profile === "realistic" ? [] : [{ key: "full_period", value: pyFloat(0.7 * cpuRequest.v) }],
    mem_usage_gig: profile === "realistic" ? [] : [{ key: "full_period", value: pyFloat(0.7 * memRequestGig.v) }],
    labels,
  };
}

function volume(name: string, requestGig: number, labels: string, claims: { name: string; pod: string; capacityGig: number; usageGig: PyNum }[], profile: Profile = "constant"): VolumeSpec {
  return {
    volume_name: name,
    storage_class: "gp3-csi",
    csi_driver: "ebs.csi.aws.com",
    csi_volume_handle: `vol-${name}`,
    volume_request_gig: pyInt(requestGig),
    labels,
    volume_claims: claims.map((c) => ({
      volume_claim_name: c.name,
      pod_name: c.pod,
      labels: `label_claim:${c.name}`,
      capacity_gig: pyInt(c.capacityGig),
      // realistic: no usage dict, so nise draws the claim's usage for every hourly row
      volume_claim_usage_gig: profile === "realistic" ? [] : [{ key: "full_period", value: c.usageGig }],
    })),
  };
}

/** Expand a built-in scale into a Manifest (one OCPGenerator per node, October 2025). */
export function scaleManifest(name: string, seed: number = DEFAULT_SCALE_SEED, profile: Profile = "constant"): Manifest {
  return shapeManifest(scaleInfo(name), profile, seed);
}

/**
 * A scale shape (pods, namespaces, nodes) as a Manifest under a data profile. `constant` is the
 * earlier benchmark's data (one usage value per pod for the month); `realistic` keeps the same
 * shape (the same PRNG draws for requests, limits, PVs and labels) and adds what real clusters
 * have (see realisticManifest). `name` only labels the manifest's source.
 */
export function shapeManifest(shape: Pick<ScaleInfo, "name" | "pods" | "namespaces" | "nodes">, profile: Profile, seed: number = DEFAULT_SCALE_SEED): Manifest {
  const constant = constantShapeManifest(shape, seed, profile);
  return profile === "realistic" ? realisticManifest(constant, seed) : constant;
}

function constantShapeManifest(scale: Pick<ScaleInfo, "name" | "pods" | "namespaces" | "nodes">, seed: number, profile: Profile): Manifest {
  const name = scale.name;
  const rng = new Prng(seed >>> 0);
  const NODES = scale.nodes;
  const nodeName = (k: number) => `node-${k}`;
  const nodeOfPod = (j: number) => (j % NODES) + 1;
  // per node: namespace name -> spec, in namespace order
  const perNode: Map<string, NamespaceSpec>[] = Array.from({ length: NODES + 1 }, () => new Map());
  const nsOn = (k: number, ns: string, labels: string): NamespaceSpec => {
    let spec = perNode[k].get(ns);
    if (!spec) {
      spec = { name: ns, namespace_labels: labels, pods: [], volumes: [], virtual_machines: [] };
      perNode[k].set(ns, spec);
    }
    return spec;
  };

  const base = Math.floor(scale.pods / scale.namespaces);
  const extra = scale.pods % scale.namespaces;
  for (let i = 1; i <= scale.namespaces; i++) {
    const ns = `namespace-${i}`;
    const nsLabels = `label_team:team-${i}|label_environment:${i % 2 === 0 ? "dev" : "prod"}`;
    const podLabels = `label_app:benchmark|label_tier:backend|label_namespace:${ns}`;
    let count = base + (i <= extra ? 1 : 0);
    const last = i === scale.namespaces;
    if (last) count -= 1; // this pod runs openshift-kube-apiserver on the master
    // The last namespace keeps off the master (node-1), which runs openshift-kube-apiserver instead:
    // the (namespace, node) pairs, and so the daily Pod rows, stay the earlier benchmark's
    // 124 / 775 / 3,100 while the master role is still exercised.
    const nodeOf = last ? (j: number) => (j % (NODES - 1)) + 2 : nodeOfPod;
    const podNames: string[] = [];
    for (let j = 1; j <= count; j++) {
      const pod = `pod-${i}-${j}`;
      podNames.push(pod);
      nsOn(nodeOf(j), ns, nsLabels).pods.push(podShape(rng, pod, podLabels, profile));
    }
    // storage: a PV shared by the claims of pods 1 and 2 (two nodes), one with a single claim, a claimless one
    const k1 = nodeOf(1);
    const k2 = nodeOf(2);
    const pvLabels = `label_storage_tier:fast|label_namespace:${ns}`;
    const usageA = pyRound(rng.uniform(1, 10), 2);
    const usageB = pyRound(rng.uniform(1, 10), 2);
    nsOn(k1, ns, nsLabels).volumes.push(volume(`pv-${ns}-shared`, 20, pvLabels, [{ name: `pvc-${ns}-shared-a`, pod: podNames[0], capacityGig: 10, usageGig: usageA }], profile));
    nsOn(k2, ns, nsLabels).volumes.push(volume(`pv-${ns}-shared`, 20, pvLabels, [{ name: `pvc-${ns}-shared-b`, pod: podNames[1], capacityGig: 10, usageGig: usageB }], profile));
    const j3 = Math.min(3, podNames.length);
    nsOn(nodeOf(j3), ns, nsLabels).volumes.push(
      volume(`pv-${ns}-data`, 50, `label_storage_tier:standard|label_namespace:${ns}`, [{ name: `pvc-${ns}-data`, pod: podNames[j3 - 1], capacityGig: 50, usageGig: pyRound(rng.uniform(5, 45), 2) }], profile),
    );
    nsOn(k1, ns, nsLabels).volumes.push(volume(`pv-${ns}-orphan`, 5, "label_orphan:true", [], profile));
  }
  nsOn(1, APISERVER_NS, "label_team:platform|label_environment:prod").pods.push(
    podShape(rng, "kube-apiserver-node-1", `label_app:kube-apiserver|label_tier:control-plane|label_namespace:${APISERVER_NS}`, profile),
  );

  const generators = [];
  for (let k = 1; k <= NODES; k++) {
    const role = k === 1 ? "master" : k === 2 && NODES >= 3 ? "infra" : "worker";
    const node: NodeSpec = {
      node_name: nodeName(k),
      cpu_cores: pyInt(8),
      memory_gig: pyInt(32),
      resource_id: `${nodeName(k)}-resource-id`,
      node_labels: `label_node_role_kubernetes_io:${role}|label_zone:${ZONES[(k - 1) % ZONES.length]}|label_nodeclass:${role === "worker" ? "compute" : role}`,
      namespaces: [...perNode[k].values()],
    };
    if (node.namespaces.length === 0) throw new Error(`scale ${name}: node ${k} got no namespaces`);
    generators.push({ start: SCALE_START, end: SCALE_END, nodes: [node] });
  }
  return { source: `scale:${name}`, generators, runStart: SCALE_START, runEnd: lastDayOfMonth(SCALE_END) };
}

// ---- Sweep ladders: any pod count, shaped like the named scales ----
//
// `streambench sweep` runs a ladder of sizes between the named scales. A ladder point "pods-N" takes
// its namespaces and nodes from the two named scales around N, interpolated on log pods (geometric
// interpolation, rounded): at a named scale's pod count it IS that scale's shape (pods-500 has
// large's 10 namespaces and 10 nodes), and in between it grows the way the named scales grow. PVs
// follow from the namespaces (three per workload namespace), as in every scale.

export const LADDER_MIN_PODS = SCALES[0].pods;
export const LADDER_MAX_PODS = SCALES[SCALES.length - 1].pods;
/** A sweep's largest size unless --max-rows says otherwise: production-large (the larger scales take minutes each). */
export const LADDER_DEFAULT_MAX_PODS = 20000;
/** Ladder points per decade of pods by default: steps of sqrt(10). */
export const DEFAULT_LADDER_STEPS = 2;

const LADDER_NAME = /^pods-(\d+)$/;

/** The scale "pods-N": N pods shaped like the named scales (see above). */
export function ladderScale(pods: number): ScaleInfo {
  if (!Number.isInteger(pods) || pods < LADDER_MIN_PODS || pods > LADDER_MAX_PODS) {
    throw new UsageError(`a ladder point needs a whole number of pods from ${LADDER_MIN_PODS} to ${LADDER_MAX_PODS}, got ${pods}`);
  }
  let upper = SCALES.findIndex((s) => s.pods >= pods);
  if (SCALES[upper].pods === pods) {
    const named = SCALES[upper];
    return { ...def(`pods-${pods}`, pods, named.namespaces, named.nodes), description: `${named.description}, shaped as ${named.name}` };
  }
  const a = SCALES[upper - 1];
  const b = SCALES[upper];
  const t = Math.log(pods / a.pods) / Math.log(b.pods / a.pods);
  const between = (x: number, y: number) => Math.round(x * (y / x) ** t);
  return def(`pods-${pods}`, pods, between(a.namespaces, b.namespaces), between(a.nodes, b.nodes));
}

function ladderScaleByName(name: string): ScaleInfo | undefined {
  const match = LADDER_NAME.exec(name);
  if (!match) return undefined;
  const pods = Number(match[1]);
  return pods >= LADDER_MIN_PODS && pods <= LADDER_MAX_PODS ? ladderScale(pods) : undefined;
}

export interface LadderOptions {
  /** Smallest pod usage rows (default 7,440: 10 pods). The first point has at least this many rows. */
  minRows?: number;
  /** Largest pod usage rows (default 14,880,000: 20,000 pods, LADDER_DEFAULT_MAX_PODS). The last point has at most this many rows. */
  maxRows?: number;
  /** Points per decade of pods (default 2: steps of sqrt(10)). */
  steps?: number;
}

/**
 * The sweep's sizes: the pod counts round(10 x 10^(k/steps)) between the two ends, plus both ends
 * (the smallest pod count with at least minRows rows, the largest with at most maxRows). The grid is
 * anchored at 10 pods whatever the ends, so sweeps with different caps share their sizes; a grid
 * point closer than a quarter step to an end is left out (it would measure nearly the same size twice).
 */
export function sweepLadder(options: LadderOptions = {}): ScaleInfo[] {
  const steps = options.steps ?? DEFAULT_LADDER_STEPS;
  const minRows = options.minRows ?? LADDER_MIN_PODS * SCALE_HOURS;
  const maxRows = options.maxRows ?? LADDER_DEFAULT_MAX_PODS * SCALE_HOURS;
  if (!Number.isInteger(steps) || steps < 1 || steps > 20) throw new UsageError(`--steps must be a whole number from 1 to 20 (points per decade of pods), got ${steps}`);
  const lowest = LADDER_MIN_PODS * SCALE_HOURS;
  const highest = LADDER_MAX_PODS * SCALE_HOURS;
  if (minRows < lowest) throw new UsageError(`--min-rows must be at least ${lowest.toLocaleString("en-US")} (${LADDER_MIN_PODS} pods, the smallest scale), got ${minRows}`);
  if (maxRows < lowest) throw new UsageError(`--max-rows must be at least ${lowest.toLocaleString("en-US")} (${LADDER_MIN_PODS} pods, the smallest scale), got ${maxRows}`);
  if (maxRows > highest) {
    throw new UsageError(`--max-rows must be at most ${highest.toLocaleString("en-US")} (${LADDER_MAX_PODS} pods, ${SCALES[SCALES.length - 1].name}), got ${maxRows}`);
  }
  const minPods = Math.ceil(minRows / SCALE_HOURS);
  const maxPods = Math.floor(maxRows / SCALE_HOURS);
  if (maxPods < minPods) {
    throw new UsageError(
      `--max-rows ${maxRows} is below --min-rows ${minRows}: no pod count (rows = pods x ${SCALE_HOURS}) lies between them`,
    );
  }
  const margin = 10 ** (1 / (4 * steps));
  const pods = [minPods];
  for (let k = 0; ; k++) {
    const p = Math.round(LADDER_MIN_PODS * 10 ** (k / steps));
    if (p * margin > maxPods) break;
    if (p > minPods * margin) pods.push(p);
  }
  if (maxPods !== minPods) pods.push(maxPods);
  return pods.map(ladderScale);
}

// ---------------------------------------------------------------------------------------------
// The realistic profile: the constant shape, with usage drawn per hour by the generator (no usage
// dicts, see podShape/volume), plus pods whose life is not the whole month and pods whose labels
// change on some day. Both are done the way a nise user would write it: extra OCPGenerator entries
// with their own start_date/end_date, holding the same node (same name, size, resource id and
// labels) and the same namespace with just that pod. The duplicate node and namespace label rows
// this gives for those hours are what nise itself writes for several generators on one node.

/** Every 10th workload pod from the 4th on lives part of the month; every 10th from the 5th on changes a label. */
const PARTIAL_POD = 4;
const RELABELLED_POD = 5;
const HOUR_MS = 3_600_000;

function workloadPodIndex(name: string | undefined): number | null {
  const m = /^pod-\d+-(\d+)$/.exec(name ?? "");
  return m ? Number(m[1]) : null;
}

function realisticManifest(base: Manifest, seed: number): Manifest {
  // a PRNG of its own, so the shape (drawn from the scale's PRNG) is the constant profile's
  const rng = new Prng((seed ^ 0x7ea1157c) >>> 0);
  const at = (hour: number) => SCALE_START + hour * HOUR_MS;
  const extra: Manifest["generators"] = [];
  let partials = 0;
  const baseGenerators = base.generators.map((g) => ({
    ...g,
    nodes: g.nodes.map((node) => ({
      ...node,
      namespaces: node.namespaces.map((ns) => {
        const kept: PodSpec[] = [];
        const alone = (pod: PodSpec, start: number, end: number) =>
          extra.push({
            start,
            end,
            nodes: [{ ...node, namespaces: [{ name: ns.name, namespace_labels: ns.namespace_labels, pods: [pod], volumes: [], virtual_machines: [] }] }],
          });
        for (const pod of ns.pods) {
          const j = workloadPodIndex(pod.pod_name);
          if (j !== null && j >= PARTIAL_POD && j % 10 === PARTIAL_POD) {
            // starts within the month and runs to its end / runs from its start and ends within / both
            const kind = partials++ % 3;
            const startHour = kind === 1 ? 0 : rng.randint(24, 600);
            const endHour = kind === 0 ? SCALE_HOURS : kind === 1 ? rng.randint(120, 720) : Math.min(SCALE_HOURS, startHour + rng.randint(48, 300));
            alone({ ...pod }, at(startHour), at(endHour));
          } else if (j !== null && j >= RELABELLED_POD && j % 10 === RELABELLED_POD) {
            // label_release changes from r1 to r2 at some hour (not midnight: that day has both label sets)
            const change = rng.randint(120, 600);
            alone({ ...pod, labels: `${pod.labels}|label_release:r1` }, at(0), at(change));
            alone({ ...pod, labels: `${pod.labels}|label_release:r2` }, at(change), at(SCALE_HOURS));
          } else kept.push(pod);
        }
        return { ...ns, pods: kept };
      }),
    })),
  }));
  return { ...base, source: `${base.source}:realistic`, generators: [...baseGenerators, ...extra] };
}

/** Hourly pod-usage rows a scale manifest generates: pods x hours of each generator (whole-hour spans). */
export function manifestPodRows(manifest: Manifest): number {
  let rows = 0;
  for (const g of manifest.generators) {
    const pods = g.nodes.reduce((a, n) => a + n.namespaces.reduce((b, ns) => b + ns.pods.length, 0), 0);
    rows += pods * Math.floor((g.end - g.start) / HOUR_MS);
  }
  return rows;
}
