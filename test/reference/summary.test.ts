// One focused test per summary rule, on small hand-built row sets (defaults in helpers.ts:
// node-a has 4 cores and 16 GiB; a pod row uses and requests 1 core and 1 GiB for 3600 s).
import test from "ava";
import { DailySummaryReference } from "../../src/reference/index.ts";
import { GIB, N, NS, P, S, near, one, pod, podRows, storageRows, summarize, unallocatedRows } from "./helpers.ts";

test("Effective usage is max(usage, request) per HOURLY row, then summed; NULL skipped", (t) => {
  const rows = summarize([
    // hour 0: usage 2 cores above the 1-core request -> 2
    P({ hour: 0, pod_usage_cpu_core_seconds: 7200, pod_request_cpu_core_seconds: 3600 }),
    // hour 1: usage 0.5 below the request -> 1
    P({ hour: 1, pod_usage_cpu_core_seconds: 1800, pod_request_cpu_core_seconds: 3600 }),
    // hour 2: usage missing -> the request, 1
    P({ hour: 2, pod_usage_cpu_core_seconds: null, pod_request_cpu_core_seconds: 3600 }),
    // hour 3: both missing -> nothing
    P({ hour: 3, pod_usage_cpu_core_seconds: null, pod_request_cpu_core_seconds: null }),
  ]);
  const r = one(t, podRows(rows), () => true, "pod");
  near(t, r.pod_effective_usage_cpu_core_hours, 2 + 1 + 1, "effective"); // not max(2.5, 3) = 3
  near(t, r.pod_usage_cpu_core_hours, 2 + 0.5, "usage");
  near(t, r.pod_request_cpu_core_hours, 3, "request");
});

test("Effective memory per hour too: usage above request in one hour only", (t) => {
  const rows = summarize([
    P({ hour: 0, pod_usage_memory_byte_seconds: 3 * GIB * 3600, pod_request_memory_byte_seconds: 2 * GIB * 3600 }),
    P({ hour: 1, pod_usage_memory_byte_seconds: 1 * GIB * 3600, pod_request_memory_byte_seconds: 2 * GIB * 3600 }),
  ]);
  const r = one(t, podRows(rows), () => true, "pod");
  near(t, r.pod_effective_usage_memory_gigabyte_hours, 3 + 2, "effective GiB-hours");
  near(t, r.pod_usage_memory_gigabyte_hours, 4, "usage GiB-hours");
});

test("Zero and all-NULL usage give 0, not NULL (the daily roll-up sums NULLs to 0)", (t) => {
  const rows = summarize([
    P({ pod: "zero", pod_labels: "label_a:zero", pod_usage_cpu_core_seconds: 0 }),
    P({ pod: "none", pod_labels: "label_a:none", pod_usage_cpu_core_seconds: null, pod_limit_cpu_core_seconds: null }),
  ]);
  const z = one(t, podRows(rows), (r) => r.pod_labels === '{"a":"zero"}', "zero");
  t.is(z.pod_usage_cpu_core_hours, 0);
  const n = one(t, podRows(rows), (r) => r.pod_labels === '{"a":"none"}', "none");
  t.is(n.pod_usage_cpu_core_hours, 0);
  t.is(n.pod_limit_cpu_core_hours, 0);
  t.is(n.pod_effective_usage_cpu_core_hours, 1); // the 1-core request
});

test("Node capacity: per hour the max over the node's pod rows, summed over the day's hours", (t) => {
  const rows = summarize([
    // two pods in hour 0 both report the node's 4 cores: counted once
    P({ hour: 0, pod: "a", pod_labels: "label_p:a" }),
    P({ hour: 0, pod: "b", pod_labels: "label_p:b" }),
    P({ hour: 1, pod: "a", pod_labels: "label_p:a" }),
    // another node with 2 cores, one hour
    P({ hour: 0, node: "node-b", resource_id: "i-2", node_capacity_cpu_cores: 2, node_capacity_cpu_core_seconds: 7200 }),
  ]);
  const a = one(t, podRows(rows), (r) => r.pod_labels === '{"p":"a"}', "pod a");
  near(t, a.node_capacity_cpu_core_hours, 4 + 4, "node-a: 2 hours x 4 cores");
  near(t, a.node_capacity_memory_gigabyte_hours, 16 + 16, "node-a: 2 hours x 16 GiB");
  near(t, a.cluster_capacity_cpu_core_hours, 8 + 2, "cluster: node-a 8 + node-b 2");
  t.is(a.node_capacity_cpu_cores, 4);
  t.is(a.node_capacity_memory_gigabytes, 16);
});

