// The reference daily summary: Koku's self-hosted PostgreSQL daily summary
// (koku-daily-summary.md A.3 + Part C) recomputed in plain TypeScript, one hourly row at a time.
// NO polars and nothing from pipelines/ (it keeps its own copy of Koku's constants, koku-rules.ts): the oracle the
// benchmark validates the polars plans against.
//
// Order of operations, as Koku does it:
//  1. ingest (C.1): each hourly row gets effective usage = max(usage, request) skipping NULL, then
//     rows are rolled up per day (pandas groupby, dropna=False; sums of all-NULL groups are 0,
//     max keeps NULL). Done here as rows arrive (`pod()`, `storage()`, ...).
//  2. summary SQL (A.3), per month: node/namespace label CTEs, node capacity from the HOURLY rows,
//     cluster capacity, volume nodes, then the Pod and Storage branches. Done in `finish()`.
//  3. unallocated rows from the Pod rows (C.4), with node roles derived per month (C.3).
// Koku summarises each month separately (C.2). Every join and GROUP BY of the SQL includes the
// day, so one pass over all days gives the same rows; only the node roles need the month.
//
// NULL: Koku reads nise's CSV with pandas, which turns an empty text field into NaN, i.e. NULL in
// its tables. So an empty text field ("" in the rows) is NULL here: it never satisfies a join or a
// `=`/`!=` comparison, it groups with other NULLs, and it is written as null.

import type {
  NamespaceLabelRow,
  NodeLabelRow,
  PodUsageRow,
  RowSink,
  StorageUsageRow,
} from "../nise/rows.ts";
import { DataError } from "../errors.ts";
import { canonicalLabels, type EnabledTagKeys, type SummaryRow } from "../contract/summary-schema.ts";
import { filterLabels, parseNiseLabelsToMap, pythonJsonDumps } from "./labels.ts";
import { costCategoryId, likeMatch } from "./like.ts";
import { DAY_MS, daysInMonth, dayString, monthKeyOfDay } from "./dates.ts";

const GIB = 2 ** -30; // PostgreSQL power(2, -30): "gigabyte" is GiB (P8)
const SEP = "\u0000";
/** Rows with any measure above this are dropped at ingest as anomalies (C.1, masu/util/ocp/common.py). */
const ANOMALY_THRESHOLD = 1e18;
/** Namespaces the unallocated step leaves out of its sums (self-hosted SQL, cte_unallocated_capacity). */
const UNALLOCATED_EXCLUDED = new Set(["Platform unallocated", "Worker unallocated", "Network unattributed", "Storage unattributed"]);
/** The node-role query's test for infra nodes, a LIKE over the stored node-label JSON text (C.3). */
const INFRA_LIKE = '%"node_role_kubernetes_io": "infra"%';
const MASTER_NAMESPACE = "openshift-kube-apiserver";
const EMPTY_ONLY: readonly number[] = [0]; // LabelTable.EMPTY_FID

export interface ReferenceOptions {
  /** Enabled label keys; null (the default) = every key. vm_kubevirt_io_name is always enabled. */
  enabledTagKeys?: EnabledTagKeys;
}

/** Rows received per report type, and how many were dropped as anomalies (> 1e18). */
export interface ReferenceCounts {
  pod: number;
  storage: number;
  nodeLabel: number;
  namespaceLabel: number;
  anomaliesDropped: number;
}

/** "" (an empty CSV field) is NULL in Koku's tables. */
function nul(s: string): string | null {
  return s === "" ? null : s;
}

/** SQL max over nullable numbers (NULLs skipped; all NULL -> NULL). */
function maxN(a: number | null, b: number | null): number | null {
  if (b === null) return a;
  if (a === null) return b;
  return b > a ? b : a;
}

/** SQL max over nullable text. */
function maxS(a: string | null, b: string | null): string | null {
  if (b === null) return a;
  if (a === null) return b;
  return b > a ? b : a;
}

/** Interned label sets: raw nise string -> parsed set (identified by its json.dumps text) -> enabled-key filtered set. */
class LabelTable {
  private readonly rawToPid = new Map<string, number>();
  private readonly pyToPid = new Map<string, number>();
  /** pid -> json.dumps text (what Koku stores; the daily roll-up groups on it). */
  readonly pyText: string[] = [];
  /** pid -> fid of its enabled-key filtered set. */
  readonly pidToFid: number[] = [];
  private readonly canonToFid = new Map<string, number>();
  /** fid -> filtered map (canonical key order not needed: merge then canonicalise). */
  readonly fidMap: Map<string, string>[] = [];
  private readonly mergeCache = new Map<string, string>();

  constructor(private readonly enabled: EnabledTagKeys) {
    this.fid(new Map()); // fid 0 = {}
  }

  static readonly EMPTY_FID = 0;

  pid(raw: string): number {
    let id = this.rawToPid.get(raw);
    if (id !== undefined) return id;
    const parsed = parseNiseLabelsToMap(raw);
    const py = pythonJsonDumps(parsed);
    id = this.pyToPid.get(py);
    if (id === undefined) {
      id = this.pyText.length;
      this.pyText.push(py);
      this.pidToFid.push(this.fid(filterLabels(parsed, this.enabled)));
      this.pyToPid.set(py, id);
    }
    this.rawToPid.set(raw, id);
    return id;
  }

