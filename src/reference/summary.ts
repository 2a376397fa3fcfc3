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
  private readonly mergeCache = new Map<number | string, MergedLabels>();
  private readonly mergedIds = new Map<string, number>();

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

  /**
   * The label set of fids merged left to right (jsonb `||`: the later set wins a duplicate key), as
   * canonical JSON with a small id. The id lets callers key groups by a number instead of the
   * (long) JSON text; the key of three small fids is a number, not a joined string (a speed trick:
   * the Pod branch merges once per daily pod row).
   */
  merge(fids: readonly number[]): MergedLabels {
    const key: number | string =
      fids.length === 3 && fids[0] < 2 ** 17 && fids[1] < 2 ** 17 && fids[2] < 2 ** 19
        ? (fids[0] * 2 ** 17 + fids[1]) * 2 ** 19 + fids[2]
        : fids.join(",");
    let merged = this.mergeCache.get(key);
    if (merged === undefined) {
      const m = new Map<string, string>();
      for (const f of fids) for (const [k, v] of this.fidMap[f]) m.set(k, v);
      const text = canonicalLabels(m);
      let id = this.mergedIds.get(text);
      if (id === undefined) this.mergedIds.set(text, (id = this.mergedIds.size));
      merged = { id, text };
      this.mergeCache.set(key, merged);
    }
    return merged;
  }
}

/** A merged, enabled-key filtered label set: canonical JSON and its id (equal text, equal id). */
interface MergedLabels {
  id: number;
  text: string;
}

/**
 * The eight pod sums of the daily roll-up and of the Pod branch (CPU core-seconds, memory
 * byte-seconds): usage, request, effective usage and limit, for CPU and memory. Every step that
 * adds them up uses addPodSums (or, for the hourly rows, addHourlyPodRow); podSumColumns turns
 * them into the summary's hour columns.
 */
interface PodSums {
  usageCpu: number;
  requestCpu: number;
  effectiveCpu: number;
  limitCpu: number;
  usageMem: number;
  requestMem: number;
  effectiveMem: number;
  limitMem: number;
}

function newPodSums(): PodSums {
  return { usageCpu: 0, requestCpu: 0, effectiveCpu: 0, limitCpu: 0, usageMem: 0, requestMem: 0, effectiveMem: 0, limitMem: 0 };
}

function addPodSums(into: PodSums, from: PodSums): void {
  into.usageCpu += from.usageCpu;
  into.requestCpu += from.requestCpu;
  // Daily effective is never NULL (pandas sum), so the SQL's coalesce(.., greatest(..)) never falls back.
  into.effectiveCpu += from.effectiveCpu;
  into.limitCpu += from.limitCpu;
  into.usageMem += from.usageMem;
  into.requestMem += from.requestMem;
  into.effectiveMem += from.effectiveMem;
  into.limitMem += from.limitMem;
}

/**
 * One hourly pod row into its day's sums (C.1): pandas sum skips NaN and gives 0 for an all-NaN
 * group; effective usage is taken per HOURLY row, before the daily sum (P7), and pandas
 * .max(axis=1) skips NaN.
 */
function addHourlyPodRow(d: PodSums, r: PodUsageRow): void {
  const uc = r.pod_usage_cpu_core_seconds;
  const rc = r.pod_request_cpu_core_seconds;
  const um = r.pod_usage_memory_byte_seconds;
  const rm = r.pod_request_memory_byte_seconds;
  if (uc !== null) d.usageCpu += uc;
  if (rc !== null) d.requestCpu += rc;
  if (r.pod_limit_cpu_core_seconds !== null) d.limitCpu += r.pod_limit_cpu_core_seconds;
  if (um !== null) d.usageMem += um;
  if (rm !== null) d.requestMem += rm;
  if (r.pod_limit_memory_byte_seconds !== null) d.limitMem += r.pod_limit_memory_byte_seconds;
  const ec = maxN(uc, rc);
  if (ec !== null) d.effectiveCpu += ec;
  const em = maxN(um, rm);
  if (em !== null) d.effectiveMem += em;
}

/** The Pod branch's eight measures: sums / 3600 (hours), memory also x 2^-30 (GiB). */
function podSumColumns(row: SummaryRow, s: PodSums): void {
  row.pod_usage_cpu_core_hours = s.usageCpu / 3600;
  row.pod_request_cpu_core_hours = s.requestCpu / 3600;
  row.pod_effective_usage_cpu_core_hours = s.effectiveCpu / 3600;
  row.pod_limit_cpu_core_hours = s.limitCpu / 3600;
  row.pod_usage_memory_gigabyte_hours = (s.usageMem / 3600) * GIB;
  row.pod_request_memory_gigabyte_hours = (s.requestMem / 3600) * GIB;
  row.pod_effective_usage_memory_gigabyte_hours = (s.effectiveMem / 3600) * GIB;
  row.pod_limit_memory_gigabyte_hours = (s.limitMem / 3600) * GIB;
}

