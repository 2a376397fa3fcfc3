// Koku's rules, one at a time, as tiny hand-made hourly inputs and the assertions on the daily summary
// rows they must give. Expected values are worked out by hand from spec/koku-daily-summary.md, not
// copied from output. Every implementation runs every scenario: the polars plan
// (test/pipelines/plan-rules.test.ts) and the SQL definition in both dialects
// (test/pipelines/sql-rules.test.ts), so the three implementations answer to one set of rules.
import type { ExecutionContext } from "ava";
import type { TableKey } from "../../src/contract/input-tables.ts";
import { LABEL_ERROR_COLUMN } from "../../pipelines/sql/daily-summary-sql.ts";

export const H = 3600;
export const GIB = 2 ** 30;

/**
 * Hand-made hourly rows per input table. interval_start is an ISO hour ("2024-02-10T00:00:00", UTC);
 * each implementation turns it into its own timestamp type. A missing column is NULL.
 */
export type Tables = Partial<Record<TableKey, Array<Record<string, unknown>>>>;
/** One summary row: SUMMARY_COLUMNS plus LABEL_ERROR_COLUMN, usage_start as "YYYY-MM-DD". */
export type Row = Record<string, any>;

export interface RuleScenario {
  /** The rule it checks (a test name once prefixed with the implementation). */
  name: string;
  tables: Tables;
  /** The job's enabled tag keys; null (the default): every key. */
  enabledTagKeys?: string[] | null;
  check(t: ExecutionContext, rows: Row[]): void;
}

/** A pod row on a 4-core, 16 GiB node (one hour of capacity), every usage 0, unless `r` says otherwise. */
export function podRow(r: Record<string, unknown>): Record<string, unknown> {
  return {
    resource_id: "i-1",
    node_capacity_cpu_cores: 4,
    node_capacity_cpu_core_seconds: 4 * H,
    node_capacity_memory_bytes: 16 * GIB,
    node_capacity_memory_byte_seconds: 16 * GIB * H,
    pod_usage_cpu_core_seconds: 0,
    pod_request_cpu_core_seconds: 0,
    pod_limit_cpu_core_seconds: 0,
    pod_usage_memory_byte_seconds: 0,
    pod_request_memory_byte_seconds: 0,
    pod_limit_memory_byte_seconds: 0,
    ...r,
  };
}

const HOUR0 = "2024-02-10T00:00:00";
const HOUR1 = "2024-02-10T01:00:00";

const mergeTables: Tables = {
  pod: [podRow({ interval_start: HOUR0, pod: "a", namespace: "ns", node: "n", pod_labels: 'label_app:x"y\\z|label_vm_kubevirt_io_name:v' })],
  nodeLabels: [{ interval_start: HOUR0, node: "n", node_labels: "label_team:node|label_zone:a" }],
  namespaceLabels: [{ interval_start: HOUR0, namespace: "ns", namespace_labels: "label_team:ns" }],
};

const claim = (pod: string, pvc: string, ns: string) => ({
  interval_start: HOUR0, // February 2024: 29 days
  namespace: ns,
  pod,
  persistentvolumeclaim: pvc,
  persistentvolume: "pv",
  storageclass: "gp3",
  csi_volume_handle: "vol-1",
  persistentvolumeclaim_capacity_bytes: 10 * GIB,
  persistentvolumeclaim_capacity_byte_seconds: 10 * GIB * H,
  volume_request_storage_byte_seconds: 20 * GIB * H,
  persistentvolumeclaim_usage_byte_seconds: 4 * GIB * H,
  persistentvolume_labels: "label_env:pv|label_tier:fast",
  persistentvolumeclaim_labels: "label_env:pvc",
});

