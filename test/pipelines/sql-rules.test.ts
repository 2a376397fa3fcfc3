// Koku's rules, one at a time, on tiny hand-made hourly inputs run through the project's SQL
// definition (pipelines/sql/daily-summary-sql.ts) in both dialects: DuckDB and PostgreSQL (PGlite,
// in this process). The same scenarios and hand-worked values as test/pipelines/plan-rules.test.ts
// (spec/koku-daily-summary.md), so the three implementations answer to one set of rules.
import test from "ava";
import { DuckDBInstance } from "@duckdb/node-api";
import { PGlite } from "@electric-sql/pglite";
import { MEASURE_COLUMNS, PLAN_COLUMNS, TABLE_KEYS, type TableKey } from "../../src/contract/input-tables.ts";
import { SUMMARY_COLUMNS } from "../../src/contract/summary-schema.ts";
import { dailySummarySql, LABEL_ERROR_COLUMN, sqlString, type SqlDialectName } from "../../pipelines/sql/daily-summary-sql.ts";

const H = 3600;
const GIB = 2 ** 30;
/** The input tables of one summarize() call, in a schema of their own (the tests share one PGlite). */
function relations(schema: string): Record<TableKey, string> {
  return { pod: `${schema}.pod_h`, storage: `${schema}.storage_h`, nodeLabels: `${schema}.node_labels_h`, namespaceLabels: `${schema}.namespace_labels_h` };
}
let schemas = 0;
let pglite: Promise<PGlite> | null = null;
test.after.always(async () => {
  if (pglite) await (await pglite).close();
});

type Tables = Partial<Record<TableKey, Array<Record<string, unknown>>>>;
type Row = Record<string, any>;

function columnType(key: TableKey, c: string): string {
  if (c === "interval_start") return "TIMESTAMP";
  return MEASURE_COLUMNS[key].includes(c) ? "DOUBLE PRECISION" : "VARCHAR";
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v);
  return sqlString(String(v));
}

/** CREATE TABLE + INSERT statements of the hand-made rows (identical SQL for both engines). */
function loadStatements(tables: Tables, schema: string): string[] {
  const RELATION = relations(schema);
  const out: string[] = [`CREATE SCHEMA ${schema}`];
  for (const key of TABLE_KEYS) {
    const cols = PLAN_COLUMNS[key];
    out.push(`CREATE TABLE ${RELATION[key]} (${cols.map((c) => `${c} ${columnType(key, c)}`).join(", ")})`);
    const rows = tables[key] ?? [];
    if (rows.length > 0) {
      out.push(`INSERT INTO ${RELATION[key]} VALUES ${rows.map((r) => `(${cols.map((c) => (c === "interval_start" ? `TIMESTAMP ${literal(r[c])}` : literal(r[c]))).join(", ")})`).join(", ")}`);
    }
  }
  return out;
}

function finalSelect(dialect: SqlDialectName, enabled: string[] | null, schema: string): string {
  const RELATION = relations(schema);
  const cols = [...SUMMARY_COLUMNS, LABEL_ERROR_COLUMN].map((c) => (c === "usage_start" ? "CAST(usage_start AS VARCHAR) AS usage_start" : c));
  return `SELECT ${cols.join(", ")} FROM (${dailySummarySql(dialect, RELATION, { enabledTagKeys: enabled })}) s`;
}

async function summarize(dialect: SqlDialectName, tables: Tables, enabled: string[] | null = null): Promise<Row[]> {
  const schema = `rules${++schemas}`;
  if (dialect === "duckdb") {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      for (const s of loadStatements(tables, schema)) await conn.run(s);
      return (await conn.runAndReadAll(finalSelect("duckdb", enabled, schema))).getRowObjectsJS() as Row[];
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }
  const db = await (pglite ??= PGlite.create());
  for (const s of loadStatements(tables, schema)) await db.exec(s);
  return (await db.query<Row>(finalSelect("postgres", enabled, schema))).rows;
}

