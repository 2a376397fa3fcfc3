// Koku's OpenShift daily summary (self-hosted PostgreSQL flavour, spec/koku-daily-summary.md A.2,
// A.3, A.5, Part C) as ONE SQL query, written by this project: the third implementation beside the
// polars plan (pipelines/daily-summary.ts) and the row-at-a-time reference (src/reference). The
// same query text runs on DuckDB (pipelines/duckdb.ts, over read_parquet) and on PostgreSQL
// (pipelines/postgres.ts, over staging tables of the hourly rows). The few dialect differences
// live in DIALECTS below and nowhere else.
//
// Input: four relations holding the hourly rows as nise writes them (PLAN_COLUMNS of
// src/contract/input-tables.ts; interval_start a timestamp without time zone in UTC, measures
// float8, empty text NULL). Output: SUMMARY_COLUMNS in canonical order plus LABEL_ERROR_COLUMN.
//
// Shape, one CTE per step, named after Koku's CTEs where Koku has one:
//   pod_daily, storage_daily          Koku's ingest roll-up of the hourly rows (pandas, common.py)
//   cte_ocp_node_capacity             hourly max per (hour, node), summed per (day, node)
//   cte_ocp_cluster_capacity          per day, summed over nodes
//   label_*                           each DISTINCT raw label string parsed once (C.1), filtered to
//                                     the enabled keys, in a canonical "k:v|k2:v2" form to group on
//   cte_ocp_node_label_line_item_daily, cte_ocp_namespace_label_line_item_daily
//   pod_*, cte_volume_nodes, cte_shared_volume_node_count, storage_*, cte_node_role,
//   cte_unallocated_capacity          the Pod, Storage and Unallocated rows
// Labels are merged once per DISTINCT tuple of label sets (small side tables), never per hourly row.
import { SUMMARY_COLUMNS, SUMMARY_MEASURE_COLUMNS, type EnabledTagKeys } from "../../src/contract/summary-schema.ts";
import { ALWAYS_ENABLED_TAG_KEYS, PLATFORM_COST_CATEGORY_ID, PLATFORM_NAMESPACE_PATTERNS } from "../koku-rules.ts";
import { MEASURE_COLUMNS } from "../../src/contract/input-tables.ts";
import { JSON_STRING_ESCAPES } from "../json-string.ts";

/** Same name as the polars plan's flag column: true when a row's labels came from an unparseable string. */
export const LABEL_ERROR_COLUMN = "__label_parse_error";

export type SqlDialectName = "duckdb" | "postgres";

/** Everything that differs between the two engines. */
export interface SqlDialect {
  /** FROM-clause item: the `|`-separated entries of `text` as rows (entry, ord), ord 1-based. */
  splitEntries(text: string): string;
  /** An ORDER BY expression that sorts text by code point / byte (canonical JSON key order). */
  byteOrder(text: string): string;
  /** 28..31: the days of the month of a date. */
  daysInMonth(date: string): string;
  /** Text can hold U+0000 (DuckDB); PostgreSQL's cannot, and chr(0) is an error there. */
  textHoldsNul: boolean;
}

export const DIALECTS: Record<SqlDialectName, SqlDialect> = {
  duckdb: {
    splitEntries: (text) => `unnest(string_split(${text}, '|')) WITH ORDINALITY AS e(entry, ord)`,
    byteOrder: (text) => text, // DuckDB's default collation is binary
    daysInMonth: (date) => `CAST(day(last_day(${date})) AS float8)`,
    textHoldsNul: true,
  },
  postgres: {
    splitEntries: (text) => `unnest(string_to_array(${text}, '|')) WITH ORDINALITY AS e(entry, ord)`,
    byteOrder: (text) => `${text} COLLATE "C"`, // the database's collation may be a locale's
    daysInMonth: (date) => `CAST(EXTRACT(DAY FROM date_trunc('month', ${date}) + INTERVAL '1 month - 1 day') AS float8)`,
    textHoldsNul: false,
  },
};

