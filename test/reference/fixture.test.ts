// The reference on real nise output (test/fixtures/nise/multi-month-shared-pv), checked against
// values worked out by hand from manifest.yml. Manifest facts used below:
//   master-0: 8 cores, 32 GiB, resource i-11111111, labels node_role_kubernetes_io=master, zone=a, team=node-team
//   worker-1: 4 cores, 16 GiB, resource i-22222222, labels zone=b
//   apiserver-0 (openshift-kube-apiserver on master-0): pod_seconds 3600, cpu usage 1.5, request 2,
//     limit 4; memory usage 6 GiB, request 4, limit 8; labels app=apiserver, team=apiserver-team;
//     namespace labels team=platform, tier=control
//   pay-api-0 (payments on master-0): pod_seconds 1800, cpu usage 1.75 on Jan 31 (0.5 Feb 1, 3 Feb 2
//     capped at limit 2), request 1, limit 2; memory usage 1 GiB, request 2, limit 4
//   pv-shared: request 20 GiB; pvc-shared (pod pay-api-0, master-0) and pvc-shared-b (pod pay-worker-0,
//     worker-1), each capacity 10 GiB, usage 4 GiB; pv labels storage_tier=fast, env=pv-env; pvc labels
//     env=pvc-env, claim=yes; namespace payments labels team=payments, env=prod
//   pv-orphan: no claim, request 5 GiB, labels orphan=true
// The run covers 2024-01-31 00:00 to 2024-02-03 00:00: 24 hours on each of Jan 31, Feb 1, Feb 2.
import test from "ava";
import { readNiseCsvDir } from "../../src/nise/csv-import.ts";
import { DailySummaryReference } from "../../src/reference/index.ts";
import { sortSummaryRows } from "../../src/contract/summary-schema.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { near, one } from "./helpers.ts";
import { join } from "node:path";
import { NISE_FIXTURES } from "../fixtures-path.ts";

const DIR = join(NISE_FIXTURES, "multi-month-shared-pv");

let cached: Promise<SummaryRow[]> | null = null;
function summary(): Promise<SummaryRow[]> {
  cached ??= (async () => {
    const ref = new DailySummaryReference();
    await readNiseCsvDir(DIR, ref);
    return sortSummaryRows(ref.finish());
  })();
  return cached;
}

test("row count: per day 3 Pod rows + 3 Storage rows + 2 unallocated rows, for 3 days", async (t) => {
  const rows = await summary();
  t.is(rows.length, 3 * (3 + 3 + 2));
  t.is(rows.filter((r) => r.data_source === "Storage").length, 9);
});

test("Pod row: apiserver-0 on 2024-01-31", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-01-31" && r.namespace === "openshift-kube-apiserver", "apiserver");
  t.is(r.data_source, "Pod");
  t.is(r.node, "master-0");
  t.is(r.resource_id, "i-11111111");
  // 24 h x 3600 s x 1.5 cores / 3600 = 36 core-hours
  near(t, r.pod_usage_cpu_core_hours, (24 * 3600 * 1.5) / 3600, "cpu usage");
  // request 2 cores: 24 x 2 = 48; effective per hour max(1.5, 2) = 2 -> 48; limit 4 -> 96
  near(t, r.pod_request_cpu_core_hours, 48, "cpu request");
  near(t, r.pod_effective_usage_cpu_core_hours, 48, "cpu effective");
  near(t, r.pod_limit_cpu_core_hours, 96, "cpu limit");
  // memory: 6 GiB x 24 h = 144 GiB-hours; request 4 -> 96; effective max(6,4) -> 144; limit 8 -> 192
  near(t, r.pod_usage_memory_gigabyte_hours, 144, "mem usage");
  near(t, r.pod_request_memory_gigabyte_hours, 96, "mem request");
  near(t, r.pod_effective_usage_memory_gigabyte_hours, 144, "mem effective");
  near(t, r.pod_limit_memory_gigabyte_hours, 192, "mem limit");
  // node master-0: 8 cores x 24 h = 192 core-hours; 32 GiB x 24 h = 768 GiB-hours
  t.is(r.node_capacity_cpu_cores, 8);
  near(t, r.node_capacity_cpu_core_hours, 192, "node cpu hours");
  near(t, r.node_capacity_memory_gigabytes, 32, "node memory");
  near(t, r.node_capacity_memory_gigabyte_hours, 768, "node memory hours");
  // cluster: (8 + 4) cores x 24 h = 288; (32 + 16) GiB x 24 h = 1152
  near(t, r.cluster_capacity_cpu_core_hours, 288, "cluster cpu");
  near(t, r.cluster_capacity_memory_gigabyte_hours, 1152, "cluster memory");
  // labels node || namespace || pod: team from the pod wins over namespace (platform) and node (node-team)
  t.deepEqual(JSON.parse(r.pod_labels!), {
    app: "apiserver",
    node_role_kubernetes_io: "master",
    team: "apiserver-team",
    tier: "control",
    zone: "a",
  });
  t.is(r.all_labels as string | null, r.pod_labels);
  t.is(r.volume_labels, null);
  t.is(r.cost_category_id, 1); // openshift-% matches
  t.is(r.persistentvolumeclaim, null);
  t.is(r.persistentvolumeclaim_capacity_gigabyte, null);
});