test("Missing capacity is COALESCEd to 0 on Pod rows (self-hosted flavour)", (t) => {
  const rows = summarize([
    P({ node_capacity_cpu_core_seconds: null, node_capacity_memory_byte_seconds: null, node_capacity_cpu_cores: null, node_capacity_memory_bytes: null }),
  ]);
  const r = one(t, podRows(rows), () => true, "pod");
  t.is(r.node_capacity_cpu_core_hours, 0);
  t.is(r.node_capacity_memory_gigabyte_hours, 0);
  t.is(r.cluster_capacity_cpu_core_hours, 0);
  t.is(r.node_capacity_cpu_cores, null); // a plain max, no COALESCE
  t.is(r.node_capacity_memory_gigabytes, null);
});

test("Rows with an empty node are dropped from Pod and unallocated rows (their capacity still counts in the cluster total)", (t) => {
  const rows = summarize([
    P({ node: "", pod: "nowhere", resource_id: "", node_capacity_cpu_core_seconds: 2 * 3600 }),
    P({ pod: "here" }),
  ]);
  t.is(podRows(rows).length, 1);
  t.is(podRows(rows)[0].node, "node-a");
  t.is(unallocatedRows(rows).length, 1);
  t.is(unallocatedRows(rows)[0].node, "node-a");
  // cte_ocp_cluster_capacity sums every node group of the hourly table, the NULL node included
  near(t, podRows(rows)[0].cluster_capacity_cpu_core_hours, 4 + 2, "cluster cpu");
});

test("Shared PV: request and usage divided by the number of distinct nodes its pods ran on", (t) => {
  const rows = summarize([
    P({ pod: "a", node: "n1", resource_id: "i-1" }),
    P({ pod: "b", node: "n2", resource_id: "i-2" }),
    P({ pod: "c", node: "n2", resource_id: "i-2" }),
    // one PV, three claims: pods on n1, n2, n2 -> 2 distinct nodes
    S({ pod: "a", persistentvolumeclaim: "pvc-a" }),
    S({ pod: "b", persistentvolumeclaim: "pvc-b" }),
    S({ pod: "c", persistentvolumeclaim: "pvc-c" }),
  ]);
  const days = 31; // March
  for (const [pvc, node] of [["pvc-a", "n1"], ["pvc-b", "n2"], ["pvc-c", "n2"]]) {
    const r = one(t, storageRows(rows), (r) => r.persistentvolumeclaim === pvc, pvc);
    t.is(r.node, node);
    // 10 GiB request for 1 hour = 10/24 GiB-days, / 2 nodes
    near(t, r.volume_request_storage_gigabyte_months, 10 / 24 / 2 / days, `${pvc} request`);
    near(t, r.persistentvolumeclaim_usage_gigabyte_months, 1 / 24 / 2 / days, `${pvc} usage`);
    // capacity is not divided
    near(t, r.persistentvolumeclaim_capacity_gigabyte_months, 10 / 24 / days, `${pvc} capacity`);
  }
});

test("Quirk P3: two pods on one node mounting one PVC sum its capacity twice; request/usage divided by 1 node", (t) => {
  const rows = summarize([
    P({ pod: "a", pod_labels: "label_p:a" }),
    P({ pod: "b", pod_labels: "label_p:b" }),
    S({ pod: "a" }),
    S({ pod: "b" }),
  ]);
  const r = one(t, storageRows(rows), () => true, "the PVC (pod is not a key)");
  near(t, r.persistentvolumeclaim_capacity_gigabyte_months, (2 * 10) / 24 / 31, "capacity counted twice");
  near(t, r.volume_request_storage_gigabyte_months, (2 * 10) / 24 / 31, "request: two rows summed, one node");
  t.is(r.persistentvolumeclaim_capacity_gigabyte, 10); // max, not summed
});

test("A PVC whose pod has no pod-usage row that day: NULL node and resource_id, not divided", (t) => {
  const rows = summarize([
    P({ pod: "other" }),
    S({ pod: "gone" }),
  ]);
  const r = one(t, storageRows(rows), () => true, "storage");
  t.is(r.node, null);
  t.is(r.resource_id, null);
  t.is(r.namespace, "ns");
  near(t, r.volume_request_storage_gigabyte_months, 10 / 24 / 31, "request / COALESCE(NULL, 1)");
});

test("Node roles: master, infra, worker, and no role without node-label rows", (t) => {
  const rows = summarize([
    N("m", "label_zone:a"),
    N("i", "label_node_role_kubernetes_io:infra|label_zone:b"),
    N("w", "label_node_role_kubernetes_io:infrastructure"), // not exactly "infra"
    P({ node: "m", resource_id: "i-m", namespace: "openshift-kube-apiserver", pod: "api" }),
    P({ node: "i", resource_id: "i-i", namespace: "openshift-ingress", pod: "router" }),
    P({ node: "w", resource_id: "i-w", namespace: "payments", pod: "app" }),
    P({ node: "x", resource_id: "i-x", namespace: "payments", pod: "app2" }), // no node-label rows
  ]);
  const u = unallocatedRows(rows);
  t.is(u.length, 4);
  const ns = (node: string) => one(t, u, (r) => r.node === node, node);
  t.is(ns("m").namespace, "Platform unallocated");
  t.is(ns("m").cost_category_id, 1);
  t.is(ns("i").namespace, "Platform unallocated");
  t.is(ns("w").namespace, "Worker unallocated");
  t.is(ns("w").cost_category_id, null);
  t.is(ns("x").namespace, null);
  t.is(ns("x").cost_category_id, null);
});

