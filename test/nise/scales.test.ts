import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { generate } from "../../src/nise/generate.ts";
import type { PodUsageRow, RowSink } from "../../src/nise/rows.ts";
import { manifestPodRows, SCALES, scaleManifest } from "../../src/scales.ts";
import { scratch } from "./helpers.ts";

test("the scales are the POC's pods / namespaces / nodes, and pod rows are pods x 744 hours of October 2025", (t) => {
  const want: [string, number, number, number][] = [
    ["small", 10, 2, 2], ["medium", 100, 5, 5], ["large", 500, 10, 10], ["xlarge", 1000, 10, 20],
    ["xxlarge", 2500, 20, 30], ["production-small", 5000, 25, 40], ["production-medium", 10000, 30, 50],
    ["production-large", 20000, 40, 100],
    ["production-xlarge", 50000, 50, 150],
    ["production-xxlarge", 100000, 60, 200],
  ];
  t.deepEqual(SCALES.map((s) => [s.name, s.pods, s.namespaces, s.nodes]), want);
  // 31 days x 24 hours = 744
  t.is(SCALES.find((s) => s.name === "small")!.podRows, 7_440);
  t.is(SCALES.find((s) => s.name === "medium")!.podRows, 74_400);
  t.is(SCALES.find((s) => s.name === "large")!.podRows, 372_000);
  t.is(SCALES.find((s) => s.name === "production-large")!.podRows, 14_880_000);
  // 50,000 x 744 and 100,000 x 744
  t.is(SCALES.find((s) => s.name === "production-xlarge")!.podRows, 37_200_000);
  t.is(SCALES.find((s) => s.name === "production-xxlarge")!.podRows, 74_400_000);
});

test("every scale manifest has exactly its pod count, one generator per node, over 2025-10-01 .. 2025-11-01", (t) => {
  for (const s of SCALES) {
    const m = scaleManifest(s.name, 1);
    const pods = m.generators.flatMap((g) => g.nodes.flatMap((n) => n.namespaces.flatMap((ns) => ns.pods)));
    t.is(pods.length, s.pods, s.name);
    t.is(new Set(pods.map((p) => p.pod_name)).size, s.pods, `${s.name}: unique pod names`);
    t.is(m.generators.length, s.nodes);
    for (const g of m.generators) {
      t.is(g.start, Date.UTC(2025, 9, 1));
      t.is(g.end, Date.UTC(2025, 10, 1));
      t.true(g.nodes[0].namespaces.length > 0, "no node is left to nise's random mode");
      const names = g.nodes[0].namespaces.map((n) => n.name);
      t.is(new Set(names).size, names.length, "namespace names unique per generator");
    }
  }
});

test("pod j of namespace i runs on node (j mod NODES)+1, the last namespace off the master on (j mod (NODES-1))+2; openshift-kube-apiserver only on the master", (t) => {
  const m = scaleManifest("large", 5);
  for (const g of m.generators) {
    const node = g.nodes[0];
    for (const ns of node.namespaces) {
      for (const p of ns.pods) {
        if (ns.name === "openshift-kube-apiserver") {
          t.is(node.node_name, "node-1");
          continue;
        }
        const [, i, j] = /^pod-(\d+)-(\d+)$/.exec(p.pod_name!)!.map(Number);
        // large: 10 namespaces on 10 nodes; namespace-10 keeps off node-1, the master
        t.is(node.node_name, i === 10 ? `node-${(j % 9) + 2}` : `node-${(j % 10) + 1}`);
        t.is(ns.name, `namespace-${i}`);
        t.is(p.labels, `label_app:benchmark|label_tier:backend|label_namespace:namespace-${i}`);
      }
    }
  }
  const labels = Object.fromEntries(m.generators.map((g) => [g.nodes[0].node_name, g.nodes[0].node_labels]));
  t.regex(labels["node-1"]!, /label_node_role_kubernetes_io:master/);
  t.regex(labels["node-2"]!, /label_node_role_kubernetes_io:infra/);
  t.regex(labels["node-3"]!, /label_node_role_kubernetes_io:worker/);
});