/** The four hourly input relations (tables or views) the query reads. */
export interface SqlInputRelations {
  pod: string;
  storage: string;
  nodeLabels: string;
  namespaceLabels: string;
}

export interface SqlSummaryOptions {
  /** null = every label key enabled; vm_kubevirt_io_name is always enabled. */
  enabledTagKeys: EnabledTagKeys;
}

const GIB = "CAST(1073741824 AS float8)"; // "gigabyte" is GiB (A.5 P8): divide by 2^30
const HOUR = "CAST(3600 AS float8)";
const ANOMALY_LIMIT = "1e18"; // Koku drops hourly rows with any measure above 1e18 (C.1)

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** NOT (any measure > 1e18); a NULL measure is not an anomaly (pandas keeps NaN rows). */
function notAnomaly(measures: readonly string[]): string {
  return `NOT (${measures.map((m) => `COALESCE(${m} > ${ANOMALY_LIMIT}, false)`).join(" OR ")})`;
}

/** The text as the inside of a JSON string literal (json-string.ts), one replace() per character. */
function jsonEscape(d: SqlDialect, text: string): string {
  return JSON_STRING_ESCAPES.filter(([char]) => char !== "\0" || d.textHoldsNul).reduce((sql, [char, escaped]) => {
    const code = char.charCodeAt(0);
    const target = code < 0x20 ? `chr(${code})` : sqlString(char);
    return `replace(${sql}, ${target}, ${sqlString(escaped)})`;
  }, text);
}

/** cost_category_id: the Platform category when the namespace is LIKE one of Koku's patterns, else NULL. */
function costCategory(namespace: string): string {
  const likes = PLATFORM_NAMESPACE_PATTERNS.map((p) => `${namespace} LIKE ${sqlString(p)}`).join(" OR ");
  return `CASE WHEN ${likes} THEN ${PLATFORM_COST_CATEGORY_ID} END`;
}

/**
 * The labels of distinct label tuples merged with jsonb `||` semantics (the later column wins on a
 * duplicate key) and rendered as canonical JSON (keys in byte order, compact, `"` and `\` escaped).
 * `tuples` is a CTE with the columns `columns` (canonical label sets, never NULL); the result has
 * those columns plus `json`.
 * Deliberately a third rendering beside the plan's mergeLabelSets and the reference's canonicalLabels.
 */
function mergedLabelsCtes(d: SqlDialect, name: string, tuples: string, columns: readonly string[]): string {
  const keys = columns.join(", ");
  const entries = columns
    .map(
      (c, prio) =>
        `SELECT ${columns.map((k) => `t.${k}`).join(", ")}, ${prio} AS prio, kv.key, kv.value FROM ${tuples} t JOIN label_canon_kv kv ON kv.canon = t.${c}`,
    )
    .join("\n    UNION ALL\n    ");
  return `${name}_entries AS (
    ${entries}
  ),
  ${name}_winners AS (
    SELECT ${keys}, key, value, row_number() OVER (PARTITION BY ${keys}, key ORDER BY prio DESC) AS rn
    FROM ${name}_entries
  ),
  ${name}_json AS (
    SELECT ${keys},
      '{' || string_agg('"' || ${jsonEscape(d, "key")} || '":"' || ${jsonEscape(d, "value")} || '"', ',' ORDER BY ${d.byteOrder("key")}) || '}' AS json
    FROM ${name}_winners WHERE rn = 1
    GROUP BY ${keys}
  ),
  ${name} AS (
    SELECT ${columns.map((c) => `t.${c}`).join(", ")}, COALESCE(j.json, '{}') AS json
    FROM ${tuples} t LEFT JOIN ${name}_json j ON ${columns.map((c) => `j.${c} = t.${c}`).join(" AND ")}
  )`;
}

/** Type of each output column, for the final casts (identical on both engines). */
function outputType(c: string): string {
  if (c === "usage_start") return "DATE";
  if (c === "cost_category_id") return "INTEGER";
  return (SUMMARY_MEASURE_COLUMNS as readonly string[]).includes(c) ? "float8" : "VARCHAR";
}