  private fid(filtered: Map<string, string>): number {
    const canon = canonicalLabels(filtered);
    let id = this.canonToFid.get(canon);
    if (id === undefined) {
      id = this.fidMap.length;
      this.fidMap.push(filtered);
      this.canonToFid.set(canon, id);
    }
    return id;
  }

  /** Canonical JSON of fids merged left to right (jsonb `||`: the later set wins a duplicate key). */
  merge(fids: number[]): string {
    const key = fids.join(",");
    let s = this.mergeCache.get(key);
    if (s === undefined) {
      const m = new Map<string, string>();
      for (const f of fids) for (const [k, v] of this.fidMap[f]) m.set(k, v);
      s = canonicalLabels(m);
      this.mergeCache.set(key, s);
    }
    return s;
  }
}

/** openshift_pod_usage_line_items_daily: one row per (day, namespace, node, pod, pod_labels). */
interface PodDaily {
  day: number;
  namespace: string;
  node: string;
  pod: string;
  pid: number;
  usageCpu: number;
  requestCpu: number;
  effectiveCpu: number;
  limitCpu: number;
  usageMem: number;
  requestMem: number;
  effectiveMem: number;
  limitMem: number;
  resourceId: string | null;
  capacityCores: number | null;
  capacityMemBytes: number | null;
}

/** openshift_storage_usage_line_items_daily: one row per (day, the ten storage keys). */
interface StorageDaily {
  day: number;
  namespace: string;
  node: string;
  pod: string;
  pvc: string;
  pv: string;
  storageclass: string;
  csiVolumeHandle: string;
  pvPid: number;
  pvcPid: number;
  capacityBytes: number | null;
  capacityByteSeconds: number;
  requestByteSeconds: number;
  usageByteSeconds: number;
}

/** Per (interval_start, node): max of the capacity seconds over that hour's pod rows. */
interface HourCapacity {
  day: number;
  node: string;
  cpu: number | null;
  mem: number | null;
}

interface PodGroup {
  day: number;
  namespace: string;
  node: string;
  labels: string;
  usageCpu: number;
  requestCpu: number;
  effectiveCpu: number;
  limitCpu: number;
  usageMem: number;
  requestMem: number;
  effectiveMem: number;
  limitMem: number;
  resourceId: string | null;
  capacityCores: number | null;
  capacityMemBytes: number | null;
}

interface PodSeries {
  namespace: string;
  node: string;
  pod: string;
  pid: number;
  days: Map<number, PodDaily>;
  lastDay: number;
  last: PodDaily | null;
}

interface NodeState {
  hours: Map<number, HourCapacity>;
  lastHour: number;
  lastCap: HourCapacity | null;
  /** namespace -> pod -> raw pod_labels -> series */
  entities: Map<string, Map<string, Map<string, PodSeries>>>;
}

interface StorageGroup {
  day: number;
  namespace: string;
  node: string | null;
  resourceId: string | null;
  pvc: string;
  pv: string;
  storageclass: string;
  labels: string;
  capacityBytes: number | null;
  capacityByteSeconds: number;
  requestByteSeconds: number;
  usageByteSeconds: number;
  nodeCount: number;
}

interface VolumeNode {
  pv: string;
  node: string;
  resourceId: string | null;
}

/**
 * A summary row with every column NULL, built as ONE object literal so every row shares one
 * hidden class (spreading a partial object and adding columns made rows ~30x slower to build).
 */
function blankRow(usage_start: string, data_source: "Pod" | "Storage"): SummaryRow {
  return {
    usage_start,
    data_source,
    namespace: null,
    node: null,
    resource_id: null,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    pod_labels: null,
    volume_labels: null,
    all_labels: "{}",
    cost_category_id: null,
    pod_usage_cpu_core_hours: null,
    pod_request_cpu_core_hours: null,
    pod_effective_usage_cpu_core_hours: null,
    pod_limit_cpu_core_hours: null,
    pod_usage_memory_gigabyte_hours: null,
    pod_request_memory_gigabyte_hours: null,
    pod_effective_usage_memory_gigabyte_hours: null,
    pod_limit_memory_gigabyte_hours: null,
    node_capacity_cpu_cores: null,
    node_capacity_cpu_core_hours: null,
    node_capacity_memory_gigabytes: null,
    node_capacity_memory_gigabyte_hours: null,
    cluster_capacity_cpu_core_hours: null,
    cluster_capacity_memory_gigabyte_hours: null,
    persistentvolumeclaim_capacity_gigabyte: null,
    persistentvolumeclaim_capacity_gigabyte_months: null,
    volume_request_storage_gigabyte_months: null,
    persistentvolumeclaim_usage_gigabyte_months: null,
  };
}

/** A measure above the anomaly threshold (NULL is not). */
function over(v: number | null): boolean {
  return v !== null && v > ANOMALY_THRESHOLD;
}

/**
 * Koku's daily summary as a RowSink: feed it every hourly row (any order, any number of months),
 * then call finish() once for the rows of reporting_ocpusagelineitem_daily_summary.
 */