test("Node roles: infra is a LIKE over json.dumps text, so '_' in the pattern matches '-' in a key", (t) => {
  // Koku tests `label::text LIKE '%"node_role_kubernetes_io": "infra"%'`; each '_' is a wildcard
  const rows = summarize([N("i", "label_node-role-kubernetes-io:infra"), P({ node: "i", resource_id: "i-i" })]);
  t.is(one(t, unallocatedRows(rows), () => true, "unallocated").namespace, "Platform unallocated");
});

test("Node roles are derived per month: labels only in January leave the node without a role in February", (t) => {
  const rows = summarize([
    N("x", "label_zone:a", { date: "2024-01-31" }),
    P({ node: "x", date: "2024-01-31" }),
    P({ node: "x", date: "2024-02-01" }),
    // master in February only
    N("y", "label_zone:b", { date: "2024-01-31" }),
    N("y", "label_zone:b", { date: "2024-02-01" }),
    P({ node: "y", resource_id: "i-y", date: "2024-01-31" }),
    P({ node: "y", resource_id: "i-y", date: "2024-02-01", namespace: "openshift-kube-apiserver", pod: "api" }),
  ]);
  const u = (node: string, date: string) => one(t, unallocatedRows(rows), (r) => r.node === node && r.usage_start === date, `${node} ${date}`);
  t.is(u("x", "2024-01-31").namespace, "Worker unallocated");
  t.is(u("x", "2024-02-01").namespace, null);
  t.is(u("y", "2024-01-31").namespace, "Worker unallocated");
  t.is(u("y", "2024-02-01").namespace, "Platform unallocated");
});

test("Unallocated = node capacity - sum of the node's Pod rows, negative when pods use more", (t) => {
  const rows = summarize([
    N("node-a", "label_zone:a"),
    // 4-core node for one hour; two pods use 3 and 2 cores -> 4 - 5 = -1
    P({ pod: "a", pod_labels: "label_p:a", pod_usage_cpu_core_seconds: 3 * 3600, pod_request_cpu_core_seconds: 3600 }),
    P({ pod: "b", pod_labels: "label_p:b", pod_usage_cpu_core_seconds: 2 * 3600, pod_request_cpu_core_seconds: 3600 }),
  ]);
  const u = one(t, unallocatedRows(rows), () => true, "unallocated");
  near(t, u.pod_usage_cpu_core_hours, 4 - 5, "usage");
  near(t, u.pod_request_cpu_core_hours, 4 - 2, "request");
  near(t, u.pod_effective_usage_cpu_core_hours, 4 - 5, "effective");
  near(t, u.pod_usage_memory_gigabyte_hours, 16 - 2, "memory");
  t.is(u.pod_limit_cpu_core_hours, null);
  t.is(u.pod_limit_memory_gigabyte_hours, null);
  t.is(u.data_source, "Pod");
  t.is(u.resource_id, "i-1");
});

test("Namespace labels join per day; a namespace without label rows gets none", (t) => {
  const rows = summarize([
    NS("ns", "label_team:t", { date: "2024-03-10" }),
    P({ date: "2024-03-10" }),
    P({ date: "2024-03-11" }),
  ]);
  t.is(one(t, podRows(rows), (r) => r.usage_start === "2024-03-10", "day 1").pod_labels, '{"team":"t"}');
  t.is(one(t, podRows(rows), (r) => r.usage_start === "2024-03-11", "day 2").pod_labels, "{}");
});

test("Rows with a measure above 1e18 are dropped as anomalies at ingest", (t) => {
  const ref = new DailySummaryReference();
  ref.pod(pod({ pod_usage_cpu_core_seconds: 2e18 }));
  ref.pod(pod({ hour: 1 }));
  const rows = ref.finish();
  t.is(ref.counts.anomaliesDropped, 1);
  t.is(one(t, podRows(rows), () => true, "pod").pod_usage_cpu_core_hours, 1);
});

test("Empty namespace: Pod row with NULL namespace, left out of the unallocated sums", (t) => {
  const rows = summarize([P({ namespace: "", pod: "a" }), P({ pod: "b", pod_labels: "label_p:b" })]);
  const r = one(t, podRows(rows), (r) => r.namespace === null, "null namespace");
  t.is(r.cost_category_id, null);
  // the unallocated sums skip it (`namespace != '...'` is NULL for NULL): 4 - 1 (pod b only)
  near(t, one(t, unallocatedRows(rows), () => true, "unallocated").pod_usage_cpu_core_hours, 3, "usage");
});

test("finish() twice is an error", (t) => {
  const ref = new DailySummaryReference();
  ref.finish();
  t.throws(() => ref.finish());
});