test("Pod row: pay-api-0 on 2024-02-02 uses the day's usage capped at the limit, with pod_seconds 1800", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-02-02" && r.namespace === "payments" && r.data_source === "Pod", "pay-api Feb 2");
  // usage 3 capped at limit 2 cores for 1800 s an hour: 24 x 1800 x 2 / 3600 = 24 core-hours
  near(t, r.pod_usage_cpu_core_hours, (24 * 1800 * 2) / 3600, "cpu usage");
  // request 1 core x 1800 s: 12; effective max(2, 1) -> 24
  near(t, r.pod_request_cpu_core_hours, 12, "cpu request");
  near(t, r.pod_effective_usage_cpu_core_hours, 24, "cpu effective");
  t.is(r.cost_category_id, null);
  // pod env=canary beats namespace env=prod; team from the namespace beats node-team
  t.deepEqual(JSON.parse(r.pod_labels!), { app: "pay-api", env: "canary", node_role_kubernetes_io: "master", team: "payments", zone: "a" });
});

test("Storage row: pv-shared is mounted on two nodes, request and usage divided by 2, capacity not", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-01-31" && r.persistentvolumeclaim === "pvc-shared", "pvc-shared Jan 31");
  t.is(r.data_source, "Storage");
  t.is(r.namespace, "payments");
  t.is(r.node, "master-0"); // the node pay-api-0 ran on
  t.is(r.resource_id, "i-11111111");
  t.is(r.persistentvolume, "pv-shared");
  t.is(r.storageclass, "gp3-csi");
  t.is(r.pod_labels, null);
  // capacity 10 GiB
  near(t, r.persistentvolumeclaim_capacity_gigabyte, 10, "capacity GiB");
  // capacity 10 GiB held 24 h = 10 GiB-days; January has 31 days -> 10/31 GiB-months
  near(t, r.persistentvolumeclaim_capacity_gigabyte_months, 10 / 31, "capacity GiB-months");
  // request: whole PV request 20 GiB for 24 h, divided by 2 nodes -> 10 GiB-days -> 10/31
  near(t, r.volume_request_storage_gigabyte_months, 20 / 2 / 31, "request GiB-months");
  // usage: 4 GiB for 24 h / 2 nodes = 2 GiB-days -> 2/31
  near(t, r.persistentvolumeclaim_usage_gigabyte_months, 4 / 2 / 31, "usage GiB-months");
  // node master-0 || namespace payments || pv || pvc: env from the PVC, team from the namespace
  t.deepEqual(JSON.parse(r.volume_labels!), {
    claim: "yes",
    env: "pvc-env",
    node_role_kubernetes_io: "master",
    storage_tier: "fast",
    team: "payments",
    zone: "a",
  });
  t.is(r.all_labels as string | null, r.volume_labels);
  t.is(r.cost_category_id, null);
});