export class DailySummaryReference implements RowSink {
  readonly counts: ReferenceCounts = { pod: 0, storage: 0, nodeLabel: 0, namespaceLabel: 0, anomaliesDropped: 0 };
  private readonly labels: LabelTable;
  /** openshift_pod_usage_line_items_daily, every row. */
  private readonly podDaily: PodDaily[] = [];
  /** (namespace, node, pod, label set) -> its daily rows. */
  private readonly podSeries = new Map<string, PodSeries>();
  /** Per node ("" = NULL): hourly capacity, and the lookup path to its pod series. */
  private readonly nodes = new Map<string, NodeState>();
  private readonly storageDaily = new Map<string, StorageDaily>();
  /** openshift_node_labels_line_items_daily: (day, node) -> distinct label sets (pids). */
  private readonly nodeLabelsDaily = new Map<string, Set<number>>();
  /** openshift_namespace_labels_line_items_daily: (day, namespace) -> distinct label sets (pids). */
  private readonly namespaceLabelsDaily = new Map<string, Set<number>>();
  private finished = false;

  constructor(options: ReferenceOptions = {}) {
    this.labels = new LabelTable(options.enabledTagKeys ?? null);
  }

  pod(r: PodUsageRow): void {
    this.counts.pod++;
    const uc = r.pod_usage_cpu_core_seconds;
    const rc = r.pod_request_cpu_core_seconds;
    const um = r.pod_usage_memory_byte_seconds;
    const rm = r.pod_request_memory_byte_seconds;
    if (
      over(uc) || over(rc) || over(r.pod_limit_cpu_core_seconds) || over(um) || over(rm) ||
      over(r.pod_limit_memory_byte_seconds) || over(r.node_capacity_cpu_cores) || over(r.node_capacity_cpu_core_seconds) ||
      over(r.node_capacity_memory_bytes) || over(r.node_capacity_memory_byte_seconds)
    ) {
      this.counts.anomaliesDropped++;
      return;
    }
    const day = Math.floor(r.interval_start / DAY_MS);

    // Per-row lookups go through nested Maps keyed by the row's own strings (no key concatenation:
    // a string keeps its hash, and the CSV importer hands on the same string object for a value
    // repeated row after row), with a last-hit cache for the hour and the day.
    let ns = this.nodes.get(r.node);
    if (ns === undefined) {
      ns = { hours: new Map(), lastHour: NaN, lastCap: null, entities: new Map() };
      this.nodes.set(r.node, ns);
    }

    // cte_ocp_node_capacity, inner step: per (usage_start, interval_start, node) the max over the
    // hour's pod rows (de-duplicates the value nise repeats on every pod row of that hour).
    let h: HourCapacity | null | undefined = ns.lastHour === r.interval_start ? ns.lastCap : ns.hours.get(r.interval_start);
    if (h == null) {
      h = { day, node: r.node, cpu: null, mem: null };
      ns.hours.set(r.interval_start, h);
    }
    ns.lastHour = r.interval_start;
    ns.lastCap = h;
    h.cpu = maxN(h.cpu, r.node_capacity_cpu_core_seconds);
    h.mem = maxN(h.mem, r.node_capacity_memory_byte_seconds);

    // Hourly -> daily roll-up (C.1), keys namespace, node, pod, pod_labels (the stored JSON text,
    // so two raw strings that parse to the same labels share a series).
    let byPod = ns.entities.get(r.namespace);
    if (byPod === undefined) ns.entities.set(r.namespace, (byPod = new Map()));
    let byLabels = byPod.get(r.pod);
    if (byLabels === undefined) byPod.set(r.pod, (byLabels = new Map()));
    let series = byLabels.get(r.pod_labels);
    if (series === undefined) {
      const pid = this.labels.pid(r.pod_labels);
      const sk = r.namespace + SEP + r.node + SEP + r.pod + SEP + pid;
      series = this.podSeries.get(sk);
      if (series === undefined) {
        series = { namespace: r.namespace, node: r.node, pod: r.pod, pid, days: new Map(), lastDay: NaN, last: null };
        this.podSeries.set(sk, series);
      }
      byLabels.set(r.pod_labels, series);
    }
    let d: PodDaily | null | undefined = series.lastDay === day ? series.last : series.days.get(day);
    if (d == null) {
      d = {
        day, namespace: series.namespace, node: series.node, pod: series.pod, pid: series.pid,
        usageCpu: 0, requestCpu: 0, effectiveCpu: 0, limitCpu: 0,
        usageMem: 0, requestMem: 0, effectiveMem: 0, limitMem: 0,
        resourceId: null, capacityCores: null, capacityMemBytes: null,
      };
      series.days.set(day, d);
      this.podDaily.push(d);
    }
    series.lastDay = day;
    series.last = d;
    // pandas sum skips NaN and gives 0 for an all-NaN group.
    if (uc !== null) d.usageCpu += uc;
    if (rc !== null) d.requestCpu += rc;
    if (r.pod_limit_cpu_core_seconds !== null) d.limitCpu += r.pod_limit_cpu_core_seconds;
    if (um !== null) d.usageMem += um;
    if (rm !== null) d.requestMem += rm;
    if (r.pod_limit_memory_byte_seconds !== null) d.limitMem += r.pod_limit_memory_byte_seconds;
    // Effective usage per HOURLY row, before the daily sum (P7): pandas .max(axis=1) skips NaN.
    const ec = maxN(uc, rc);
    if (ec !== null) d.effectiveCpu += ec;
    const em = maxN(um, rm);
    if (em !== null) d.effectiveMem += em;
    d.resourceId = maxS(d.resourceId, nul(r.resource_id));
    d.capacityCores = maxN(d.capacityCores, r.node_capacity_cpu_cores);
    d.capacityMemBytes = maxN(d.capacityMemBytes, r.node_capacity_memory_bytes);
  }