const hourAt = (iso: string) => iso.replace("T", " ");

function podRow(r: Record<string, unknown>): Record<string, unknown> {
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

for (const dialect of ["duckdb", "postgres"] as const) {
  test(`${dialect}: labels split on |, exactly one : per entry, every label_ removed, empty value kept, later duplicate wins; an unparseable string is flagged`, async (t) => {
    const hour = hourAt("2024-02-10T00:00:00");
    const rows = await summarize(dialect, {
      pod: [
        podRow({ interval_start: hour, pod: "a", namespace: "ns", node: "n", pod_labels: "label_app:x|label_app_label_x:1|garbage|label_a:b:c|label_e:|label_app:y" }),
        podRow({ interval_start: hour, pod: "b", namespace: "bad", node: "n", pod_labels: "app=x;team=y" }),
      ],
    });
    const a = rows.find((r) => r.namespace === "ns")!;
    t.deepEqual(JSON.parse(a.pod_labels), { app: "y", app_x: "1", e: "" });
    t.is(a[LABEL_ERROR_COLUMN], false);
    const bad = rows.find((r) => r.namespace === "bad")!;
    t.is(bad.pod_labels, "{}");
    t.is(bad[LABEL_ERROR_COLUMN], true, "a non-empty string without one key:value entry is flagged");
  });

  test(`${dialect}: labels merge pod > namespace > node into sorted compact JSON with escapes; an enabled-key list keeps vm_kubevirt_io_name`, async (t) => {
    const hour = hourAt("2024-02-10T00:00:00");
    const tables: Tables = {
      pod: [podRow({ interval_start: hour, pod: "a", namespace: "ns", node: "n", pod_labels: 'label_app:x"y\\z|label_vm_kubevirt_io_name:v' })],
      nodeLabels: [{ interval_start: hour, node: "n", node_labels: "label_team:node|label_zone:a" }],
      namespaceLabels: [{ interval_start: hour, namespace: "ns", namespace_labels: "label_team:ns" }],
    };
    const a = (await summarize(dialect, tables)).find((r) => r.namespace === "ns")!;
    t.is(a.pod_labels, '{"app":"x\\"y\\\\z","team":"ns","vm_kubevirt_io_name":"v","zone":"a"}');
    t.is(a.all_labels, a.pod_labels);
    const filtered = (await summarize(dialect, tables, ["team"])).find((r) => r.namespace === "ns")!;
    t.is(filtered.pod_labels, '{"team":"ns","vm_kubevirt_io_name":"v"}');
  });

  test(`${dialect}: pod rows: effective usage is max(usage, request) per hour then summed; capacity is the hourly max summed per day`, async (t) => {
    const rows = await summarize(dialect, {
      pod: [
        podRow({ interval_start: hourAt("2024-02-10T00:00:00"), pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 10, pod_request_cpu_core_seconds: 20 }),
        podRow({ interval_start: hourAt("2024-02-10T00:00:00"), pod: "p2", namespace: "other", node: "n1" }),
        podRow({ interval_start: hourAt("2024-02-10T00:00:00"), pod: "p3", namespace: "ns", node: "n2", node_capacity_cpu_core_seconds: 2 * H, resource_id: "i-2" }),
        podRow({ interval_start: hourAt("2024-02-10T01:00:00"), pod: "p1", namespace: "ns", node: "n1", pod_usage_cpu_core_seconds: 30, pod_request_cpu_core_seconds: 5 }),
      ],
    });
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
    t.is(p1.volume_labels, null);
  });

  test(`${dialect}: pod rows: a node '' or NULL is dropped; the openshift- namespaces get cost category 1`, async (t) => {
    const hour = hourAt("2024-02-10T00:00:00");
    const rows = await summarize(dialect, {
      pod: [
        podRow({ interval_start: hour, pod: "a", namespace: "openshift-etcd", node: "n1" }),
        podRow({ interval_start: hour, pod: "b", namespace: "ns", node: "" }),
        podRow({ interval_start: hour, pod: "c", namespace: "ns", node: null }),
      ],
    });
    const pods = rows.filter((r) => r.data_source === "Pod" && r.namespace !== null && !r.namespace.endsWith("unallocated"));
    t.deepEqual(pods.map((r) => [r.namespace, r.node, r.cost_category_id]), [["openshift-etcd", "n1", 1]]);
  });

  test(`${dialect}: unallocated rows: master by openshift-kube-apiserver, infra by node label, else worker, no label rows -> NULL namespace`, async (t) => {
    const hour = hourAt("2024-02-10T00:00:00");
    const rows = await summarize(dialect, {
      pod: [
        podRow({ interval_start: hour, pod: "api", namespace: "openshift-kube-apiserver", node: "m", resource_id: "i-m", pod_usage_cpu_core_seconds: H }),
        podRow({ interval_start: hour, pod: "x", namespace: "ns", node: "i", resource_id: "i-i", pod_usage_cpu_core_seconds: 2 * H }),
        podRow({ interval_start: hour, pod: "y", namespace: "ns", node: "w", resource_id: "i-w", pod_usage_cpu_core_seconds: 3 * H }),
        podRow({ interval_start: hour, pod: "z", namespace: "ns", node: "u", resource_id: "i-u" }),
      ],
      nodeLabels: [
        { interval_start: hour, node: "m", node_labels: "label_node_role_kubernetes_io:master" },
        { interval_start: hour, node: "i", node_labels: "label_node_role_kubernetes_io:infra" },
        { interval_start: hour, node: "w", node_labels: "label_zone:a" },
      ],
    });
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
  });

  test(`${dialect}: node labels that change within a day put the pod's usage in one row per label set (Koku quirk P1)`, async (t) => {
    const rows = await summarize(dialect, {
      pod: [
        podRow({ interval_start: hourAt("2024-02-10T00:00:00"), pod: "p", namespace: "ns", node: "n", pod_usage_cpu_core_seconds: H }),
        podRow({ interval_start: hourAt("2024-02-10T01:00:00"), pod: "p", namespace: "ns", node: "n", pod_usage_cpu_core_seconds: H }),
      ],
      nodeLabels: [
        { interval_start: hourAt("2024-02-10T00:00:00"), node: "n", node_labels: "label_zone:a" },
        { interval_start: hourAt("2024-02-10T01:00:00"), node: "n", node_labels: "label_zone:b" },
      ],
    });
    const pods = rows.filter((r) => r.namespace === "ns").sort((a, b) => (a.pod_labels < b.pod_labels ? -1 : 1));
    t.deepEqual(
      pods.map((r) => [r.pod_labels, r.pod_usage_cpu_core_hours]),
      [
        ['{"zone":"a"}', 2],
        ['{"zone":"b"}', 2],
      ],
    );
  });

  test(`${dialect}: storage rows: request and usage divided by the PV's node count, capacity not; GiB-months use the month's days`, async (t) => {
    const hour = hourAt("2024-02-10T00:00:00"); // February 2024: 29 days
    const claim = (pod: string, pvc: string, ns: string) => ({
      interval_start: hour,
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
    const rows = await summarize(dialect, {
      pod: [podRow({ interval_start: hour, pod: "a", namespace: "ns1", node: "n1" }), podRow({ interval_start: hour, pod: "b", namespace: "ns2", node: "n2" })],
      storage: [
        claim("a", "pvc-a", "ns1"),
        claim("b", "pvc-b", "ns2"),
        { interval_start: hour, persistentvolume: "pv-orphan", storageclass: "gp3", persistentvolumeclaim_capacity_bytes: GIB, persistentvolumeclaim_capacity_byte_seconds: GIB * H },
      ],
    });
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
  });
}