test("Storage row: the claimless PV pv-orphan has NULL namespace, node and claim", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-01-31" && r.persistentvolume === "pv-orphan", "pv-orphan Jan 31");
  t.is(r.namespace, null);
  t.is(r.node, null);
  t.is(r.resource_id, null);
  t.is(r.persistentvolumeclaim, null);
  t.is(r.storageclass, "standard");
  // capacity = the PV request, 5 GiB, for 24 h: 5/31 GiB-months
  near(t, r.persistentvolumeclaim_capacity_gigabyte, 5, "capacity GiB");
  near(t, r.persistentvolumeclaim_capacity_gigabyte_months, 5 / 31, "capacity GiB-months");
  // request and usage are empty in the CSV: NULL hourly, and the daily roll-up's sum of NULLs is 0
  t.is(r.volume_request_storage_gigabyte_months, 0);
  t.is(r.persistentvolumeclaim_usage_gigabyte_months, 0);
  t.is(r.volume_labels, '{"orphan":"true"}');
  t.is(r.cost_category_id, null);
});

test("Storage row in February (29 days): pvc-shared on 2024-02-01", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-02-01" && r.persistentvolumeclaim === "pvc-shared", "pvc-shared Feb 1");
  near(t, r.persistentvolumeclaim_capacity_gigabyte_months, 10 / 29, "capacity GiB-months");
  near(t, r.volume_request_storage_gigabyte_months, 20 / 2 / 29, "request GiB-months");
  near(t, r.persistentvolumeclaim_usage_gigabyte_months, 4 / 2 / 29, "usage GiB-months");
});

test("Unallocated row of the master node on 2024-01-31", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-01-31" && r.node === "master-0" && r.pod_labels === null && r.data_source === "Pod", "master-0 unallocated");
  // master-0 ran namespace openshift-kube-apiserver -> master -> Platform unallocated (cost category 1)
  t.is(r.namespace, "Platform unallocated");
  t.is(r.cost_category_id, 1);
  t.is(r.resource_id, "i-11111111");
  // capacity 192 core-hours minus apiserver-0 (36) and pay-api-0 (1800 s x 1.75 x 24 / 3600 = 21)
  near(t, r.pod_usage_cpu_core_hours, 192 - 36 - 21, "cpu usage");
  // requests: apiserver 48, pay-api 1 core x 1800 s x 24 / 3600 = 12
  near(t, r.pod_request_cpu_core_hours, 192 - 48 - 12, "cpu request");
  // effective: apiserver 48, pay-api max(1.75, 1) -> 21
  near(t, r.pod_effective_usage_cpu_core_hours, 192 - 48 - 21, "cpu effective");
  // memory 768 GiB-hours minus apiserver 144 and pay-api 1 GiB x 1800 s x 24 / 3600 = 12
  near(t, r.pod_usage_memory_gigabyte_hours, 768 - 144 - 12, "mem usage");
  // requests: apiserver 96, pay-api 2 GiB x 0.5 h x 24 = 24
  near(t, r.pod_request_memory_gigabyte_hours, 768 - 96 - 24, "mem request");
  // effective: apiserver 144, pay-api max(1, 2) GiB x 0.5 h x 24 = 24
  near(t, r.pod_effective_usage_memory_gigabyte_hours, 768 - 144 - 24, "mem effective");
  t.is(r.pod_limit_cpu_core_hours, null);
  t.is(r.pod_limit_memory_gigabyte_hours, null);
  t.is(r.volume_labels, null);
  t.is(r.all_labels, "{}");
  t.is(r.node_capacity_cpu_cores, 8);
  near(t, r.node_capacity_cpu_core_hours, 192, "node cpu hours");
  near(t, r.cluster_capacity_cpu_core_hours, 288, "cluster cpu hours");
});

test("Unallocated row of the worker node: Worker unallocated, no cost category", async (t) => {
  const r = one(t, await summary(), (r) => r.usage_start === "2024-02-01" && r.node === "worker-1" && r.pod_labels === null && r.data_source === "Pod", "worker-1 unallocated");
  t.is(r.namespace, "Worker unallocated");
  t.is(r.cost_category_id, null);
  // 4 cores x 24 h = 96 minus pay-worker-0: 0.25 cores x 24 h = 6
  near(t, r.pod_usage_cpu_core_hours, 96 - 6, "cpu usage");
});