/**
 * The label rows of one node or one namespace: per day, the distinct label sets (pids) seen
 * (openshift_node_labels_line_items_daily / openshift_namespace_labels_line_items_daily), and,
 * once finish() asks, the enabled-key filtered sets per day. `last*` remember the previous row's
 * day and raw text, which the next row of the same entity usually repeats.
 */
interface LabelDays {
  days: Map<number, Set<number>>;
  lastDay: number;
  lastSet: Set<number> | null;
  lastRaw: string | null;
  lastPid: number;
  fids: Map<number, readonly number[]>;
}

function newLabelDays(): LabelDays {
  return { days: new Map(), lastDay: NaN, lastSet: null, lastRaw: null, lastPid: -1, fids: new Map() };
}

/** openshift_pod_usage_line_items_daily: one row per (day, namespace, node, pod, pod_labels). */
interface PodDaily {
  day: number;
  series: PodSeries;
  sums: PodSums;
  resourceId: string | null;
  capacityCores: number | null;
  capacityMemBytes: number | null;
}

/** The daily rows of one (namespace, node, pod, pod label set); labels as stored (pid). */
interface PodSeries {
  namespace: string;
  node: string;
  pod: string;
  pid: number;
  nodeHours: NodeHours;
  nodeLabels: LabelDays;
  namespaceLabels: LabelDays;
  days: Map<number, PodDaily>;
  lastDay: number;
  last: PodDaily | null;
}

/**
 * How a pod row finds its series: one entry per spelling of (namespace, node, raw pod_labels),
 * chained per pod name. The generator and the CSV reader hand on the same string objects row
 * after row, so comparing them is a pointer check; two raw texts that parse to the same labels
 * get two entries pointing at one series.
 */
interface SeriesEntry {
  namespace: string;
  node: string;
  rawLabels: string;
  series: PodSeries;
  next: SeriesEntry | null;
}

/** openshift_storage_usage_line_items_daily: one row per (day, the ten storage keys). */
interface StorageDaily {
  day: number;
  series: StorageSeries;
  capacityBytes: number | null;
  capacityByteSeconds: number;
  requestByteSeconds: number;
  usageByteSeconds: number;
}

/** The daily rows of one set of the storage keys (labels as stored, pids). */
interface StorageSeries {
  namespace: string;
  node: string;
  pod: string;
  pvc: string;
  pv: string;
  storageclass: string;
  csiVolumeHandle: string;
  pvPid: number;
  pvcPid: number;
  namespaceLabels: LabelDays;
  days: Map<number, StorageDaily>;
  lastDay: number;
  last: StorageDaily | null;
}

/** As SeriesEntry, for storage rows: chained per persistent volume name. */
interface StorageEntry {
  namespace: string;
  node: string;
  pod: string;
  pvc: string;
  storageclass: string;
  csiDriver: string;
  csiVolumeHandle: string;
  rawPvLabels: string;
  rawPvcLabels: string;
  series: StorageSeries;
  next: StorageEntry | null;
}

/** Per (interval_start, node): max of the capacity seconds over that hour's pod rows. */
interface HourCapacity {
  day: number;
  node: string;
  cpu: number | null;
  mem: number | null;
}

/** A node seen on pod rows ("" = NULL): its hourly capacity, in the order hours arrive. */
interface NodeHours {
  hours: Map<number, HourCapacity>;
  lastHour: number;
  lastCap: HourCapacity | null;
}

interface Capacity {
  cpu: number | null;
  mem: number | null;
}