/** SELECT list of one branch: SUMMARY_COLUMNS in order, NULL where `given` has nothing. */
function summarySelect(given: Record<string, string>): string {
  return [...SUMMARY_COLUMNS, LABEL_ERROR_COLUMN]
    .map((c) => {
      if (c === LABEL_ERROR_COLUMN) return `CAST(${given[c] ?? "false"} AS BOOLEAN) AS ${c}`;
      return `CAST(${given[c] ?? "NULL"} AS ${outputType(c)}) AS ${c}`;
    })
    .join(",\n    ");
}

const POD_MEASURES = MEASURE_COLUMNS.pod;
const STORAGE_MEASURES = MEASURE_COLUMNS.storage;
const UNALLOCATED_NAMESPACES = ["Platform unallocated", "Worker unallocated", "Network unattributed", "Storage unattributed"];

/** The daily summary query for one dialect. */
export function dailySummarySql(dialect: SqlDialectName, inputs: SqlInputRelations, options: SqlSummaryOptions): string {
  const d = DIALECTS[dialect];
  const enabled = options.enabledTagKeys;
  const enabledKeys = enabled === null ? null : [...new Set([...ALWAYS_ENABLED_TAG_KEYS, ...enabled])].map(sqlString).join(", ");
  const enabledFilter = (key: string) => (enabledKeys === null ? "true" : `${key} IN (${enabledKeys})`);
  const perMonth = (bs: string) => `${bs} / (86400 * ${d.daysInMonth("usage_start")}) / ${GIB}`;
  const sumOrZero = (c: string) => `COALESCE(sum(${c}), 0)`; // pandas: a sum over only NULLs is 0

  return `WITH
  -- Koku's ingest roll-up of the hourly pod rows (ocp_post_processor + common.py): effective usage
  -- per HOURLY row = greatest(usage, request), skipping NULL (A.5 P7), then per (day, namespace,
  -- node, pod, pod_labels): sums of the *_seconds, max of resource_id and the capacity columns.
  pod_daily AS (
    SELECT CAST(interval_start AS DATE) AS usage_start, namespace, node, pod, pod_labels,
      max(resource_id) AS resource_id,
      ${sumOrZero("pod_usage_cpu_core_seconds")} AS u_cpu,
      ${sumOrZero("pod_request_cpu_core_seconds")} AS r_cpu,
      ${sumOrZero("greatest(pod_usage_cpu_core_seconds, pod_request_cpu_core_seconds)")} AS e_cpu,
      ${sumOrZero("pod_limit_cpu_core_seconds")} AS l_cpu,
      ${sumOrZero("pod_usage_memory_byte_seconds")} AS u_mem,
      ${sumOrZero("pod_request_memory_byte_seconds")} AS r_mem,
      ${sumOrZero("greatest(pod_usage_memory_byte_seconds, pod_request_memory_byte_seconds)")} AS e_mem,
      ${sumOrZero("pod_limit_memory_byte_seconds")} AS l_mem,
      max(node_capacity_cpu_cores) AS cap_cores,
      max(node_capacity_memory_bytes) AS cap_mem_bytes
    FROM ${inputs.pod}
    WHERE ${notAnomaly(POD_MEASURES)}
    GROUP BY 1, 2, 3, 4, 5
  ),
  -- the capacity seconds repeat on every pod row of an hour: max per (hour, node), then summed per day
  cte_ocp_node_capacity AS (
    SELECT CAST(interval_start AS DATE) AS usage_start, node, sum(nc_cpu) AS nc_cpu, sum(nc_mem) AS nc_mem
    FROM (
      SELECT interval_start, node,
        max(node_capacity_cpu_core_seconds) AS nc_cpu, max(node_capacity_memory_byte_seconds) AS nc_mem
      FROM ${inputs.pod}
      WHERE ${notAnomaly(POD_MEASURES)}
      GROUP BY interval_start, node
    ) hourly
    GROUP BY 1, 2
  ),
  cte_ocp_cluster_capacity AS (
    SELECT usage_start, sum(nc_cpu) AS cc_cpu, sum(nc_mem) AS cc_mem
    FROM cte_ocp_node_capacity GROUP BY usage_start
  ),
  -- Koku's storage roll-up: max capacity bytes, sums of the three byte-second columns
  storage_daily AS (
    SELECT CAST(interval_start AS DATE) AS usage_start, namespace, node, pod, persistentvolumeclaim,
      persistentvolume, storageclass, csi_volume_handle, persistentvolume_labels, persistentvolumeclaim_labels,
      max(persistentvolumeclaim_capacity_bytes) AS cap_bytes,
      ${sumOrZero("persistentvolumeclaim_capacity_byte_seconds")} AS cap_bs,
      ${sumOrZero("volume_request_storage_byte_seconds")} AS req_bs,
      ${sumOrZero("persistentvolumeclaim_usage_byte_seconds")} AS use_bs
    FROM ${inputs.storage}
    WHERE ${notAnomaly(STORAGE_MEASURES)}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ),
  node_labels_daily AS (
    SELECT DISTINCT CAST(interval_start AS DATE) AS usage_start, node, COALESCE(node_labels, '') AS raw
    FROM ${inputs.nodeLabels}
  ),
  namespace_labels_daily AS (
    SELECT DISTINCT CAST(interval_start AS DATE) AS usage_start, namespace, COALESCE(namespace_labels, '') AS raw
    FROM ${inputs.namespaceLabels}
  ),

  -- ---- labels: every distinct raw string parsed once, as Koku's ingest does (C.1) ----
  label_raw AS (
    SELECT raw FROM node_labels_daily
    UNION SELECT raw FROM namespace_labels_daily
    UNION SELECT COALESCE(pod_labels, '') FROM pod_daily
    UNION SELECT COALESCE(persistentvolume_labels, '') FROM storage_daily
    UNION SELECT COALESCE(persistentvolumeclaim_labels, '') FROM storage_daily
  ),
  -- split on |; keep entries with exactly one ':'; every 'label_' removed from the key; empty values kept
  label_entry AS (
    SELECT r.raw, e.ord, replace(split_part(e.entry, ':', 1), 'label_', '') AS key, split_part(e.entry, ':', 2) AS value
    FROM label_raw r, ${d.splitEntries("r.raw")}
    WHERE length(e.entry) - length(replace(e.entry, ':', '')) = 1
  ),
  -- a later duplicate key overwrites an earlier one
  label_kv AS (
    SELECT raw, key, value FROM (
      SELECT raw, key, value, row_number() OVER (PARTITION BY raw, key ORDER BY ord DESC) AS rn FROM label_entry
    ) x WHERE rn = 1
  ),
  -- canonical form of the enabled labels ("k:v|k2:v2", keys sorted; '' = none), the infra flag
  -- (node_role_kubernetes_io = infra, before filtering, for node roles), and the parse error flag
  label_canon AS (
    SELECT r.raw,
      COALESCE(c.canon, '') AS canon,
      COALESCE(i.infra, false) AS infra,
      (trim(r.raw) <> '' AND p.raw IS NULL) AS bad
    FROM label_raw r
    LEFT JOIN (
      SELECT raw, string_agg(key || ':' || value, '|' ORDER BY ${d.byteOrder("key")}) AS canon
      FROM label_kv WHERE ${enabledFilter("key")} GROUP BY raw
    ) c ON c.raw = r.raw
    LEFT JOIN (
      SELECT DISTINCT raw, true AS infra FROM label_kv WHERE key = 'node_role_kubernetes_io' AND value = 'infra'
    ) i ON i.raw = r.raw
    LEFT JOIN (SELECT DISTINCT raw FROM label_kv) p ON p.raw = r.raw
  ),
  label_canon_kv AS (
    SELECT DISTINCT c.canon, kv.key, kv.value
    FROM label_canon c JOIN label_kv kv ON kv.raw = c.raw
    WHERE ${enabledFilter("kv.key")}
  ),
  -- Koku's label CTEs group by the filtered label map: an entity whose enabled labels changed within
  -- a day has several rows for that day, and usage joining them is counted once per row (A.5 P1)
  cte_ocp_node_label_line_item_daily AS (
    SELECT l.usage_start, l.node, c.canon AS nl, bool_or(c.bad) AS nl_bad, bool_or(c.infra) AS infra
    FROM node_labels_daily l JOIN label_canon c ON c.raw = l.raw
    GROUP BY l.usage_start, l.node, c.canon
  ),
  cte_ocp_namespace_label_line_item_daily AS (
    SELECT l.usage_start, l.namespace, c.canon AS ns, bool_or(c.bad) AS ns_bad
    FROM namespace_labels_daily l JOIN label_canon c ON c.raw = l.raw
    GROUP BY l.usage_start, l.namespace, c.canon
  ),

  -- ---- Pod rows ----
  -- WHERE node != '' drops '' and NULL nodes; pod is not a key, so the pods of one (day, namespace,
  -- node, pod_labels) are folded first (sums of sums, max of max)
  pod_rows_in AS (
    SELECT p.usage_start, p.namespace, p.node, p.resource_id, p.u_cpu, p.r_cpu, p.e_cpu, p.l_cpu,
      p.u_mem, p.r_mem, p.e_mem, p.l_mem, p.cap_cores, p.cap_mem_bytes,
      COALESCE(nl.nl, '') AS nl, COALESCE(ns.ns, '') AS ns, plc.canon AS pl,
      (COALESCE(nl.nl_bad, false) OR COALESCE(ns.ns_bad, false) OR plc.bad) AS bad
    FROM (
      SELECT usage_start, namespace, node, COALESCE(pod_labels, '') AS pl_raw, max(resource_id) AS resource_id,
        sum(u_cpu) AS u_cpu, sum(r_cpu) AS r_cpu, sum(e_cpu) AS e_cpu, sum(l_cpu) AS l_cpu,
        sum(u_mem) AS u_mem, sum(r_mem) AS r_mem, sum(e_mem) AS e_mem, sum(l_mem) AS l_mem,
        max(cap_cores) AS cap_cores, max(cap_mem_bytes) AS cap_mem_bytes
      FROM pod_daily WHERE node <> ''
      GROUP BY usage_start, namespace, node, COALESCE(pod_labels, '')
    ) p
    JOIN label_canon plc ON plc.raw = p.pl_raw
    LEFT JOIN cte_ocp_node_label_line_item_daily nl ON nl.usage_start = p.usage_start AND nl.node = p.node
    LEFT JOIN cte_ocp_namespace_label_line_item_daily ns ON ns.usage_start = p.usage_start AND ns.namespace = p.namespace
  ),
  pod_label_tuples AS (SELECT DISTINCT nl, ns, pl FROM pod_rows_in),
  -- precedence pod > namespace > node (jsonb ||)
  ${mergedLabelsCtes(d, "pod_labels_merged", "pod_label_tuples", ["nl", "ns", "pl"])},
  pod_grouped AS (
    SELECT r.usage_start, r.namespace, r.node, m.json AS pod_labels,
      max(r.resource_id) AS resource_id,
      sum(r.u_cpu) AS u_cpu, sum(r.r_cpu) AS r_cpu, sum(r.e_cpu) AS e_cpu, sum(r.l_cpu) AS l_cpu,
      sum(r.u_mem) AS u_mem, sum(r.r_mem) AS r_mem, sum(r.e_mem) AS e_mem, sum(r.l_mem) AS l_mem,
      max(r.cap_cores) AS cap_cores, max(r.cap_mem_bytes) AS cap_mem_bytes, bool_or(r.bad) AS bad
    FROM pod_rows_in r
    JOIN pod_labels_merged m ON m.nl = r.nl AND m.ns = r.ns AND m.pl = r.pl
    GROUP BY r.usage_start, r.namespace, r.node, m.json
  ),
  pod_rows AS (
    SELECT
    ${summarySelect({
      usage_start: "g.usage_start",
      data_source: "'Pod'",
      namespace: "g.namespace",
      node: "g.node",
      resource_id: "g.resource_id",
      pod_labels: "g.pod_labels",
      all_labels: "g.pod_labels",
      cost_category_id: costCategory("g.namespace"),
      pod_usage_cpu_core_hours: `g.u_cpu / ${HOUR}`,
      pod_request_cpu_core_hours: `g.r_cpu / ${HOUR}`,
      pod_effective_usage_cpu_core_hours: `g.e_cpu / ${HOUR}`,
      pod_limit_cpu_core_hours: `g.l_cpu / ${HOUR}`,
      pod_usage_memory_gigabyte_hours: `g.u_mem / ${HOUR} / ${GIB}`,
      pod_request_memory_gigabyte_hours: `g.r_mem / ${HOUR} / ${GIB}`,
      pod_effective_usage_memory_gigabyte_hours: `g.e_mem / ${HOUR} / ${GIB}`,
      pod_limit_memory_gigabyte_hours: `g.l_mem / ${HOUR} / ${GIB}`,
      node_capacity_cpu_cores: "g.cap_cores",
      // self-hosted SQL: COALESCE(max(nc.*), 0) where Trino leaves NULL (A.3)
      node_capacity_cpu_core_hours: `COALESCE(nc.nc_cpu, 0) / ${HOUR}`,
      node_capacity_memory_gigabytes: `g.cap_mem_bytes / ${GIB}`,
      node_capacity_memory_gigabyte_hours: `COALESCE(nc.nc_mem, 0) / ${HOUR} / ${GIB}`,
      cluster_capacity_cpu_core_hours: `COALESCE(cc.cc_cpu, 0) / ${HOUR}`,
      cluster_capacity_memory_gigabyte_hours: `COALESCE(cc.cc_mem, 0) / ${HOUR} / ${GIB}`,
      [LABEL_ERROR_COLUMN]: "g.bad",
    })}
    FROM pod_grouped g
    LEFT JOIN cte_ocp_node_capacity nc ON nc.usage_start = g.usage_start AND nc.node = g.node
    LEFT JOIN cte_ocp_cluster_capacity cc ON cc.usage_start = g.usage_start
  ),

  -- ---- Storage rows ----
  -- daily storage INNER JOIN daily pod rows on (day, namespace, pod): the node a PVC's pod ran on
  cte_volume_nodes AS (
    SELECT DISTINCT s.usage_start, s.persistentvolumeclaim, s.persistentvolume, s.pod, s.namespace, p.node, p.resource_id
    FROM storage_daily s
    JOIN pod_daily p ON p.usage_start = s.usage_start AND p.namespace = s.namespace AND p.pod = s.pod
  ),
  cte_shared_volume_node_count AS (
    SELECT usage_start, persistentvolume, count(DISTINCT node) AS node_count
    FROM cte_volume_nodes GROUP BY usage_start, persistentvolume
  ),
  -- LEFT JOIN vn: a PVC whose pod has no pod row that day, and every claimless PV, gets NULL node;
  -- vn rows that differ only in pv fan out here, as in Koku
  storage_in AS (
    SELECT s.usage_start, s.namespace, vn.node AS vn_node, vn.resource_id AS vn_resource_id,
      s.persistentvolumeclaim, s.persistentvolume, s.storageclass, s.csi_volume_handle,
      s.cap_bytes, s.cap_bs, s.req_bs, s.use_bs, c.node_count,
      COALESCE(nl.nl, '') AS nl, COALESCE(ns.ns, '') AS ns, pvl.canon AS pv, pvcl.canon AS pvc,
      (COALESCE(nl.nl_bad, false) OR COALESCE(ns.ns_bad, false) OR pvl.bad OR pvcl.bad) AS bad
    FROM storage_daily s
    LEFT JOIN cte_volume_nodes vn ON vn.usage_start = s.usage_start AND vn.persistentvolumeclaim = s.persistentvolumeclaim
      AND vn.pod = s.pod AND vn.namespace = s.namespace
    LEFT JOIN cte_shared_volume_node_count c ON c.usage_start = s.usage_start AND c.persistentvolume = s.persistentvolume
    LEFT JOIN cte_ocp_node_label_line_item_daily nl ON nl.usage_start = s.usage_start AND nl.node = vn.node
    LEFT JOIN cte_ocp_namespace_label_line_item_daily ns ON ns.usage_start = s.usage_start AND ns.namespace = s.namespace
    JOIN label_canon pvl ON pvl.raw = COALESCE(s.persistentvolume_labels, '')
    JOIN label_canon pvcl ON pvcl.raw = COALESCE(s.persistentvolumeclaim_labels, '')
  ),
  storage_label_tuples AS (SELECT DISTINCT nl, ns, pv, pvc FROM storage_in),
  -- precedence pvc > pv > namespace > node
  ${mergedLabelsCtes(d, "volume_labels_merged", "storage_label_tuples", ["nl", "ns", "pv", "pvc"])},
  -- csi_volume_handle is a GROUP BY key in Koku although it is not copied to the summary table
  storage_grouped AS (
    SELECT s.usage_start, s.namespace, s.vn_node, s.vn_resource_id, s.persistentvolumeclaim, s.persistentvolume,
      s.storageclass, s.csi_volume_handle, m.json AS volume_labels,
      max(s.cap_bytes) AS cap_bytes,
      -- A.5 P3: capacity byte-seconds summed over the per-pod rows, NOT divided by the node count
      sum(s.cap_bs) AS cap_bs,
      -- self-hosted SQL: sum / COALESCE(max(node_count), 1) (A.3)
      sum(s.req_bs) / COALESCE(max(CAST(s.node_count AS float8)), 1) AS req_bs,
      sum(s.use_bs) / COALESCE(max(CAST(s.node_count AS float8)), 1) AS use_bs,
      bool_or(s.bad) AS bad
    FROM storage_in s
    JOIN volume_labels_merged m ON m.nl = s.nl AND m.ns = s.ns AND m.pv = s.pv AND m.pvc = s.pvc
    GROUP BY s.usage_start, s.namespace, s.vn_node, s.vn_resource_id, s.persistentvolumeclaim, s.persistentvolume,
      s.storageclass, s.csi_volume_handle, m.json
  ),
  storage_rows AS (
    SELECT
    ${summarySelect({
      usage_start: "usage_start",
      data_source: "'Storage'",
      namespace: "namespace",
      node: "vn_node",
      resource_id: "vn_resource_id",
      persistentvolumeclaim: "persistentvolumeclaim",
      persistentvolume: "persistentvolume",
      storageclass: "storageclass",
      volume_labels: "volume_labels",
      all_labels: "volume_labels",
      cost_category_id: costCategory("namespace"),
      persistentvolumeclaim_capacity_gigabyte: `cap_bytes / ${GIB}`,
      // GiB-months with the real number of days of the usage_start month (A.5 P8)
      persistentvolumeclaim_capacity_gigabyte_months: perMonth("cap_bs"),
      volume_request_storage_gigabyte_months: perMonth("req_bs"),
      persistentvolumeclaim_usage_gigabyte_months: perMonth("use_bs"),
      [LABEL_ERROR_COLUMN]: "bad",
    })}
    FROM storage_grouped
  ),

  -- ---- Unallocated rows ----
  -- node roles (C.3), per month and (node, resource_id) of the daily pod rows: master if the node ran
  -- openshift-kube-apiserver, else infra if a node-label set has node_role_kubernetes_io = infra,
  -- else worker. Koku's LEFT JOIN is filtered in WHERE: a node without node-label rows gets no role.
  cte_node_role AS (
    SELECT p.month, p.node, p.resource_id,
      CASE WHEN p.apiserver THEN 'master' WHEN i.infra THEN 'infra' ELSE 'worker' END AS node_role
    FROM (
      SELECT date_trunc('month', usage_start) AS month, node, resource_id,
        COALESCE(bool_or(namespace = 'openshift-kube-apiserver'), false) AS apiserver
      FROM pod_daily GROUP BY 1, 2, 3
    ) p
    JOIN (
      SELECT date_trunc('month', usage_start) AS month, node, bool_or(infra) AS infra
      FROM cte_ocp_node_label_line_item_daily GROUP BY 1, 2
    ) i ON i.month = p.month AND i.node = p.node
  ),
  cte_unallocated_capacity AS (
    SELECT r.node, r.usage_start,
      -- CASE max(node_role): string max if the roles of a node disagree
      CASE max(nr.node_role) WHEN 'master' THEN 'Platform unallocated' WHEN 'infra' THEN 'Platform unallocated'
        WHEN 'worker' THEN 'Worker unallocated' END AS namespace,
      max(r.resource_id) AS resource_id,
      sum(r.pod_usage_cpu_core_hours) AS s_u_cpu, sum(r.pod_request_cpu_core_hours) AS s_r_cpu,
      sum(r.pod_effective_usage_cpu_core_hours) AS s_e_cpu,
      sum(r.pod_usage_memory_gigabyte_hours) AS s_u_mem, sum(r.pod_request_memory_gigabyte_hours) AS s_r_mem,
      sum(r.pod_effective_usage_memory_gigabyte_hours) AS s_e_mem,
      max(r.node_capacity_cpu_cores) AS node_capacity_cpu_cores,
      max(r.node_capacity_cpu_core_hours) AS node_capacity_cpu_core_hours,
      max(r.node_capacity_memory_gigabytes) AS node_capacity_memory_gigabytes,
      max(r.node_capacity_memory_gigabyte_hours) AS node_capacity_memory_gigabyte_hours,
      max(r.cluster_capacity_cpu_core_hours) AS cluster_capacity_cpu_core_hours,
      max(r.cluster_capacity_memory_gigabyte_hours) AS cluster_capacity_memory_gigabyte_hours
    FROM pod_rows r
    LEFT JOIN cte_node_role nr ON nr.month = date_trunc('month', r.usage_start) AND nr.node = r.node
      AND nr.resource_id = r.resource_id
    -- namespace != '...' is NULL for a NULL namespace: those Pod rows are left out too
    WHERE r.namespace NOT IN (${UNALLOCATED_NAMESPACES.map(sqlString).join(", ")}) AND r.node IS NOT NULL
    GROUP BY r.node, r.usage_start
  ),
  unallocated_rows AS (
    SELECT
    ${summarySelect({
      usage_start: "usage_start",
      data_source: "'Pod'",
      namespace: "namespace",
      node: "node",
      resource_id: "resource_id",
      all_labels: "'{}'", // COALESCE(NULL pod_labels,'{}') || COALESCE(NULL volume_labels,'{}')
      cost_category_id: costCategory("namespace"),
      // capacity minus the node's pod rows; may be negative. Limit columns stay NULL.
      pod_usage_cpu_core_hours: "node_capacity_cpu_core_hours - s_u_cpu",
      pod_request_cpu_core_hours: "node_capacity_cpu_core_hours - s_r_cpu",
      pod_effective_usage_cpu_core_hours: "node_capacity_cpu_core_hours - s_e_cpu",
      pod_usage_memory_gigabyte_hours: "node_capacity_memory_gigabyte_hours - s_u_mem",
      pod_request_memory_gigabyte_hours: "node_capacity_memory_gigabyte_hours - s_r_mem",
      pod_effective_usage_memory_gigabyte_hours: "node_capacity_memory_gigabyte_hours - s_e_mem",
      node_capacity_cpu_cores: "node_capacity_cpu_cores",
      node_capacity_cpu_core_hours: "node_capacity_cpu_core_hours",
      node_capacity_memory_gigabytes: "node_capacity_memory_gigabytes",
      node_capacity_memory_gigabyte_hours: "node_capacity_memory_gigabyte_hours",
      cluster_capacity_cpu_core_hours: "cluster_capacity_cpu_core_hours",
      cluster_capacity_memory_gigabyte_hours: "cluster_capacity_memory_gigabyte_hours",
    })}
    FROM cte_unallocated_capacity
  )
SELECT * FROM pod_rows
UNION ALL SELECT * FROM storage_rows
UNION ALL SELECT * FROM unallocated_rows`;
}