  storage(r: StorageUsageRow): void {
    this.counts.storage++;
    if (
      over(r.persistentvolumeclaim_capacity_bytes) || over(r.persistentvolumeclaim_capacity_byte_seconds) ||
      over(r.volume_request_storage_byte_seconds) || over(r.persistentvolumeclaim_usage_byte_seconds)
    ) {
      this.counts.anomaliesDropped++;
      return;
    }
    const day = Math.floor(r.interval_start / DAY_MS);
    const pvPid = this.labels.pid(r.persistentvolume_labels);
    const pvcPid = this.labels.pid(r.persistentvolumeclaim_labels);
    const dk = day + SEP + r.namespace + SEP + r.node + SEP + r.pod + SEP + r.persistentvolumeclaim + SEP +
      r.persistentvolume + SEP + r.storageclass + SEP + r.csi_driver + SEP + r.csi_volume_handle + SEP + pvPid +
      SEP + pvcPid;
    let d = this.storageDaily.get(dk);
    if (d === undefined) {
      d = {
        day, namespace: r.namespace, node: r.node, pod: r.pod, pvc: r.persistentvolumeclaim,
        pv: r.persistentvolume, storageclass: r.storageclass, csiVolumeHandle: r.csi_volume_handle, pvPid, pvcPid,
        capacityBytes: null, capacityByteSeconds: 0, requestByteSeconds: 0, usageByteSeconds: 0,
      };
      this.storageDaily.set(dk, d);
    }
    d.capacityBytes = maxN(d.capacityBytes, r.persistentvolumeclaim_capacity_bytes);
    if (r.persistentvolumeclaim_capacity_byte_seconds !== null) d.capacityByteSeconds += r.persistentvolumeclaim_capacity_byte_seconds;
    if (r.volume_request_storage_byte_seconds !== null) d.requestByteSeconds += r.volume_request_storage_byte_seconds;
    if (r.persistentvolumeclaim_usage_byte_seconds !== null) d.usageByteSeconds += r.persistentvolumeclaim_usage_byte_seconds;
  }

  nodeLabel(r: NodeLabelRow): void {
    this.counts.nodeLabel++;
    if (r.node === "") return; // NULL node: joins nothing
    const k = Math.floor(r.interval_start / DAY_MS) + SEP + r.node;
    let s = this.nodeLabelsDaily.get(k);
    if (s === undefined) this.nodeLabelsDaily.set(k, (s = new Set()));
    s.add(this.labels.pid(r.node_labels));
  }

  namespaceLabel(r: NamespaceLabelRow): void {
    this.counts.namespaceLabel++;
    if (r.namespace === "") return;
    const k = Math.floor(r.interval_start / DAY_MS) + SEP + r.namespace;
    let s = this.namespaceLabelsDaily.get(k);
    if (s === undefined) this.namespaceLabelsDaily.set(k, (s = new Set()));
    s.add(this.labels.pid(r.namespace_labels));
  }

  /**
   * Enabled-key filtered label sets for (day, node) or (day, namespace), distinct after filtering
   * (the label CTEs GROUP BY the filtered jsonb). More than one set = an intra-day label change:
   * quirk P1, every joined row fans out once per set. None -> LEFT JOIN NULL -> COALESCE '{}'.
   */
  private labelFids(table: Map<string, Set<number>>, day: number, name: string): readonly number[] {
    const key = day + SEP + name;
    const memo = table === this.nodeLabelsDaily ? this.nodeFidsMemo : this.namespaceFidsMemo;
    let fids = memo.get(key);
    if (fids !== undefined) return fids;
    const pids = table.get(key);
    if (pids === undefined) fids = EMPTY_ONLY;
    else {
      const set = new Set<number>();
      for (const p of pids) set.add(this.labels.pidToFid[p]);
      fids = [...set];
    }
    memo.set(key, fids);
    return fids;
  }
  private readonly nodeFidsMemo = new Map<string, readonly number[]>();
  private readonly namespaceFidsMemo = new Map<string, readonly number[]>();

  private *hourCapacities(): Generator<HourCapacity> {
    for (const n of this.nodes.values()) yield* n.hours.values();
  }