interface PodGroup {
  day: number;
  namespace: string;
  node: string;
  labels: string;
  sums: PodSums;
  resourceId: string | null;
  capacityCores: number | null;
  capacityMemBytes: number | null;
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

/** cte_volume_nodes as the Storage branch joins it, and cte_shared_volume_node_count. */
interface VolumeNodes {
  /** (day, pvc, pod, namespace) -> the distinct (pv, node, resource_id) of the PVC's pod that day. */
  byClaim: Map<string, VolumeNode[]>;
  /** (day, pv) -> distinct non-NULL nodes; present = the group exists. */
  nodesPerVolume: Map<string, Set<string>>;
}

/** A Pod row and its day (the unallocated step groups the Pod rows by day and node). */
interface PodRow {
  day: number;
  row: SummaryRow;
}

interface DayInfo {
  date: string;
  month: string;
  /** days in the month (storage GiB-months, P8) */
  dim: number;
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
 *
 * Speed (the generator feeds it 14.88 M rows at production-large): a row finds its series
 * through one Map lookup by pod (or PVC) name and pointer-equal string checks, then a last-day
 * cache; no key strings are built per row. None of this changes what is computed.
 */
export class DailySummaryReference implements RowSink {
  readonly counts: ReferenceCounts = { pod: 0, storage: 0, nodeLabel: 0, namespaceLabel: 0, anomaliesDropped: 0 };
  /** It keeps values from a row (strings, numbers), never the row object itself. */
  readonly borrowsRows = true;
  private readonly labels: LabelTable;
  /** openshift_pod_usage_line_items_daily, every row, in the order they were created. */
  private readonly podDaily: PodDaily[] = [];
  /** pod name -> its (namespace, node, raw labels) spellings. */
  private readonly seriesByPod = new Map<string, SeriesEntry>();
  /** (namespace, node, pod, label set) -> its daily rows. */
  private readonly podSeries = new Map<string, PodSeries>();
  /** Per node seen on pod rows ("" = NULL), in order of first appearance: hourly capacity. */
  private readonly nodeHours = new Map<string, NodeHours>();
  /** openshift_storage_usage_line_items_daily, every row, in the order they were created. */
  private readonly storageDaily: StorageDaily[] = [];
  /** persistent volume name -> its spellings of the other storage keys. */
  private readonly storageByVolume = new Map<string, StorageEntry>();
  private readonly storageSeries = new Map<string, StorageSeries>();
  /** openshift_node_labels_line_items_daily, per node. */
  private readonly nodeLabelDays = new Map<string, LabelDays>();
  /** openshift_namespace_labels_line_items_daily, per namespace. */
  private readonly namespaceLabelDays = new Map<string, LabelDays>();
  private readonly dayInfoCache = new Map<number, DayInfo>();
  private readonly categoryCache = new Map<string | null, number | null>();
  private finished = false;

  constructor(options: ReferenceOptions = {}) {
    this.labels = new LabelTable(options.enabledTagKeys ?? null);
  }

  // ---- ingest (C.1): hourly rows -> daily rows ----

  pod(r: PodUsageRow): void {
    this.counts.pod++;
    if (
      over(r.pod_usage_cpu_core_seconds) || over(r.pod_request_cpu_core_seconds) || over(r.pod_limit_cpu_core_seconds) ||
      over(r.pod_usage_memory_byte_seconds) || over(r.pod_request_memory_byte_seconds) ||
      over(r.pod_limit_memory_byte_seconds) || over(r.node_capacity_cpu_cores) || over(r.node_capacity_cpu_core_seconds) ||
      over(r.node_capacity_memory_bytes) || over(r.node_capacity_memory_byte_seconds)
    ) {
      this.counts.anomaliesDropped++;
      return;
    }
    const day = Math.floor(r.interval_start / DAY_MS);
    const series = this.podSeriesOf(r);

    // cte_ocp_node_capacity, inner step: per (usage_start, interval_start, node) the max over the
    // hour's pod rows (de-duplicates the value nise repeats on every pod row of that hour).
    const nh = series.nodeHours;
    let h: HourCapacity | null | undefined = nh.lastHour === r.interval_start ? nh.lastCap : nh.hours.get(r.interval_start);
    if (h == null) {
      h = { day, node: r.node, cpu: null, mem: null };
      nh.hours.set(r.interval_start, h);
    }
    nh.lastHour = r.interval_start;
    nh.lastCap = h;
    h.cpu = maxN(h.cpu, r.node_capacity_cpu_core_seconds);
    h.mem = maxN(h.mem, r.node_capacity_memory_byte_seconds);

    // Hourly -> daily roll-up, keys namespace, node, pod, pod_labels (the stored JSON text, so two
    // raw strings that parse to the same labels share a series).
    let d: PodDaily | null | undefined = series.lastDay === day ? series.last : series.days.get(day);
    if (d == null) {
      d = { day, series, sums: newPodSums(), resourceId: null, capacityCores: null, capacityMemBytes: null };
      series.days.set(day, d);
      this.podDaily.push(d);
    }
    series.lastDay = day;
    series.last = d;
    addHourlyPodRow(d.sums, r);
    d.resourceId = maxS(d.resourceId, nul(r.resource_id));
    d.capacityCores = maxN(d.capacityCores, r.node_capacity_cpu_cores);
    d.capacityMemBytes = maxN(d.capacityMemBytes, r.node_capacity_memory_bytes);
  }