test("pod shapes follow the POC: request U(0.1,2), limit 1.2-2x request, memory in MiB/1024, usage 0.7 x request, 3600 s", (t) => {
  const m = scaleManifest("medium", 3);
  for (const p of m.generators.flatMap((g) => g.nodes[0].namespaces.flatMap((n) => n.pods))) {
    const req = p.cpu_request!.v;
    t.true(req >= 0.1 && req <= 2.0);
    t.true(p.cpu_limit!.v >= req * 1.2 - 0.001 && p.cpu_limit!.v <= req * 2.0 + 0.001);
    const memMb = p.mem_request_gig!.v * 1024;
    t.true(Number.isInteger(memMb) && memMb >= 128 && memMb < 2048);
    const limMb = p.mem_limit_gig!.v * 1024;
    t.true(Number.isInteger(limMb) && limMb >= Math.floor(memMb * 1.2) && limMb <= memMb * 1.5);
    t.is(p.pod_seconds!.v, 3600);
    t.deepEqual(p.cpu_usage, [{ key: "full_period", value: { v: 0.7 * req, int: false } }]);
    t.deepEqual(p.mem_usage_gig, [{ key: "full_period", value: { v: 0.7 * p.mem_request_gig!.v, int: false } }]);
  }
});

test("each workload namespace has a PV with two claims and a claimless PV; with 3 or more nodes every shared PV spans two nodes", (t) => {
  const sharedNodes = (m: ReturnType<typeof scaleManifest>, i: number) =>
    m.generators.flatMap((g) =>
      g.nodes[0].namespaces.filter((n) => n.name === `namespace-${i}`).flatMap((n) => n.volumes.filter((v) => v.volume_name === `pv-namespace-${i}-shared`).map(() => g.nodes[0].node_name)),
    );
  const medium = scaleManifest("medium", 9);
  for (const i of [1, 2, 3, 4, 5]) {
    const nodes = sharedNodes(medium, i);
    t.is(nodes.length, 2);
    t.not(nodes[0], nodes[1]);
  }
  const m = scaleManifest("small", 9);
  // small: namespace-1 spans both nodes; namespace-2 keeps off the master, so its two claims share node-2
  t.deepEqual(sharedNodes(m, 1).sort(), ["node-1", "node-2"]);
  t.deepEqual(sharedNodes(m, 2), ["node-2", "node-2"]);
  for (const i of [1, 2]) {
    const orphans = m.generators.flatMap((g) => g.nodes[0].namespaces.flatMap((n) => n.volumes)).filter((v) => v.volume_name === `pv-namespace-${i}-orphan`);
    t.is(orphans.length, 1);
    t.deepEqual(orphans[0].volume_claims, []);
  }
});

test("the same seed gives the same scale, another seed other shapes; unknown scales are a UsageError", (t) => {
  t.deepEqual(scaleManifest("medium", 11), scaleManifest("medium", 11));
  t.notDeepEqual(scaleManifest("medium", 11), scaleManifest("medium", 12));
  t.throws(() => scaleManifest("huge", 1), { instanceOf: UsageError, message: /--scale: unknown scale "huge"/ });
});

test("small generates 7,440 pod rows in 4 (namespace, node) groups a day, the earlier benchmark's 124 daily Pod rows", async (t) => {
  const s = scratch();
  const pods: PodUsageRow[] = [];
  const sink: RowSink = { pod: (r) => pods.push(r), storage() {}, nodeLabel() {}, namespaceLabel() {} };
  try {
    const sum = await generate(scaleManifest("small", 42), { clusterId: "bench-small", outDir: s.out, format: "csv", sink });
    t.is(sum.rows.pod, 7_440); // 10 pods x 744 hours
    t.is(pods.length, 7_440);
    const groups = new Set(pods.map((p) => `${Math.floor(p.interval_start / 86_400_000)}|${p.namespace}|${p.node}|${p.pod_labels}`));
    // namespace-1 on node-1 and node-2, namespace-2 on node-2 only, openshift-kube-apiserver on node-1: 4 a day
    t.is(groups.size, 31 * 4);
    t.deepEqual(sum.months, ["October-2025", "November-2025"]); // nise's run end is the last day of the end's month
  } finally {
    s.cleanup();
  }
});

// ---------------------------------------------------------------------------------------------
// The realistic profile

type AnyPod = { pod_name?: string; cpu_request?: { v: number }; labels?: string | null; cpu_usage: unknown[]; mem_usage_gig: unknown[] };
const podsOf = (m: ReturnType<typeof scaleManifest>) =>
  m.generators.flatMap((g) => g.nodes.flatMap((n) => n.namespaces.flatMap((ns) => ns.pods.map((p) => ({ pod: p as AnyPod, start: g.start, end: g.end, node: n.node_name })))));