export const RULE_SCENARIOS: readonly RuleScenario[] = [
  {
    name: "labels: split on |, exactly one : per entry, every label_ removed, empty value kept, later duplicate wins; an unparseable string is flagged",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "a", namespace: "ns", node: "n", pod_labels: "label_app:x|label_app_label_x:1|garbage|label_a:b:c|label_e:|label_app:y" }),
        podRow({ interval_start: HOUR0, pod: "b", namespace: "bad", node: "n", pod_labels: "app=x;team=y" }),
      ],
    },
    check(t, rows) {
      const a = rows.find((r) => r.namespace === "ns")!;
      t.deepEqual(JSON.parse(a.pod_labels), { app: "y", app_x: "1", e: "" });
      t.is(a[LABEL_ERROR_COLUMN], false);
      const bad = rows.find((r) => r.namespace === "bad")!;
      t.is(bad.pod_labels, "{}");
      t.is(bad[LABEL_ERROR_COLUMN], true, "a non-empty string without one key:value entry is flagged");
    },
  },
  {
    name: "labels: merge pod > namespace > node into sorted compact JSON with escapes",
    tables: mergeTables,
    check(t, rows) {
      const a = rows.find((r) => r.namespace === "ns")!;
      t.is(a.pod_labels, '{"app":"x\\"y\\\\z","team":"ns","vm_kubevirt_io_name":"v","zone":"a"}');
      t.is(a.all_labels, a.pod_labels);
    },
  },
  {
    name: "labels: an enabled-key list restricts the merged keys and keeps vm_kubevirt_io_name",
    tables: mergeTables,
    enabledTagKeys: ["team"],
    check(t, rows) {
      const filtered = rows.find((r) => r.namespace === "ns")!;
      t.is(filtered.pod_labels, '{"team":"ns","vm_kubevirt_io_name":"v"}');
    },
  },
  {
    name: "pod rows: effective usage is max(usage, request) per hour then summed; capacity is the hourly max summed per day",
    tables: {
      pod: [
        // hour 0: two pods on node n1 (capacity repeated on both rows), one pod on n2
        podRow({ interval_start: HOUR0, pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 10, pod_request_cpu_core_seconds: 20 }),
        podRow({ interval_start: HOUR0, pod: "p2", namespace: "other", node: "n1" }),
        podRow({ interval_start: HOUR0, pod: "p3", namespace: "ns", node: "n2", node_capacity_cpu_core_seconds: 2 * H, resource_id: "i-2" }),
        // hour 1: p1 only
        podRow({ interval_start: HOUR1, pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 30, pod_request_cpu_core_seconds: 5 }),
      ],
    },
    check(t, rows) {
      const p1 = rows.find((r) => r.namespace === "ns" && r.node === "n1")!;
      t.is(p1.data_source, "Pod");
      t.is(p1.usage_start, "2024-02-10");
      t.is(p1.pod_usage_cpu_core_hours, 40 / H);
      t.is(p1.pod_request_cpu_core_hours, 25 / H);
      t.is(p1.pod_effective_usage_cpu_core_hours, (20 + 30) / H, "Σ max(u,r) = 50 s, not max(Σu, Σr) = 40 s");
      t.is(p1.node_capacity_cpu_core_hours, 8, "two hours of 4 cores: the value repeated on two pod rows counts once");
      t.is(p1.cluster_capacity_cpu_core_hours, 10, "n1 8 core-hours + n2 2 core-hours");
      t.is(p1.node_capacity_memory_gigabytes, 16);
      t.is(p1.pod_labels, "{}", "no labels anywhere: {} (never NULL on a Pod row)");
      t.is(p1.all_labels, "{}");
      t.is(p1.volume_labels, null);
    },
  },
  {
    name: "pod rows: a node '' or NULL is dropped; the openshift- namespaces get cost category 1",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "a", namespace: "openshift-etcd", node: "n1" }),
        podRow({ interval_start: HOUR0, pod: "b", namespace: "ns", node: "" }),
        podRow({ interval_start: HOUR0, pod: "c", namespace: "ns", node: null }),
      ],
    },
    check(t, rows) {
      const pods = rows.filter((r) => r.data_source === "Pod" && r.namespace !== null && !r.namespace.endsWith("unallocated"));
      t.deepEqual(pods.map((r) => [r.namespace, r.node, r.cost_category_id]), [["openshift-etcd", "n1", 1]]);
    },
  },
  {
    name: "unallocated rows: master if the node ran openshift-kube-apiserver, infra by node label, else worker, no label rows -> NULL namespace",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "api", namespace: "openshift-kube-apiserver", node: "m", resource_id: "i-m", pod_usage_cpu_core_seconds: H }),
        podRow({ interval_start: HOUR0, pod: "x", namespace: "ns", node: "i", resource_id: "i-i", pod_usage_cpu_core_seconds: 2 * H }),
        podRow({ interval_start: HOUR0, pod: "y", namespace: "ns", node: "w", resource_id: "i-w", pod_usage_cpu_core_seconds: 3 * H }),
        podRow({ interval_start: HOUR0, pod: "z", namespace: "ns", node: "u", resource_id: "i-u" }),
      ],
      nodeLabels: [
        { interval_start: HOUR0, node: "m", node_labels: "label_node_role_kubernetes_io:master" },
        { interval_start: HOUR0, node: "i", node_labels: "label_node_role_kubernetes_io:infra" },
        { interval_start: HOUR0, node: "w", node_labels: "label_zone:a" },
      ],
    },
    check(t, rows) {
      const unalloc = new Map(rows.filter((r) => r.pod_labels === null && r.data_source === "Pod").map((r) => [r.node, r] as const));
      t.is(unalloc.get("m")?.namespace, "Platform unallocated");
      t.is(unalloc.get("i")?.namespace, "Platform unallocated");
      t.is(unalloc.get("w")?.namespace, "Worker unallocated");
      t.is(unalloc.get("u")?.namespace, null, "a node without node-label rows that month has no role");
      t.is(unalloc.get("m")?.cost_category_id, 1, "Platform unallocated is in the Platform category");
      t.is(unalloc.get("w")?.cost_category_id, null);
      t.is(unalloc.get("w")?.pod_usage_cpu_core_hours, 4 - 3, "capacity 4 core-hours minus the pod's 3");
      t.is(unalloc.get("w")?.pod_limit_cpu_core_hours, null, "limit columns are NULL");
      t.is(unalloc.get("w")?.all_labels, "{}");
    },
  },
  {
    name: "node labels that change within a day put the pod's usage in one row per label set (Koku quirk P1)",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "p", namespace: "ns", node: "n", pod_usage_cpu_core_seconds: H }),
        podRow({ interval_start: HOUR1, pod: "p", namespace: "ns", node: "n", pod_usage_cpu_core_seconds: H }),
      ],
      nodeLabels: [
        { interval_start: HOUR0, node: "n", node_labels: "label_zone:a" },
        { interval_start: HOUR1, node: "n", node_labels: "label_zone:b" },
      ],
    },
    check(t, rows) {
      const pods = rows.filter((r) => r.namespace === "ns").sort((a, b) => (a.pod_labels < b.pod_labels ? -1 : 1));
      t.deepEqual(
        pods.map((r) => [r.pod_labels, r.pod_usage_cpu_core_hours]),
        [
          ['{"zone":"a"}', 2],
          ['{"zone":"b"}', 2],
        ],
      );
    },
  },
  {
    name: "storage rows: request and usage divided by the PV's node count, capacity not; GiB-months use the month's days",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "a", namespace: "ns1", node: "n1" }),
        podRow({ interval_start: HOUR0, pod: "b", namespace: "ns2", node: "n2" }),
      ],
      storage: [
        claim("a", "pvc-a", "ns1"),
        claim("b", "pvc-b", "ns2"),
        {
          interval_start: HOUR0,
          persistentvolume: "pv-orphan",
          storageclass: "gp3",
          persistentvolumeclaim_capacity_bytes: GIB,
          persistentvolumeclaim_capacity_byte_seconds: GIB * H,
        },
      ],
    },
    check(t, rows) {
      const a = rows.find((r) => r.data_source === "Storage" && r.persistentvolumeclaim === "pvc-a")!;
      const month = 86400 * 29;
      t.is(a.node, "n1");
      t.is(a.persistentvolumeclaim_capacity_gigabyte, 10);
      t.is(a.persistentvolumeclaim_capacity_gigabyte_months, (10 * GIB * H) / month / GIB, "capacity is not divided");
      t.is(a.volume_request_storage_gigabyte_months, (20 * GIB * H) / 2 / month / GIB, "request / 2 nodes");
      t.is(a.persistentvolumeclaim_usage_gigabyte_months, (4 * GIB * H) / 2 / month / GIB, "usage / 2 nodes");
      t.deepEqual(JSON.parse(a.volume_labels), { env: "pvc", tier: "fast" }, "pvc > pv");
      t.is(a.pod_labels, null);
      const orphan = rows.find((r) => r.persistentvolume === "pv-orphan")!;
      t.is(orphan.namespace, null);
      t.is(orphan.node, null, "a claimless PV has no node");
      t.is(orphan.volume_labels, "{}");
      t.is(orphan.volume_request_storage_gigabyte_months, 0, "sum over NULLs is 0, divided by COALESCE(node_count, 1)");
    },
  },
  {
    name: "an hourly pod row with a measure above 1e18 is dropped before every roll-up: pod sums and node capacity",
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 10 }),
        // the anomaly: this whole row goes, its capacity too
        podRow({ interval_start: HOUR1, pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 2e18 }),
      ],
    },
    check(t, rows) {
      const p1 = rows.find((r) => r.namespace === "ns" && r.node === "n1")!;
      t.is(p1.pod_usage_cpu_core_hours, 10 / H, "only hour 0's 10 s");
      t.is(p1.node_capacity_cpu_core_hours, 4, "one hour of 4 cores: hour 1's capacity went with its row");
    },
  },
  {
    name: "node roles look at each pod-day's own max resource_id: an apiserver pod whose resource_id changed does not make the other id a master",
    // Node n, one day. Pod q (openshift-kube-apiserver) reported i-a at 00:00 and i-b at 01:00: its
    // daily row has max i-b. Pod r (ns) reported i-a. Roles per (node, resource_id) of the per-pod
    // daily rows: (n, i-b) master (q), (n, i-a) worker (r; n has label rows, none infra).
    // The unallocated row takes CASE max(node_role) over the node's Pod rows: max('master', 'worker')
    // = 'worker' -> 'Worker unallocated'. (Had i-a been a master too, it would read Platform.)
    tables: {
      pod: [
        podRow({ interval_start: HOUR0, pod: "q", namespace: "openshift-kube-apiserver", node: "n", resource_id: "i-a" }),
        podRow({ interval_start: HOUR1, pod: "q", namespace: "openshift-kube-apiserver", node: "n", resource_id: "i-b" }),
        podRow({ interval_start: HOUR0, pod: "r", namespace: "ns", node: "n", resource_id: "i-a" }),
      ],
      nodeLabels: [{ interval_start: HOUR0, node: "n", node_labels: "label_zone:a" }],
    },
    check(t, rows) {
      const unallocated = rows.filter((r) => r.data_source === "Pod" && r.pod_labels === null);
      t.deepEqual(
        unallocated.map((r) => [r.node, r.namespace, r.resource_id]),
        [["n", "Worker unallocated", "i-b"]],
      );
    },
  },
];