  private podSeriesOf(r: PodUsageRow): PodSeries {
    const head = this.seriesByPod.get(r.pod);
    for (let e: SeriesEntry | null | undefined = head; e != null; e = e.next) {
      if (e.namespace === r.namespace && e.node === r.node && e.rawLabels === r.pod_labels) return e.series;
    }
    const pid = this.labels.pid(r.pod_labels);
    const sk = r.namespace + SEP + r.node + SEP + r.pod + SEP + pid;
    let series = this.podSeries.get(sk);
    if (series === undefined) {
      let nodeHours = this.nodeHours.get(r.node);
      if (nodeHours === undefined) this.nodeHours.set(r.node, (nodeHours = { hours: new Map(), lastHour: NaN, lastCap: null }));
      series = {
        namespace: r.namespace, node: r.node, pod: r.pod, pid, nodeHours,
        nodeLabels: labelDaysOf(this.nodeLabelDays, r.node), namespaceLabels: labelDaysOf(this.namespaceLabelDays, r.namespace),
        days: new Map(), lastDay: NaN, last: null,
      };
      this.podSeries.set(sk, series);
    }
    this.seriesByPod.set(r.pod, { namespace: r.namespace, node: r.node, rawLabels: r.pod_labels, series, next: head ?? null });
    return series;
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
    const series = this.storageSeriesOf(r);
    let d: StorageDaily | null | undefined = series.lastDay === day ? series.last : series.days.get(day);
    if (d == null) {
      d = { day, series, capacityBytes: null, capacityByteSeconds: 0, requestByteSeconds: 0, usageByteSeconds: 0 };
      series.days.set(day, d);
      this.storageDaily.push(d);
    }
    series.lastDay = day;
    series.last = d;
    d.capacityBytes = maxN(d.capacityBytes, r.persistentvolumeclaim_capacity_bytes);
    if (r.persistentvolumeclaim_capacity_byte_seconds !== null) d.capacityByteSeconds += r.persistentvolumeclaim_capacity_byte_seconds;
    if (r.volume_request_storage_byte_seconds !== null) d.requestByteSeconds += r.volume_request_storage_byte_seconds;
    if (r.persistentvolumeclaim_usage_byte_seconds !== null) d.usageByteSeconds += r.persistentvolumeclaim_usage_byte_seconds;
  }

  private storageSeriesOf(r: StorageUsageRow): StorageSeries {
    const head = this.storageByVolume.get(r.persistentvolume);
    for (let e: StorageEntry | null | undefined = head; e != null; e = e.next) {
      if (
        e.pod === r.pod && e.namespace === r.namespace && e.node === r.node && e.pvc === r.persistentvolumeclaim &&
        e.storageclass === r.storageclass && e.csiDriver === r.csi_driver && e.csiVolumeHandle === r.csi_volume_handle &&
        e.rawPvLabels === r.persistentvolume_labels && e.rawPvcLabels === r.persistentvolumeclaim_labels
      ) return e.series;
    }
    const pvPid = this.labels.pid(r.persistentvolume_labels);
    const pvcPid = this.labels.pid(r.persistentvolumeclaim_labels);
    const sk = r.namespace + SEP + r.node + SEP + r.pod + SEP + r.persistentvolumeclaim + SEP + r.persistentvolume + SEP +
      r.storageclass + SEP + r.csi_driver + SEP + r.csi_volume_handle + SEP + pvPid + SEP + pvcPid;
    let series = this.storageSeries.get(sk);
    if (series === undefined) {
      series = {
        namespace: r.namespace, node: r.node, pod: r.pod, pvc: r.persistentvolumeclaim, pv: r.persistentvolume,
        storageclass: r.storageclass, csiVolumeHandle: r.csi_volume_handle, pvPid, pvcPid,
        namespaceLabels: labelDaysOf(this.namespaceLabelDays, r.namespace), days: new Map(), lastDay: NaN, last: null,
      };
      this.storageSeries.set(sk, series);
    }
    this.storageByVolume.set(r.persistentvolume, {
      namespace: r.namespace, node: r.node, pod: r.pod, pvc: r.persistentvolumeclaim, storageclass: r.storageclass,
      csiDriver: r.csi_driver, csiVolumeHandle: r.csi_volume_handle, rawPvLabels: r.persistentvolume_labels,
      rawPvcLabels: r.persistentvolumeclaim_labels, series, next: head ?? null,
    });
    return series;
  }

  nodeLabel(r: NodeLabelRow): void {
    this.counts.nodeLabel++;
    if (r.node === "") return; // NULL node: joins nothing
    this.addLabelRow(labelDaysOf(this.nodeLabelDays, r.node), r.interval_start, r.node_labels);
  }

  namespaceLabel(r: NamespaceLabelRow): void {
    this.counts.namespaceLabel++;
    if (r.namespace === "") return;
    this.addLabelRow(labelDaysOf(this.namespaceLabelDays, r.namespace), r.interval_start, r.namespace_labels);
  }