test("realistic keeps the constant profile's pods, requests, nodes and PVs, and leaves every usage out for nise to draw per hour", (t) => {
  const constant = scaleManifest("medium", 42, "constant");
  const realistic = scaleManifest("medium", 42, "realistic");
  const req = (m: ReturnType<typeof scaleManifest>) => new Map(podsOf(m).map(({ pod, node }) => [pod.pod_name, `${node}:${pod.cpu_request!.v}`]));
  t.deepEqual(new Map([...req(realistic)].sort()), new Map([...req(constant)].sort()));
  t.is(new Set(podsOf(realistic).map((p) => p.pod.pod_name)).size, 100);
  t.true(podsOf(realistic).every(({ pod }) => pod.cpu_usage.length === 0 && pod.mem_usage_gig.length === 0));
  const claims = realistic.generators.flatMap((g) => g.nodes.flatMap((n) => n.namespaces.flatMap((ns) => ns.volumes.flatMap((v) => v.volume_claims))));
  t.true(claims.length > 0 && claims.every((c) => c.volume_claim_usage_gig.length === 0));
});

test("realistic: every 10th pod from the 4th lives part of the month, every 10th from the 5th changes label_release from r1 to r2 at one hour", (t) => {
  const m = scaleManifest("medium", 42, "realistic");
  const oct1 = Date.UTC(2025, 9, 1);
  const nov1 = Date.UTC(2025, 10, 1);
  const byPod = new Map<string, { start: number; end: number; labels: string }[]>();
  for (const { pod, start, end } of podsOf(m)) {
    if (!byPod.has(pod.pod_name!)) byPod.set(pod.pod_name!, []);
    byPod.get(pod.pod_name!)!.push({ start, end, labels: pod.labels ?? "" });
  }
  // medium: 5 namespaces of 20 pods (the last 19): pods j = 4, 14 and j = 5, 15 in each
  const partial = [...byPod].filter(([name]) => /-(4|14)$/.test(name));
  t.is(partial.length, 10);
  for (const [name, lives] of partial) {
    t.is(lives.length, 1, name);
    t.true(lives[0].start > oct1 || lives[0].end < nov1, `${name} starts or ends within October`);
    t.is((lives[0].end - lives[0].start) % 3_600_000, 0, "whole hours");
  }
  const relabelled = [...byPod].filter(([name]) => /-(5|15)$/.test(name));
  t.is(relabelled.length, 10);
  for (const [name, lives] of relabelled) {
    t.is(lives.length, 2, name);
    const [a, b] = lives;
    t.is(a.start, oct1);
    t.is(a.end, b.start, "no gap, no overlap");
    t.is(b.end, nov1);
    t.regex(a.labels, /\|label_release:r1$/);
    t.is(b.labels, a.labels.replace("label_release:r1", "label_release:r2"));
  }
  t.true([...byPod].filter(([name]) => !/-(4|5|14|15)$/.test(name)).every(([, lives]) => lives.length === 1 && lives[0].start === oct1 && lives[0].end === nov1));
});

test("realistic medium data: a pod running the whole month has hundreds of distinct hourly CPU usage values", async (t) => {
  const s = scratch();
  try {
    const cpu = new Map<string, Set<number>>();
    const sink: RowSink = {
      pod: (r: PodUsageRow) => {
        if (!cpu.has(r.pod)) cpu.set(r.pod, new Set());
        cpu.get(r.pod)!.add(r.pod_usage_cpu_core_seconds!);
      },
      storage: () => undefined,
      nodeLabel: () => undefined,
      namespaceLabel: () => undefined,
    };
    await generate(scaleManifest("medium", 42, "realistic"), { clusterId: "c", outDir: s.out, format: "csv", seed: 42, sink });
    // pod-1-1 runs all 744 hours; nise draws rnd5(U(0.02, limit)) x 3600 s each hour
    const distinct = cpu.get("pod-1-1")!.size;
    t.true(distinct > 600, `pod-1-1: ${distinct} distinct hourly values`);
  } finally {
    s.cleanup();
  }
});

test("manifestPodRows counts pods x whole hours per generator: constant small is 10 x 744 = 7,440, realistic fewer", (t) => {
  t.is(manifestPodRows(scaleManifest("small", 42, "constant")), 7_440);
  t.true(manifestPodRows(scaleManifest("small", 42, "realistic")) < 7_440);
});
