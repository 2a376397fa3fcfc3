import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { generate } from "../../src/nise/generate.ts";
import type { PodUsageRow, RowSink } from "../../src/nise/rows.ts";
import { SCALES, scaleManifest } from "../../src/scales.ts";
import { scratch } from "./helpers.ts";

test("the scales are the POC's pods / namespaces / nodes, and pod rows are pods x 744 hours of October 2025", (t) => {
  const want: [string, number, number, number][] = [
    ["small", 10, 2, 2], ["medium", 100, 5, 5], ["large", 500, 10, 10], ["xlarge", 1000, 10, 20],
    ["xxlarge", 2500, 20, 30], ["production-small", 5000, 25, 40], ["production-medium", 10000, 30, 50],
    ["production-large", 20000, 40, 100],
  ];
  t.deepEqual(SCALES.map((s) => [s.name, s.pods, s.namespaces, s.nodes]), want);
  // 31 days x 24 hours = 744
  t.is(SCALES.find((s) => s.name === "small")!.podRows, 7_440);
  t.is(SCALES.find((s) => s.name === "medium")!.podRows, 74_400);
  t.is(SCALES.find((s) => s.name === "large")!.podRows, 372_000);
  t.is(SCALES.find((s) => s.name === "production-large")!.podRows, 14_880_000);
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