  private addLabelRow(l: LabelDays, intervalStart: number, raw: string): void {
    const day = Math.floor(intervalStart / DAY_MS);
    if (raw !== l.lastRaw) {
      l.lastPid = this.labels.pid(raw);
      l.lastRaw = raw;
    }
    let set = l.lastDay === day ? l.lastSet : l.days.get(day);
    if (set == null) l.days.set(day, (set = new Set()));
    l.lastDay = day;
    l.lastSet = set;
    set.add(l.lastPid);
  }

  // ---- the summary SQL (A.3) and the unallocated step (C.4) ----

  /** The summary rows, Pod + Storage + unallocated, in no particular order (see sortSummaryRows). */
  finish(): SummaryRow[] {
    if (this.finished) throw new Error("DailySummaryReference.finish() called twice");
    this.finished = true;
    const nodeCapacity = this.cteOcpNodeCapacity();
    const clusterCapacity = cteOcpClusterCapacity(nodeCapacity);
    const podRows = this.podRows(nodeCapacity, clusterCapacity);
    const storageRows = this.storageRows(this.cteVolumeNodes());
    const unallocatedRows = this.unallocatedRows(podRows, this.cteNodeRole());
    const out: SummaryRow[] = [];
    for (const p of podRows) out.push(p.row);
    for (const r of storageRows) out.push(r);
    for (const r of unallocatedRows) out.push(r);
    return out;
  }

  /**
   * cte_ocp_node_label_line_item_daily / cte_ocp_namespace_label_line_item_daily: the
   * enabled-key filtered label sets of one node or namespace on a day, distinct after filtering
   * (the CTEs GROUP BY the filtered jsonb). More than one set = an intra-day label change: quirk
   * P1, every joined row fans out once per set. None -> LEFT JOIN NULL -> COALESCE '{}'.
   */
  private labelFids(l: LabelDays | undefined, day: number): readonly number[] {
    if (l === undefined) return EMPTY_ONLY;
    let fids = l.fids.get(day);
    if (fids !== undefined) return fids;
    const pids = l.days.get(day);
    if (pids === undefined) fids = EMPTY_ONLY;
    else {
      const set = new Set<number>();
      for (const p of pids) set.add(this.labels.pidToFid[p]);
      fids = [...set];
    }
    l.fids.set(day, fids);
    return fids;
  }

  /**
   * cte_ocp_node_capacity, outer step: per (day, node) the sum over hours of the hourly max; NULLs
   * skipped, all NULL -> NULL. The NULL/"" node forms a group of its own and counts in the
   * cluster total. node -> day -> capacity seconds, nodes in order of first appearance.
   */
  private cteOcpNodeCapacity(): Map<string, Map<number, Capacity>> {
    const nodeCapacity = new Map<string, Map<number, Capacity>>();
    for (const [node, nh] of this.nodeHours) {
      const byDay = new Map<number, Capacity>();
      nodeCapacity.set(node, byDay);
      for (const h of nh.hours.values()) {
        let c = byDay.get(h.day);
        if (c === undefined) byDay.set(h.day, (c = { cpu: null, mem: null }));
        if (h.cpu !== null) c.cpu = (c.cpu ?? 0) + h.cpu;
        if (h.mem !== null) c.mem = (c.mem ?? 0) + h.mem;
      }
    }
    return nodeCapacity;
  }