  /** The summary rows, Pod + Storage + unallocated, in no particular order (see sortSummaryRows). */
  finish(): SummaryRow[] {
    if (this.finished) throw new Error("DailySummaryReference.finish() called twice");
    this.finished = true;
    const out: SummaryRow[] = [];
    const dayCache = new Map<number, { date: string; month: string; dim: number }>();
    const dayInfo = (day: number) => {
      let i = dayCache.get(day);
      if (i === undefined) {
        const date = dayString(day);
        i = { date, month: monthKeyOfDay(day), dim: daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7))) };
        dayCache.set(day, i);
      }
      return i;
    };
    const categoryCache = new Map<string | null, number | null>();
    const category = (ns: string | null) => {
      let c = categoryCache.get(ns);
      if (c === undefined) categoryCache.set(ns, (c = costCategoryId(ns)));
      return c;
    };

    // cte_ocp_node_capacity: per (day, node) the sum over hours of the hourly max; NULLs skipped,
    // all NULL -> NULL. The NULL/"" node forms a group of its own and counts in the cluster total.
    const nodeCapacity = new Map<string, { cpu: number | null; mem: number | null }>();
    for (const h of this.hourCapacities()) {
      const k = h.day + SEP + h.node;
      let c = nodeCapacity.get(k);
      if (c === undefined) nodeCapacity.set(k, (c = { cpu: null, mem: null }));
      if (h.cpu !== null) c.cpu = (c.cpu ?? 0) + h.cpu;
      if (h.mem !== null) c.mem = (c.mem ?? 0) + h.mem;
    }
    // cte_ocp_cluster_capacity: per day the sum over nodes.
    const clusterCapacity = new Map<number, { cpu: number | null; mem: number | null }>();
    for (const [k, c] of nodeCapacity) {
      const day = Number(k.slice(0, k.indexOf(SEP)));
      let t = clusterCapacity.get(day);
      if (t === undefined) clusterCapacity.set(day, (t = { cpu: null, mem: null }));
      if (c.cpu !== null) t.cpu = (t.cpu ?? 0) + c.cpu;
      if (c.mem !== null) t.mem = (t.mem ?? 0) + c.mem;
    }

    // ---- Pod branch ----
    const podGroups = new Map<string, PodGroup>();
    for (const d of this.podDaily) {
      if (d.node === "") continue; // WHERE li.node != '' (also drops NULL)
      const nodeF = this.labelFids(this.nodeLabelsDaily, d.day, d.node);
      const nsF = d.namespace === "" ? EMPTY_ONLY : this.labelFids(this.namespaceLabelsDaily, d.day, d.namespace);
      const podF = this.labels.pidToFid[d.pid];
      // Quirk P1 reproduced: one joined row per (node label set, namespace label set) of the day;
      // each carries the full daily sums, so usage is counted once per combination.
      for (const a of nodeF) {
        for (const b of nsF) {
          // Label precedence pod > namespace > node: node || namespace || pod.
          const labels = this.labels.merge([a, b, podF]);
          const gk = d.day + SEP + d.namespace + SEP + d.node + SEP + labels; // pod is not a key
          let g = podGroups.get(gk);
          if (g === undefined) {
            g = {
              day: d.day, namespace: d.namespace, node: d.node, labels,
              usageCpu: 0, requestCpu: 0, effectiveCpu: 0, limitCpu: 0,
              usageMem: 0, requestMem: 0, effectiveMem: 0, limitMem: 0,
              resourceId: null, capacityCores: null, capacityMemBytes: null,
            };
            podGroups.set(gk, g);
          }
          g.usageCpu += d.usageCpu;
          g.requestCpu += d.requestCpu;
          // Daily effective is never NULL (pandas sum), so the SQL's coalesce(.., greatest(..)) never falls back.
          g.effectiveCpu += d.effectiveCpu;
          g.limitCpu += d.limitCpu;
          g.usageMem += d.usageMem;
          g.requestMem += d.requestMem;
          g.effectiveMem += d.effectiveMem;
          g.limitMem += d.limitMem;
          g.resourceId = maxS(g.resourceId, d.resourceId);
          g.capacityCores = maxN(g.capacityCores, d.capacityCores);
          g.capacityMemBytes = maxN(g.capacityMemBytes, d.capacityMemBytes);
        }
      }
    }
    const podRows: SummaryRow[] = [];
    for (const g of podGroups.values()) {
      const nc = nodeCapacity.get(g.day + SEP + g.node);
      const cc = clusterCapacity.get(g.day);
      const namespace = nul(g.namespace);
      const row = blankRow(dayInfo(g.day).date, "Pod");
      row.namespace = namespace;
      row.node = g.node;
      row.resource_id = g.resourceId;
      row.persistentvolumeclaim = null;
      row.persistentvolume = null;
      row.storageclass = null;
      row.pod_labels = g.labels; // never NULL on a Pod row: {} when empty (P6)
      row.volume_labels = null;
      row.all_labels = g.labels; // COALESCE(pod_labels,'{}') || COALESCE(NULL,'{}')
      row.cost_category_id = category(namespace);
      row.pod_usage_cpu_core_hours = g.usageCpu / 3600;
      row.pod_request_cpu_core_hours = g.requestCpu / 3600;
      row.pod_effective_usage_cpu_core_hours = g.effectiveCpu / 3600;
      row.pod_limit_cpu_core_hours = g.limitCpu / 3600;
      row.pod_usage_memory_gigabyte_hours = (g.usageMem / 3600) * GIB;
      row.pod_request_memory_gigabyte_hours = (g.requestMem / 3600) * GIB;
      row.pod_effective_usage_memory_gigabyte_hours = (g.effectiveMem / 3600) * GIB;
      row.pod_limit_memory_gigabyte_hours = (g.limitMem / 3600) * GIB;
      row.node_capacity_cpu_cores = g.capacityCores;
      // Self-hosted flavour (A.3 / P4): COALESCE(max(capacity), 0), never NULL.
      row.node_capacity_cpu_core_hours = (nc?.cpu ?? 0) / 3600;
      row.node_capacity_memory_gigabytes = g.capacityMemBytes === null ? null : g.capacityMemBytes * GIB;
      row.node_capacity_memory_gigabyte_hours = ((nc?.mem ?? 0) / 3600) * GIB;
      row.cluster_capacity_cpu_core_hours = (cc?.cpu ?? 0) / 3600;
      row.cluster_capacity_memory_gigabyte_hours = ((cc?.mem ?? 0) / 3600) * GIB;
      podRows.push(row);
      out.push(row);
    }

    // ---- Storage branch ----
    // cte_volume_nodes: daily storage rows INNER JOIN daily pod rows on (namespace, pod, day),
    // distinct (day, pvc, pv, pod, namespace, node, resource_id). The pod rows are not filtered on
    // node here. NULL (empty) namespace or pod never joins (claimless PVs).
    const podsByNsPod = new Map<string, PodDaily[]>();
    for (const d of this.podDaily) {
      if (d.namespace === "" || d.pod === "") continue;
      const k = d.day + SEP + d.namespace + SEP + d.pod;
      let l = podsByNsPod.get(k);
      if (l === undefined) podsByNsPod.set(k, (l = []));
      l.push(d);
    }
    const volumeNodeSeen = new Set<string>();
    /** (day, pvc, pod, namespace) -> vn rows, as the storage branch LEFT JOINs them. */
    const volumeNodes = new Map<string, VolumeNode[]>();
    /** cte_shared_volume_node_count: (day, pv) -> distinct non-NULL nodes; present = the group exists. */
    const pvNodes = new Map<string, Set<string>>();
    for (const s of this.storageDaily.values()) {
      if (s.namespace === "" || s.pod === "") continue;
      const pods = podsByNsPod.get(s.day + SEP + s.namespace + SEP + s.pod);
      if (pods === undefined) continue;
      for (const p of pods) {
        const vk = s.day + SEP + s.pvc + SEP + s.pv + SEP + s.pod + SEP + s.namespace + SEP + p.node + SEP + (p.resourceId ?? "\u0001null");
        if (volumeNodeSeen.has(vk)) continue;
        volumeNodeSeen.add(vk);
        if (s.pvc !== "") {
          const jk = s.day + SEP + s.pvc + SEP + s.pod + SEP + s.namespace;
          let l = volumeNodes.get(jk);
          if (l === undefined) volumeNodes.set(jk, (l = []));
          l.push({ pv: s.pv, node: p.node, resourceId: p.resourceId });
        }
        if (s.pv !== "") {
          const ck = s.day + SEP + s.pv;
          let set = pvNodes.get(ck);
          if (set === undefined) pvNodes.set(ck, (set = new Set()));
          if (p.node !== "") set.add(p.node); // count(DISTINCT node) ignores NULL
        }
      }
    }
    const NO_VOLUME_NODE: VolumeNode[] = [{ pv: "", node: "", resourceId: null }];
    const storageGroups = new Map<string, StorageGroup>();
    for (const s of this.storageDaily.values()) {
      const joinable = s.namespace !== "" && s.pod !== "" && s.pvc !== "";
      // LEFT JOIN cte_volume_nodes: no match (PVC whose pod has no pod-usage row that day, or a
      // claimless PV) -> NULL node and resource_id.
      const vns = (joinable && volumeNodes.get(s.day + SEP + s.pvc + SEP + s.pod + SEP + s.namespace)) || NO_VOLUME_NODE;
      let nodeCount = 1; // COALESCE(max(nc.node_count), 1): no (day, pv) match -> 1
      if (s.pv !== "") {
        const set = pvNodes.get(s.day + SEP + s.pv);
        if (set !== undefined) {
          if (set.size === 0) {
            throw new DataError(
              `persistent volume ${s.pv} on ${dayInfo(s.day).date} is mounted only by pods with an empty node: ` +
                "Koku's summary SQL would divide its storage request and usage by zero",
            );
          }
          nodeCount = set.size;
        }
      }
      const nsF = s.namespace === "" ? EMPTY_ONLY : this.labelFids(this.namespaceLabelsDaily, s.day, s.namespace);
      const pvF = this.labels.pidToFid[s.pvPid];
      const pvcF = this.labels.pidToFid[s.pvcPid];
      for (const vn of vns) {
        // Node labels join on vn.node (the node the PVC's pod ran on), not on the storage row's node.
        const nodeF = vn.node === "" ? EMPTY_ONLY : this.labelFids(this.nodeLabelsDaily, s.day, vn.node);
        for (const a of nodeF) {
          for (const b of nsF) {
            // Precedence pvc > pv > namespace > node: node || namespace || pv || pvc. Fan-out as P1.
            const labels = this.labels.merge([a, b, pvF, pvcF]);
            const gk = s.namespace + SEP + vn.node + SEP + (vn.resourceId ?? "\u0001null") + SEP + s.pvc + SEP + s.pv +
              SEP + s.storageclass + SEP + s.csiVolumeHandle + SEP + s.day + SEP + labels;
            let g = storageGroups.get(gk);
            if (g === undefined) {
              g = {
                day: s.day, namespace: s.namespace, node: nul(vn.node), resourceId: vn.resourceId, pvc: s.pvc, pv: s.pv,
                storageclass: s.storageclass, labels, capacityBytes: null, capacityByteSeconds: 0,
                requestByteSeconds: 0, usageByteSeconds: 0, nodeCount,
              };
              storageGroups.set(gk, g);
            }
            g.capacityBytes = maxN(g.capacityBytes, s.capacityBytes);
            // Quirk P3 reproduced: capacity byte-seconds are summed over every daily row of the
            // group (one per pod mounting the PVC) and NOT divided by the node count.
            g.capacityByteSeconds += s.capacityByteSeconds;
            g.requestByteSeconds += s.requestByteSeconds;
            g.usageByteSeconds += s.usageByteSeconds;
          }
        }
      }
    }
    for (const g of storageGroups.values()) {
      const info = dayInfo(g.day);
      const perMonth = 86400 * info.dim; // real days of the usage_start month (P8)
      const namespace = nul(g.namespace);
      const row = blankRow(info.date, "Storage");
      row.namespace = namespace;
      row.node = g.node;
      row.resource_id = g.resourceId;
      row.persistentvolumeclaim = nul(g.pvc);
      row.persistentvolume = nul(g.pv);
      row.storageclass = nul(g.storageclass);
      row.pod_labels = null;
      row.volume_labels = g.labels; // never NULL on a Storage row
      row.all_labels = g.labels;
      row.cost_category_id = category(namespace);
      row.persistentvolumeclaim_capacity_gigabyte = g.capacityBytes === null ? null : g.capacityBytes * GIB;
      row.persistentvolumeclaim_capacity_gigabyte_months = (g.capacityByteSeconds / perMonth) * GIB;
      // sum(...) / COALESCE(max(nc.node_count), 1): request and usage shared among the PV's nodes.
      row.volume_request_storage_gigabyte_months = (g.requestByteSeconds / g.nodeCount / perMonth) * GIB;
      row.persistentvolumeclaim_usage_gigabyte_months = (g.usageByteSeconds / g.nodeCount / perMonth) * GIB;
      out.push(row);
    }

    // ---- Unallocated ----
    const roles = this.nodeRoles(dayInfo);
    const unallocated = new Map<string, {
      day: number; node: string; resourceId: string | null;
      usageCpu: number; requestCpu: number; effectiveCpu: number;
      usageMem: number; requestMem: number; effectiveMem: number;
      capCores: number | null; capCpuHours: number | null; capMemGib: number | null; capMemGibHours: number | null;
      clusterCpu: number | null; clusterMem: number | null;
    }>();
    for (const r of podRows) {
      // `lids.namespace != '...'` is NULL for a NULL namespace, so those Pod rows are left out too.
      if (r.namespace === null || UNALLOCATED_EXCLUDED.has(r.namespace)) continue;
      const day = Date.parse(r.usage_start) / DAY_MS;
      const k = day + SEP + r.node;
      let u = unallocated.get(k);
      if (u === undefined) {
        u = {
          day, node: r.node!, resourceId: null,
          usageCpu: 0, requestCpu: 0, effectiveCpu: 0, usageMem: 0, requestMem: 0, effectiveMem: 0,
          capCores: null, capCpuHours: null, capMemGib: null, capMemGibHours: null, clusterCpu: null, clusterMem: null,
        };
        unallocated.set(k, u);
      }
      u.resourceId = maxS(u.resourceId, r.resource_id);
      // Sums of the Pod rows' hour values (the SQL reads the rows it just wrote).
      u.usageCpu += r.pod_usage_cpu_core_hours!;
      u.requestCpu += r.pod_request_cpu_core_hours!;
      u.effectiveCpu += r.pod_effective_usage_cpu_core_hours!;
      u.usageMem += r.pod_usage_memory_gigabyte_hours!;
      u.requestMem += r.pod_request_memory_gigabyte_hours!;
      u.effectiveMem += r.pod_effective_usage_memory_gigabyte_hours!;
      u.capCores = maxN(u.capCores, r.node_capacity_cpu_cores);
      u.capCpuHours = maxN(u.capCpuHours, r.node_capacity_cpu_core_hours);
      u.capMemGib = maxN(u.capMemGib, r.node_capacity_memory_gigabytes);
      u.capMemGibHours = maxN(u.capMemGibHours, r.node_capacity_memory_gigabyte_hours);
      u.clusterCpu = maxN(u.clusterCpu, r.cluster_capacity_cpu_core_hours);
      u.clusterMem = maxN(u.clusterMem, r.cluster_capacity_memory_gigabyte_hours);
    }
    for (const u of unallocated.values()) {
      const info = dayInfo(u.day);
      // LEFT JOIN cte_node_role ON (node, resource_id); CASE without ELSE: unknown role -> NULL.
      const role = u.resourceId === null ? undefined : roles.get(info.month + SEP + u.node + SEP + u.resourceId);
      const namespace = role === "master" || role === "infra" ? "Platform unallocated" : role === "worker" ? "Worker unallocated" : null;
      const minus = (cap: number | null, sum: number) => (cap === null ? null : cap - sum); // may be negative
      const row = blankRow(info.date, "Pod");
      row.namespace = namespace;
      row.node = u.node;
      row.resource_id = u.resourceId;
      row.persistentvolumeclaim = null;
      row.persistentvolume = null;
      row.storageclass = null;
      row.pod_labels = null; // not inserted by the unallocated step (P6)
      row.volume_labels = null;
      row.all_labels = "{}";
      row.cost_category_id = category(namespace);
      row.pod_usage_cpu_core_hours = minus(u.capCpuHours, u.usageCpu);
      row.pod_request_cpu_core_hours = minus(u.capCpuHours, u.requestCpu);
      row.pod_effective_usage_cpu_core_hours = minus(u.capCpuHours, u.effectiveCpu);
      row.pod_usage_memory_gigabyte_hours = minus(u.capMemGibHours, u.usageMem);
      row.pod_request_memory_gigabyte_hours = minus(u.capMemGibHours, u.requestMem);
      row.pod_effective_usage_memory_gigabyte_hours = minus(u.capMemGibHours, u.effectiveMem);
      row.node_capacity_cpu_cores = u.capCores;
      row.node_capacity_cpu_core_hours = u.capCpuHours;
      row.node_capacity_memory_gigabytes = u.capMemGib;
      row.node_capacity_memory_gigabyte_hours = u.capMemGibHours;
      row.cluster_capacity_cpu_core_hours = u.clusterCpu;
      row.cluster_capacity_memory_gigabyte_hours = u.clusterMem;
      out.push(row);
    }
    return out;
  }

  /**
   * Node roles, derived per month (C.3, reportdb_accessor_postgres.get_nodes_query_sql): per
   * (month, node, resource_id) over the month's daily pod rows INNER joined (the WHERE clause on the
   * label table's columns makes the LEFT JOIN inner) with the month's daily node-label rows:
   * 'master' if the node ran namespace openshift-kube-apiserver; else 'infra' if any of its stored
   * node-label JSON texts (json.dumps, unfiltered) is LIKE '%"node_role_kubernetes_io": "infra"%'
   * (a LIKE: each `_` there matches any character); else 'worker'. A node without node-label rows
   * that month gets no role. Key: month + node + resource_id -> role.
   *
   * Known simplification (as spec C.3 states it): Koku stores roles in reporting_ocp_nodes, where
   * populate_node_table only sets a role on a row that has none, so in Koku a node keeps the role
   * of the first month it was seen (per node, resource_id, cores). This differs from per-month
   * derivation only when a node's role changes between months or its label rows disappear.
   */
  private nodeRoles(dayInfo: (day: number) => { month: string }): Map<string, "master" | "infra" | "worker"> {
    // (month, node) -> does any label text say infra. Presence = the node has label rows that month.
    const labelInfo = new Map<string, boolean>();
    const inferCache = new Map<number, boolean>();
    for (const [k, pids] of this.nodeLabelsDaily) {
      const i = k.indexOf(SEP);
      const mk = dayInfo(Number(k.slice(0, i))).month + SEP + k.slice(i + 1);
      let infra = labelInfo.get(mk) ?? false;
      for (const p of pids) {
        let v = inferCache.get(p);
        if (v === undefined) inferCache.set(p, (v = likeMatch(this.labels.pyText[p], INFRA_LIKE)));
        infra ||= v;
      }
      labelInfo.set(mk, infra);
    }
    const master = new Map<string, boolean>();
    for (const d of this.podDaily) {
      if (d.node === "" || d.resourceId === null) continue; // NULL never joins / never matched later
      const month = dayInfo(d.day).month;
      if (!labelInfo.has(month + SEP + d.node)) continue;
      const k = month + SEP + d.node + SEP + d.resourceId;
      master.set(k, (master.get(k) ?? false) || d.namespace === MASTER_NAMESPACE);
    }
    const roles = new Map<string, "master" | "infra" | "worker">();
    for (const [k, isMaster] of master) {
      const mk = k.slice(0, k.lastIndexOf(SEP));
      roles.set(k, isMaster ? "master" : labelInfo.get(mk) ? "infra" : "worker");
    }
    return roles;
  }
}

/** Convenience: run a feeder against a fresh reference and return finish(). */
export async function computeDailySummary(
  feed: (sink: RowSink) => void | Promise<unknown>,
  options: ReferenceOptions = {},
): Promise<SummaryRow[]> {
  const ref = new DailySummaryReference(options);
  await feed(ref);
  return ref.finish();
}