  /**
   * The Pod branch: openshift_pod_usage_line_items_daily LEFT JOIN the label CTEs, node and
   * cluster capacity, GROUP BY day, namespace, node and the merged labels (pod is not a key).
   */
  private podRows(nodeCapacity: Map<string, Map<number, Capacity>>, clusterCapacity: Map<number, Capacity>): PodRow[] {
    const podGroups = new Map<string, PodGroup>();
    for (const d of this.podDaily) {
      const s = d.series;
      if (s.node === "") continue; // WHERE li.node != '' (also drops NULL)
      const nodeF = this.labelFids(s.nodeLabels, d.day);
      const nsF = s.namespace === "" ? EMPTY_ONLY : this.labelFids(s.namespaceLabels, d.day);
      const podF = this.labels.pidToFid[s.pid];
      // Quirk P1 reproduced: one joined row per (node label set, namespace label set) of the day;
      // each carries the full daily sums, so usage is counted once per combination.
      for (const a of nodeF) {
        for (const b of nsF) {
          // Label precedence pod > namespace > node: node || namespace || pod.
          const labels = this.labels.merge([a, b, podF]);
          const gk = d.day + SEP + s.namespace + SEP + s.node + SEP + labels.id; // pod is not a key
          let g = podGroups.get(gk);
          if (g === undefined) {
            g = {
              day: d.day, namespace: s.namespace, node: s.node, labels: labels.text, sums: newPodSums(),
              resourceId: null, capacityCores: null, capacityMemBytes: null,
            };
            podGroups.set(gk, g);
          }
          addPodSums(g.sums, d.sums);
          g.resourceId = maxS(g.resourceId, d.resourceId);
          g.capacityCores = maxN(g.capacityCores, d.capacityCores);
          g.capacityMemBytes = maxN(g.capacityMemBytes, d.capacityMemBytes);
        }
      }
    }
    const rows: PodRow[] = [];
    for (const g of podGroups.values()) {
      const nc = nodeCapacity.get(g.node)?.get(g.day);
      const cc = clusterCapacity.get(g.day);
      const namespace = nul(g.namespace);
      const row = blankRow(this.dayInfo(g.day).date, "Pod");
      row.namespace = namespace;
      row.node = g.node;
      row.resource_id = g.resourceId;
      row.pod_labels = g.labels; // never NULL on a Pod row: {} when empty (P6)
      row.all_labels = g.labels; // COALESCE(pod_labels,'{}') || COALESCE(NULL,'{}')
      row.cost_category_id = this.category(namespace);
      podSumColumns(row, g.sums);
      row.node_capacity_cpu_cores = g.capacityCores;
      // Self-hosted flavour (A.3 / P4): COALESCE(max(capacity), 0), never NULL.
      row.node_capacity_cpu_core_hours = (nc?.cpu ?? 0) / 3600;
      row.node_capacity_memory_gigabytes = g.capacityMemBytes === null ? null : g.capacityMemBytes * GIB;
      row.node_capacity_memory_gigabyte_hours = ((nc?.mem ?? 0) / 3600) * GIB;
      row.cluster_capacity_cpu_core_hours = (cc?.cpu ?? 0) / 3600;
      row.cluster_capacity_memory_gigabyte_hours = ((cc?.mem ?? 0) / 3600) * GIB;
      rows.push({ day: g.day, row });
    }
    return rows;
  }

  /**
   * cte_volume_nodes: daily storage rows INNER JOIN daily pod rows on (namespace, pod, day),
   * distinct (day, pvc, pv, pod, namespace, node, resource_id). The pod rows are not filtered on
   * node here. NULL (empty) namespace or pod never joins (claimless PVs).
   * cte_shared_volume_node_count: per (day, pv) count(DISTINCT node), NULL nodes not counted.
   */
  private cteVolumeNodes(): VolumeNodes {
    // The daily pod rows of a (namespace, pod) are found through its series, then by day.
    const seriesByNsPod = new Map<string, PodSeries[]>();
    for (const s of this.podSeries.values()) {
      if (s.namespace === "" || s.pod === "") continue;
      const k = s.namespace + SEP + s.pod;
      let l = seriesByNsPod.get(k);
      if (l === undefined) seriesByNsPod.set(k, (l = []));
      l.push(s);
    }
    const byClaim = new Map<string, VolumeNode[]>();
    const nodesPerVolume = new Map<string, Set<string>>();
    for (const sd of this.storageDaily) {
      const s = sd.series;
      if (s.namespace === "" || s.pod === "") continue;
      const podSeries = seriesByNsPod.get(s.namespace + SEP + s.pod);
      if (podSeries === undefined) continue;
      // DISTINCT (day, pvc, pv, pod, namespace, node, resource_id): (day, pvc, pod, namespace) is
      // the byClaim key, so a (pv, node, resource_id) is added to its list once. Entries exist
      // only where a pod row joined (an empty list or set would read as a match).
      const jk = s.pvc === "" ? null : sd.day + SEP + s.pvc + SEP + s.pod + SEP + s.namespace;
      const ck = s.pv === "" ? null : sd.day + SEP + s.pv;
      for (const ps of podSeries) {
        const p = ps.days.get(sd.day);
        if (p === undefined) continue;
        const node = ps.node;
        if (jk !== null) {
          let l = byClaim.get(jk);
          if (l === undefined) byClaim.set(jk, (l = []));
          if (!l.some((v) => v.pv === s.pv && v.node === node && v.resourceId === p.resourceId)) {
            l.push({ pv: s.pv, node, resourceId: p.resourceId });
          }
        }
        if (ck !== null) {
          let set = nodesPerVolume.get(ck);
          if (set === undefined) nodesPerVolume.set(ck, (set = new Set()));
          if (node !== "") set.add(node); // count(DISTINCT node) ignores NULL
        }
      }
    }
    return { byClaim, nodesPerVolume };
  }

  /**
   * The Storage branch: openshift_storage_usage_line_items_daily LEFT JOIN cte_volume_nodes,
   * cte_shared_volume_node_count and the label CTEs, GROUP BY namespace, vn.node,
   * vn.resource_id, pvc, pv, storageclass, csi_volume_handle, day and the merged labels.
   */
  private storageRows(vn: VolumeNodes): SummaryRow[] {
    const NO_VOLUME_NODE: VolumeNode[] = [{ pv: "", node: "", resourceId: null }];
    const storageGroups = new Map<string, StorageGroup>();
    for (const sd of this.storageDaily) {
      const s = sd.series;
      const joinable = s.namespace !== "" && s.pod !== "" && s.pvc !== "";
      // LEFT JOIN cte_volume_nodes: no match (PVC whose pod has no pod-usage row that day, or a
      // claimless PV) -> NULL node and resource_id.
      const vns = (joinable && vn.byClaim.get(sd.day + SEP + s.pvc + SEP + s.pod + SEP + s.namespace)) || NO_VOLUME_NODE;
      let nodeCount = 1; // COALESCE(max(nc.node_count), 1): no (day, pv) match -> 1
      if (s.pv !== "") {
        const set = vn.nodesPerVolume.get(sd.day + SEP + s.pv);
        if (set !== undefined) {
          if (set.size === 0) {
            throw new DataError(
              `persistent volume ${s.pv} on ${this.dayInfo(sd.day).date} is mounted only by pods with an empty node: ` +
                "Koku's summary SQL would divide its storage request and usage by zero",
            );
          }
          nodeCount = set.size;
        }
      }
      const nsF = s.namespace === "" ? EMPTY_ONLY : this.labelFids(s.namespaceLabels, sd.day);
      const pvF = this.labels.pidToFid[s.pvPid];
      const pvcF = this.labels.pidToFid[s.pvcPid];
      for (const v of vns) {
        // Node labels join on vn.node (the node the PVC's pod ran on), not on the storage row's node.
        const nodeF = v.node === "" ? EMPTY_ONLY : this.labelFids(this.nodeLabelDays.get(v.node), sd.day);
        for (const a of nodeF) {
          for (const b of nsF) {
            // Precedence pvc > pv > namespace > node: node || namespace || pv || pvc. Fan-out as P1.
            const labels = this.labels.merge([a, b, pvF, pvcF]);
            const gk = s.namespace + SEP + v.node + SEP + (v.resourceId ?? "\u0001null") + SEP + s.pvc + SEP + s.pv +
              SEP + s.storageclass + SEP + s.csiVolumeHandle + SEP + sd.day + SEP + labels.id;
            let g = storageGroups.get(gk);
            if (g === undefined) {
              g = {
                day: sd.day, namespace: s.namespace, node: nul(v.node), resourceId: v.resourceId, pvc: s.pvc, pv: s.pv,
                storageclass: s.storageclass, labels: labels.text, capacityBytes: null, capacityByteSeconds: 0,
                requestByteSeconds: 0, usageByteSeconds: 0, nodeCount,
              };
              storageGroups.set(gk, g);
            }
            g.capacityBytes = maxN(g.capacityBytes, sd.capacityBytes);
            // Quirk P3 reproduced: capacity byte-seconds are summed over every daily row of the
            // group (one per pod mounting the PVC) and NOT divided by the node count.
            g.capacityByteSeconds += sd.capacityByteSeconds;
            g.requestByteSeconds += sd.requestByteSeconds;
            g.usageByteSeconds += sd.usageByteSeconds;
          }
        }
      }
    }
    const rows: SummaryRow[] = [];
    for (const g of storageGroups.values()) {
      const info = this.dayInfo(g.day);
      const perMonth = 86400 * info.dim; // real days of the usage_start month (P8)
      const namespace = nul(g.namespace);
      const row = blankRow(info.date, "Storage");
      row.namespace = namespace;
      row.node = g.node;
      row.resource_id = g.resourceId;
      row.persistentvolumeclaim = nul(g.pvc);
      row.persistentvolume = nul(g.pv);
      row.storageclass = nul(g.storageclass);
      row.volume_labels = g.labels; // never NULL on a Storage row
      row.all_labels = g.labels;
      row.cost_category_id = this.category(namespace);
      row.persistentvolumeclaim_capacity_gigabyte = g.capacityBytes === null ? null : g.capacityBytes * GIB;
      row.persistentvolumeclaim_capacity_gigabyte_months = (g.capacityByteSeconds / perMonth) * GIB;
      // sum(...) / COALESCE(max(nc.node_count), 1): request and usage shared among the PV's nodes.
      row.volume_request_storage_gigabyte_months = (g.requestByteSeconds / g.nodeCount / perMonth) * GIB;
      row.persistentvolumeclaim_usage_gigabyte_months = (g.usageByteSeconds / g.nodeCount / perMonth) * GIB;
      rows.push(row);
    }
    return rows;
  }

  /**
   * cte_unallocated_capacity and its INSERT (C.4): per (day, node) over the Pod rows just
   * written, node capacity minus the sums of usage, request and effective usage; the namespace
   * from the node's role (cte_node_role).
   */
  private unallocatedRows(podRows: readonly PodRow[], roles: Map<string, "master" | "infra" | "worker">): SummaryRow[] {
    const unallocated = new Map<string, {
      day: number; node: string; resourceId: string | null;
      usageCpu: number; requestCpu: number; effectiveCpu: number;
      usageMem: number; requestMem: number; effectiveMem: number;
      capCores: number | null; capCpuHours: number | null; capMemGib: number | null; capMemGibHours: number | null;
      clusterCpu: number | null; clusterMem: number | null;
    }>();
    for (const { day, row: r } of podRows) {
      // `lids.namespace != '...'` is NULL for a NULL namespace, so those Pod rows are left out too.
      if (r.namespace === null || UNALLOCATED_EXCLUDED.has(r.namespace)) continue;
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
    const rows: SummaryRow[] = [];
    for (const u of unallocated.values()) {
      const info = this.dayInfo(u.day);
      // LEFT JOIN cte_node_role ON (node, resource_id); CASE without ELSE: unknown role -> NULL.
      const role = u.resourceId === null ? undefined : roles.get(info.month + SEP + u.node + SEP + u.resourceId);
      const namespace = role === "master" || role === "infra" ? "Platform unallocated" : role === "worker" ? "Worker unallocated" : null;
      const minus = (cap: number | null, sum: number) => (cap === null ? null : cap - sum); // may be negative
      const row = blankRow(info.date, "Pod");
      row.namespace = namespace;
      row.node = u.node;
      row.resource_id = u.resourceId;
      row.pod_labels = null; // not inserted by the unallocated step (P6)
      row.all_labels = "{}";
      row.cost_category_id = this.category(namespace);
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
      rows.push(row);
    }
    return rows;
  }

  /**
   * cte_node_role: node roles, derived per month (C.3, reportdb_accessor_postgres.get_nodes_query_sql): per
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
  private cteNodeRole(): Map<string, "master" | "infra" | "worker"> {
    // (month, node) -> does any label text say infra. Presence = the node has label rows that month.
    const labelInfo = new Map<string, boolean>();
    const inferCache = new Map<number, boolean>();
    for (const [node, l] of this.nodeLabelDays) {
      for (const [day, pids] of l.days) {
        const mk = this.dayInfo(day).month + SEP + node;
        let infra = labelInfo.get(mk) ?? false;
        for (const p of pids) {
          let v = inferCache.get(p);
          if (v === undefined) inferCache.set(p, (v = likeMatch(this.labels.pyText[p], INFRA_LIKE)));
          infra ||= v;
        }
        labelInfo.set(mk, infra);
      }
    }
    const master = new Map<string, boolean>();
    for (const d of this.podDaily) {
      const s = d.series;
      if (s.node === "" || d.resourceId === null) continue; // NULL never joins / never matched later
      const month = this.dayInfo(d.day).month;
      if (!labelInfo.has(month + SEP + s.node)) continue;
      const k = month + SEP + s.node + SEP + d.resourceId;
      master.set(k, (master.get(k) ?? false) || s.namespace === MASTER_NAMESPACE);
    }
    const roles = new Map<string, "master" | "infra" | "worker">();
    for (const [k, isMaster] of master) {
      const mk = k.slice(0, k.lastIndexOf(SEP));
      roles.set(k, isMaster ? "master" : labelInfo.get(mk) ? "infra" : "worker");
    }
    return roles;
  }

  private dayInfo(day: number): DayInfo {
    let i = this.dayInfoCache.get(day);
    if (i === undefined) {
      const date = dayString(day);
      i = { date, month: monthKeyOfDay(day), dim: daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7))) };
      this.dayInfoCache.set(day, i);
    }
    return i;
  }

  private category(namespace: string | null): number | null {
    let c = this.categoryCache.get(namespace);
    if (c === undefined) this.categoryCache.set(namespace, (c = costCategoryId(namespace)));
    return c;
  }
}

/** cte_ocp_cluster_capacity: per day the sum over nodes of the node capacity seconds. */
function cteOcpClusterCapacity(nodeCapacity: Map<string, Map<number, Capacity>>): Map<number, Capacity> {
  const clusterCapacity = new Map<number, Capacity>();
  for (const byDay of nodeCapacity.values()) {
    for (const [day, c] of byDay) {
      let t = clusterCapacity.get(day);
      if (t === undefined) clusterCapacity.set(day, (t = { cpu: null, mem: null }));
      if (c.cpu !== null) t.cpu = (t.cpu ?? 0) + c.cpu;
      if (c.mem !== null) t.mem = (t.mem ?? 0) + c.mem;
    }
  }
  return clusterCapacity;
}

function labelDaysOf(map: Map<string, LabelDays>, name: string): LabelDays {
  let l = map.get(name);
  if (l === undefined) map.set(name, (l = newLabelDays()));
  return l;
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
