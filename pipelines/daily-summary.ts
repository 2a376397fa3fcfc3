// Koku's OpenShift daily summary (reporting_ocpusagelineitem_daily_summary, self-hosted PostgreSQL
// flavour, spec/koku-daily-summary.md A.2, A.3, A.5, Part C) as ONE polars plan: functions from
// LazyFrame to LazyFrame. Both modes apply exactly this plan; they differ only in how the inputs are
// read (eager DataFrames vs lazy scans) and in the engine that executes it.
//
// Shape of the plan (the heavy part is three group-bys over the hourly pod rows, each reading the
// pod table once; everything after them works on daily, per-entity tables):
//   pod hourly --(day, namespace, node, pod_labels)--> pod daily, folded over pod  (podUsageDaily)
//   pod hourly, storage + apiserver pods only --(day, namespace, node, pod, pod_labels)--> per-pod
//              daily rows (keptPodUsageDaily: cte_volume_nodes and node roles need a pod's own row)
//   pod hourly --(interval_start, node) max, (day, node) sum--> node capacity, cluster capacity
//   storage hourly --(day, namespace, node, pod, pvc, pv, ...)--> storage daily
//   node/namespace label hourly --(day, entity, raw labels) distinct--> label rows per day
//   labels: parsed once per DISTINCT raw string, merged once per DISTINCT (node, namespace, pod)
//           tuple in small side tables, joined back (never exploded per hourly row)
//   pod daily -> Pod rows; storage daily -> Storage rows; Pod rows -> Unallocated rows.
// Step 2 is one function per section of Koku's SQL, named after its CTEs (podRows, storageRows,
// cteVolumeNodes, cteNodeRole, unallocatedRows, ...). Performance devices are kept apart from the
// rules, each with a comment saying why: asCategorical, dropAnomalousRows, the derived effective-usage
// columns, and SummaryOptions.reuse (cache()).
//
// Execution: step 1 (the only part whose input is the hourly rows) is collected table by table
// with the mode's engine (pipelines/run-job.ts); summarizeDaily() (step 2, per-entity daily tables)
// then runs on the same engine. dailySummary() composes the two into one query, which gives the
// same rows, but polars 0.26.1 re-derives the daily tables for every branch that reads them: 14 s
// instead of 0.5 s at the "large" scale, 3.8 GB peak on the streaming engine.
//
// Plan check (describeOptimizedPlan, nodejs-polars 0.26.1, which has no way to print the
// streaming engine's physical graph): each step-1 pod query is one Parquet SCAN (PROJECT 15/19
// columns for the folded rows, 16/19 for the per-pod rows, 12/19 for capacity; hive partitioning
// off) -> SELECT casts -> FILTER (the per-pod rows' pods) -> WITH_COLUMNS anomaly flag -> FILTER
// on it (not pushed into the scan) -> WITH_COLUMNS (day, effective usage, categorical keys) ->
// AGGREGATE [maintain_order: false] (two for capacity): only scan / map / filter / group-by nodes,
// which the streaming engine runs natively (no sort, join, explode or window in step 1). The
// stage profile (bench/aggregate.ts) counts the pod scans per query from these plans: 1 each.
import pl from "nodejs-polars";
import type { DataFrame, DataType, Expr, LazyDataFrame } from "nodejs-polars";
import { SUMMARY_COLUMNS, SUMMARY_MEASURE_COLUMNS, type EnabledTagKeys } from "../src/contract/summary-schema.ts";
import { ALWAYS_ENABLED_TAG_KEYS, PLATFORM_COST_CATEGORY_ID, PLATFORM_NAMESPACE_PATTERNS } from "./koku-rules.ts";
import { MEASURE_COLUMNS } from "../src/contract/input-tables.ts";
import { JSON_STRING_ESCAPES } from "./json-string.ts";

const col = pl.col;
const lit = pl.lit;

/** The four hourly inputs, columns as nise names them; interval_start Datetime, measures Float64, empty text null. */
export interface SummaryInputs {
  pod: LazyDataFrame;
  storage: LazyDataFrame;
  nodeLabels: LazyDataFrame;
  namespaceLabels: LazyDataFrame;
}

export interface SummaryOptions {
  /** null = every label key enabled (streambench's default); vm_kubevirt_io_name is always enabled. */
  enabledTagKeys: EnabledTagKeys;
  /**
   * Called on each intermediate the summary reads more than once (or a section's result), with a
   * stage name. Default: cache() it. The stage profiler (run-job.ts) collects it instead, to time
   * each section on its own.
   */
  reuse?: (stage: string, lf: LazyDataFrame) => LazyDataFrame;
}

/**
 * Extra boolean column on the plan's output: true when a row's labels came from a label string in
 * which no `key:value` entry parses. The entry points turn it into a DataError and drop it.
 */
export const LABEL_ERROR_COLUMN = "__label_parse_error";

const GIB = 2 ** -30; // "gigabyte" is GiB (A.5 P8)
const ANOMALY_LIMIT = 1e18; // Koku drops rows with any measure above 1e18 (C.1, common.py 386-404)

/** A non-empty label string parses when at least one `|`-separated entry has exactly one `:`. */
export const PARSEABLE_LABELS_REGEX = "(^|\\|)[^|:]*:[^|:]*(\\||$)";

// ---------------------------------------------------------------------------------------------
// Small helpers

function f64(x: number): Expr {
  return lit(x).cast(pl.Float64);
}

/** Drop Koku's "anomalies": any measure above 1e18 (NULL measures are kept, as pandas does with NaN). */
function dropAnomalies(lf: LazyDataFrame, measures: readonly string[]): LazyDataFrame {
  if (measures.length === 0) return lf;
  return lf.filter(pl.anyHorizontal(measures.map((m) => col(m).gt(ANOMALY_LIMIT).fillNull(false))).not());
}

function withDay(lf: LazyDataFrame): LazyDataFrame {
  return lf.withColumns(col("interval_start").cast(pl.Date).alias("usage_start"));
}

/** "YYYY-MM" of usage_start: Koku runs the summary (and derives node roles) month by month (C.2, C.3). */
function monthOf(e: Expr): Expr {
  return e.dt.strftime("%Y-%m");
}

/** SQL LIKE pattern -> anchored regex: `%` any run, `_` any one character, everything else literal. */
export function likeToRegex(pattern: string): string {
  let out = "(?s)^";
  for (const ch of pattern) {
    if (ch === "%") out += ".*";
    else if (ch === "_") out += ".";
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return out + "$";
}

/**
 * cost_category_id: 1 when the namespace matches one of Koku's default Platform patterns with SQL
 * LIKE semantics, else NULL. Koku LEFT JOINs the pattern table with LIKE and takes max(); a
 * namespace matching two patterns would multiply the sums (A.5 P2), but the default patterns
 * cannot overlap (`openshift-%` does not match `openshift`), so one match at most.
 */
function costCategory(namespace: Expr): Expr {
  const matches = PLATFORM_NAMESPACE_PATTERNS.map((p) => namespace.str.contains(likeToRegex(p)).fillNull(false));
  return pl
    .when(pl.anyHorizontal(matches))
    .then(lit(PLATFORM_COST_CATEGORY_ID).cast(pl.Int32))
    .otherwise(lit(null).cast(pl.Int32));
}

/** 28, 29, 30 or 31: the days of the month of a Date (Gregorian leap years). */
function daysInMonthOf(date: Expr): Expr {
  const y = date.dt.year().cast(pl.Float64);
  const m = date.dt.month().cast(pl.Float64);
  const leap = y.modulo(4).eq(0).and(y.modulo(100).neq(0).or(y.modulo(400).eq(0)));
  return pl
    .when(m.eq(2))
    .then(pl.when(leap).then(f64(29)).otherwise(f64(28)))
    .when(m.isIn([4, 6, 9, 11]))
    .then(f64(30))
    .otherwise(f64(31));
}

/** The text as the inside of a JSON string literal (json-string.ts). */
function jsonEscape(e: Expr): Expr {
  return JSON_STRING_ESCAPES.reduce((text, [char, escaped]) => text.str.replaceAll(char, escaped, true), e);
}

// ---------------------------------------------------------------------------------------------
// Labels
//
// Internal canonical form of a (filtered) label set: "k1:v1|k2:v2" with keys unique and sorted,
// `label_` removed. Keys and values can contain neither `|` nor `:` (such entries never parse),
// so this form is unambiguous, cheap to compare and group on, and parses back with split().
// The empty set is "".

/**
 * Parse distinct raw nise label strings (column `raw`, non-null) as Koku's ingest does (C.1):
 * split on `|`; an entry is kept only when it splits on `:` into exactly two parts; every `label_`
 * in the key is removed (Python str.replace); empty values are kept; a later duplicate key wins.
 * Returns raw, canon (enabled keys only), infra (node_role_kubernetes_io == "infra" before
 * filtering, for node roles) and bad (non-empty string without one parseable entry).
 */
export function parseLabelStrings(raws: LazyDataFrame, enabled: EnabledTagKeys): LazyDataFrame {
  // Everything is keyed by the raw string itself (not by a row index): a subplan that is used twice
  // may be executed twice, and unique() does not promise the same order both times.
  const entries = raws
    .select(col("raw"), col("raw").str.split("|").alias("__entry"))
    .explode("__entry")
    .withRowIndex("__pos") // order of the entries within one string: a later duplicate key wins
    .withColumns(col("__entry").str.split(":").alias("__kv"))
    .filter(col("__kv").lst.lengths().eq(2))
    .select(
      col("raw"),
      col("__pos"),
      col("__kv").lst.get(0).str.replaceAll("label_", "", true).alias("key"),
      col("__kv").lst.get(1).alias("value"),
    )
    .groupBy(["raw", "key"], false)
    .agg(col("value").sortBy(col("__pos")).last().alias("value"));

  const infra = entries
    .filter(col("key").eq(lit("node_role_kubernetes_io")).and(col("value").eq(lit("infra"))))
    .select(col("raw"), lit(true).alias("infra"))
    .unique();

  const keys = enabled === null ? null : [...new Set([...ALWAYS_ENABLED_TAG_KEYS, ...enabled])];
  const kept = keys === null ? entries : entries.filter(col("key").isIn(keys));
  const canon = kept
    .groupBy("raw", false)
    .agg(pl.concatString([col("key"), col("value")], ":").sortBy(col("key")).alias("__entries"))
    .select(col("raw"), col("__entries").lst.join("|").alias("canon"));

  return raws
    .join(canon, { on: "raw", how: "left" })
    .join(infra, { on: "raw", how: "left" })
    .select(
      col("raw"),
      col("canon").fillNull(lit("")),
      col("infra").fillNull(lit(false)),
      col("raw").str.strip().neq(lit("")).and(col("raw").str.contains(PARSEABLE_LABELS_REGEX).not()).alias("bad"),
    );
}

/** Distinct values of a label column (null as ""), parsed once. */
function parsedLabelsOf(lf: LazyDataFrame, column: string, enabled: EnabledTagKeys): LazyDataFrame {
  return parseLabelStrings(lf.select(col(column).alias("raw")).unique(), enabled);
}

/**
 * Merge canonical label sets with jsonb `||` semantics (the last set wins on a duplicate key) and
 * render canonical JSON: keys sorted, compact separators, `"` and `\` escaped. Works on the
 * DISTINCT tuples of `columns` only (a small side table). Keys sort by UTF-8 bytes, which equals
 * UTF-16 order except between astral characters and U+E000-U+FFFF (not expected in label keys).
 * Deliberately not the reference's canonicalLabels (contract/summary-schema.ts): validation compares the two.
 */
export function mergeLabelSets(tuples: LazyDataFrame, columns: readonly string[], output: string): LazyDataFrame {
  const keyCols = columns.map((c) => col(c));
  const distinct = tuples.select(keyCols).unique();
  const parts = columns.map((c, prio) =>
    distinct
      .select([...keyCols, lit(prio).cast(pl.Int32).alias("__prio"), col(c).str.split("|").alias("__entry")])
      .explode("__entry")
      .filter(col("__entry").neq(lit("")).and(col("__entry").isNotNull())),
  );
  const json = pl
    .concat(parts, { how: "vertical" })
    .withColumns(col("__entry").str.split(":").alias("__kv"))
    .select([...keyCols, col("__prio"), col("__kv").lst.get(0).alias("key"), col("__kv").lst.get(1).alias("value")])
    .groupBy([...columns, "key"], false)
    .agg(col("value").sortBy(col("__prio")).last().alias("value"))
    .select([
      ...keyCols,
      col("key"),
      pl.concatString([lit('"'), jsonEscape(col("key")), lit('":"'), jsonEscape(col("value")), lit('"')], "").alias("__pair"),
    ])
    .groupBy([...columns], false)
    .agg(col("__pair").sortBy(col("key")).alias("__pairs"))
    .select([...keyCols, pl.concatString([lit("{"), col("__pairs").lst.join(","), lit("}")], "").alias(output)]);
  // tuples whose sets are all empty have no entries: they get "{}"
  return distinct.join(json, { on: [...columns], how: "left" }).select([...keyCols, col(output).fillNull(lit("{}"))]);
}

/**
 * Label rows per (day, entity): Koku's `cte_ocp_*_label_line_item_daily`, which groups by the
 * enabled-key-filtered label map. If an entity's (enabled) labels change within a day there are
 * several rows for that (day, entity) and every usage row joining them is counted once per row:
 * Koku quirk A.5 P1, reproduced by joining to all of them.
 */
function dailyLabelRows(
  rawDaily: LazyDataFrame,
  entity: string,
  enabled: EnabledTagKeys,
): { daily: LazyDataFrame; byRaw: LazyDataFrame } {
  const byRaw = parseLabelStrings(rawDaily.select(col("raw")).unique(), enabled);
  const daily = rawDaily
    .join(byRaw, { on: "raw", how: "left" })
    .groupBy(["usage_start", entity, "canon"], false)
    .agg(col("bad").max().alias("bad"), col("infra").max().alias("infra"))
    .select(col("usage_start"), col(entity), col("canon"), col("bad"), col("infra"));
  return { daily, byRaw };
}

// ---------------------------------------------------------------------------------------------
// Summary columns and the eight pod measures (written once, used by every section)

const POD_MEASURES = MEASURE_COLUMNS.pod;
const STORAGE_MEASURES = MEASURE_COLUMNS.storage;

function summaryDtype(c: string): DataType {
  if (c === "usage_start") return pl.Date;
  if (c === "cost_category_id") return pl.Int32;
  return (SUMMARY_MEASURE_COLUMNS as readonly string[]).includes(c) ? pl.Float64 : pl.Utf8;
}

/** Select the summary columns in canonical order; columns not given are NULL of the right type. */
function summaryFrame(lf: LazyDataFrame, given: Record<string, Expr>): LazyDataFrame {
  return lf.select([
    ...SUMMARY_COLUMNS.map((c) => (given[c] ?? lit(null)).cast(summaryDtype(c)).alias(c)),
    (given[LABEL_ERROR_COLUMN] ?? lit(false)).cast(pl.Bool).alias(LABEL_ERROR_COLUMN),
  ]);
}

/**
 * The eight pod measures: the hourly column summed per day (effective usage = max(usage, request)
 * per HOURLY row, skipping NULL: A.5 P7, derived as its own column first), the column of its daily
 * sum in the plan, and its summary column (seconds / 3600, memory bytes x 2^-30). `unallocated`:
 * Koku's unallocated rows subtract it from the node's capacity (usage, request, effective; not limit).
 */
interface PodSum {
  daily: string;
  hourly: string;
  derive?: () => Expr;
  summary: string;
  memory: boolean;
  unallocated: boolean;
}

const POD_SUMS: readonly PodSum[] = [
  { daily: "u_cpu", hourly: "pod_usage_cpu_core_seconds", summary: "pod_usage_cpu_core_hours", memory: false, unallocated: true },
  { daily: "r_cpu", hourly: "pod_request_cpu_core_seconds", summary: "pod_request_cpu_core_hours", memory: false, unallocated: true },
  {
    daily: "e_cpu",
    hourly: "__effective_cpu_core_seconds",
    derive: () => pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]),
    summary: "pod_effective_usage_cpu_core_hours",
    memory: false,
    unallocated: true,
  },
  { daily: "l_cpu", hourly: "pod_limit_cpu_core_seconds", summary: "pod_limit_cpu_core_hours", memory: false, unallocated: false },
  { daily: "u_mem", hourly: "pod_usage_memory_byte_seconds", summary: "pod_usage_memory_gigabyte_hours", memory: true, unallocated: true },
  { daily: "r_mem", hourly: "pod_request_memory_byte_seconds", summary: "pod_request_memory_gigabyte_hours", memory: true, unallocated: true },
  {
    daily: "e_mem",
    hourly: "__effective_memory_byte_seconds",
    derive: () => pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]),
    summary: "pod_effective_usage_memory_gigabyte_hours",
    memory: true,
    unallocated: true,
  },
  { daily: "l_mem", hourly: "pod_limit_memory_byte_seconds", summary: "pod_limit_memory_gigabyte_hours", memory: true, unallocated: false },
];

const POD_SUM_COLUMNS = POD_SUMS.map((m) => m.daily);

/** A daily sum (seconds) as its summary column: core-hours, or GiB-hours for memory. */
function podSumHours(m: PodSum): Expr {
  const hours = col(m.daily).div(3600);
  return m.memory ? hours.mul(GIB) : hours;
}

// ---------------------------------------------------------------------------------------------
// Step 1: Koku's hourly -> daily roll-ups (ocp_post_processor + common.py, C.1). The only steps
// whose input is the hourly rows: the heavy, data-sized part of the plan.

/** openshift-kube-apiserver: a node that ran it is a master (node roles, C.3). */
const APISERVER_NAMESPACE = "openshift-kube-apiserver";

const ANOMALY_FLAG = "__anomaly";

/**
 * Koku drops "anomalies" (rows with any measure above 1e18) before any roll-up. Performance only:
 * the flag is computed as a column and the filter is on that column, so polars keeps the filter
 * right below the group-by instead of pushing the ten comparisons into the parquet scan as a scan
 * predicate (measured on the streaming engine at production-large: ~170 MB less peak, less CPU).
 * Same rows dropped as dropAnomalies().
 */
function dropAnomalousRows(lf: LazyDataFrame, measures: readonly string[]): LazyDataFrame {
  if (measures.length === 0) return lf;
  const anomaly = pl.anyHorizontal(measures.map((m) => col(m).gt(ANOMALY_LIMIT).fillNull(false)));
  return lf.withColumns(anomaly.alias(ANOMALY_FLAG)).filter(col(ANOMALY_FLAG).not()).drop(ANOMALY_FLAG);
}

/**
 * Performance only: group text keys as Categorical (equal strings <=> equal categories, NULL stays
 * NULL), cast back to String after the group-by. The group-by then hashes and stores small integers
 * instead of strings of up to ~100 bytes: less peak memory on the streaming engine and less CPU on
 * the in-memory one (bench/aggregate.ts prints both per stage).
 */
function asCategorical(lf: LazyDataFrame, columns: string[]): LazyDataFrame {
  return lf.withColumns(col(columns).cast(pl.Categorical));
}

/**
 * Koku's pod usage daily roll-up: per (day, namespace, node, pod, pod_labels) the sums of the
 * *_seconds (effective usage per hourly row first), max of resource_id and of the capacity columns
 * (pandas groupby dropna=False: NULL keys form their own group; a sum over only NULLs is 0, as in
 * polars), with `textKeys` the text keys used. Performance only: the effective usage is derived as
 * its own column before the group-by, so every aggregation is a plain column sum or max, which the
 * in-memory engine runs on its fast path (~2 s less CPU at production-large than summing the
 * max_horizontal expression inside the aggregation).
 */
function podRollup(podHourly: LazyDataFrame, textKeys: string[]): LazyDataFrame {
  const rows = withDay(dropAnomalousRows(podHourly, POD_MEASURES)).withColumns(
    ...POD_SUMS.filter((m) => m.derive).map((m) => m.derive!().alias(m.hourly)),
  );
  return asCategorical(rows, textKeys)
    .groupBy(["usage_start", ...textKeys], false)
    .agg(
      col("resource_id").max().alias("resource_id"),
      ...POD_SUMS.map((m) => col(m.hourly).sum().alias(m.daily)),
      col("node_capacity_cpu_cores").max().alias("cap_cores"),
      col("node_capacity_memory_bytes").max().alias("cap_mem_bytes"),
    )
    .withColumns(col(textKeys).cast(pl.Utf8));
}

/**
 * The pod daily rows as the Pod rows read them: folded over `pod` (the Pod rows' GROUP BY has no
 * pod; sums of sums and max of max of Koku's per-pod daily rows are the sums and max of the hourly
 * rows). Per (day, namespace, node, pod_labels); at production-large 124,000 groups instead of
 * 620,000 per pod, and the pod column is never read (reading it cost ~0.5 GB of peak on the
 * streaming engine).
 */
export function podUsageDaily(podHourly: LazyDataFrame): LazyDataFrame {
  return podRollup(podHourly, ["namespace", "node", "pod_labels"]);
}

/**
 * Koku's own per-pod daily rows, for the only two steps that need a pod's own row:
 * cte_volume_nodes (storage rows join pod rows on namespace and pod) and the node roles (a node
 * is master when one of its pod-days ran in openshift-kube-apiserver, looked up by that pod-day's
 * max resource_id). So only the pods named in the storage rows (`keepPods`) and the pods of
 * openshift-kube-apiserver: a few thousand rows.
 */
export function keptPodUsageDaily(podHourly: LazyDataFrame, keepPods: readonly string[]): LazyDataFrame {
  const kept = (keepPods.length > 0 ? col("pod").isIn([...keepPods]).fillNull(false) : lit(false)).or(
    col("namespace").eq(lit(APISERVER_NAMESPACE)).fillNull(false),
  );
  return podRollup(podHourly.filter(kept), ["namespace", "node", "pod", "pod_labels"]);
}

/**
 * cte_ocp_node_capacity: per (interval_start, node) the max of the capacity seconds (the value is
 * repeated on every pod row of that hour), then summed per (day, node). Reads the hourly rows.
 */
export function nodeCapacity(podHourly: LazyDataFrame): LazyDataFrame {
  const hourly = dropAnomalousRows(podHourly, POD_MEASURES)
    .groupBy(["interval_start", "node"], false)
    .agg(
      col("node_capacity_cpu_core_seconds").max().alias("nc_cpu"),
      col("node_capacity_memory_byte_seconds").max().alias("nc_mem"),
    );
  return withDay(hourly)
    .groupBy(["usage_start", "node"], false)
    .agg(col("nc_cpu").sum().alias("nc_cpu"), col("nc_mem").sum().alias("nc_mem"));
}

/** Koku's storage daily roll-up: max capacity bytes, sums of the three byte-second columns. */
export function storageDaily(storageHourly: LazyDataFrame): LazyDataFrame {
  return withDay(dropAnomalies(storageHourly, STORAGE_MEASURES))
    .groupBy(
      [
        "usage_start",
        "namespace",
        "node",
        "pod",
        "persistentvolumeclaim",
        "persistentvolume",
        "storageclass",
        "csi_volume_handle",
        "persistentvolume_labels",
        "persistentvolumeclaim_labels",
      ],
      false,
    )
    .agg(
      col("persistentvolumeclaim_capacity_bytes").max().alias("cap_bytes"),
      col("persistentvolumeclaim_capacity_byte_seconds").sum().alias("cap_bs"),
      col("volume_request_storage_byte_seconds").sum().alias("req_bs"),
      col("persistentvolumeclaim_usage_byte_seconds").sum().alias("use_bs"),
    );
}

/** The pods named in the daily storage rows (keptPodUsageDaily keeps their own daily rows). */
export function storagePods(storageDailyRows: DataFrame): string[] {
  const pods = storageDailyRows.select(col("pod")).unique().getColumn("pod").toArray() as (string | null)[];
  return pods.filter((p): p is string => p !== null).sort();
}

/** The hourly rows with fromMs <= interval_start < toMs (epoch ms): a window of whole days. */
export function withinWindow(hourly: LazyDataFrame, fromMs: number, toMs: number): LazyDataFrame {
  return hourly.filter(
    col("interval_start")
      .gtEq(lit(new Date(fromMs)).cast(pl.Datetime("ms")))
      .and(col("interval_start").lt(lit(new Date(toMs)).cast(pl.Datetime("ms")))),
  );
}

/** Distinct (day, entity, raw label string) of an hourly label table. */
export function labelsDaily(hourly: LazyDataFrame, entity: string, labelColumn: string): LazyDataFrame {
  return withDay(hourly)
    .select(col("usage_start"), col(entity), col(labelColumn).fillNull(lit("")).alias("raw"))
    .unique();
}

/**
 * The daily tables every later step reads. These are the only steps whose input is the hourly
 * rows (the heavy, data-sized part); everything after them works on per-entity daily rows.
 */
export interface DailyTables {
  /** podUsageDaily(): per (day, namespace, node, pod_labels), folded over pod. */
  podDaily: LazyDataFrame;
  /** keptPodUsageDaily(): per (day, namespace, node, pod, pod_labels), storage and apiserver pods only. */
  keptPodDaily: LazyDataFrame;
  /** nodeCapacity(): per (day, node). */
  nodeCapacity: LazyDataFrame;
  /** storageDaily(): per (day, namespace, node, pod, pvc, pv, storageclass, csi_volume_handle, labels). */
  storageDaily: LazyDataFrame;
  /** labelsDaily(): distinct (usage_start, node, raw). */
  nodeLabelsDaily: LazyDataFrame;
  /** labelsDaily(): distinct (usage_start, namespace, raw). */
  namespaceLabelsDaily: LazyDataFrame;
}

/**
 * Step 1 for callers that run it as one plan (the tests): the daily tables of the hourly inputs.
 * The storage daily rows are collected first (they are small) for the pods keptPodUsageDaily keeps.
 */
export function reduceHourly(inputs: SummaryInputs): DailyTables {
  const storage = storageDaily(inputs.storage).collectSync({ engine: "in-memory" });
  return {
    podDaily: podUsageDaily(inputs.pod),
    keptPodDaily: keptPodUsageDaily(inputs.pod, storagePods(storage)),
    nodeCapacity: nodeCapacity(inputs.pod),
    storageDaily: storage.lazy(),
    nodeLabelsDaily: labelsDaily(inputs.nodeLabels, "node", "node_labels"),
    namespaceLabelsDaily: labelsDaily(inputs.namespaceLabels, "namespace", "namespace_labels"),
  };
}

/** The daily summary in one plan (after the small storage step): summarizeDaily(reduceHourly(inputs)). */
export function dailySummary(inputs: SummaryInputs, options: SummaryOptions): LazyDataFrame {
  return summarizeDaily(reduceHourly(inputs), options);
}

// ---------------------------------------------------------------------------------------------
// Step 2: Koku's summary SQL, one function per section, named after its CTEs. Every input is a
// daily, per-entity table (about 1/24 of the hourly rows or fewer).

/** Intermediates read more than once, and section results, go through this (see SummaryOptions.reuse). */
type Reuse = (stage: string, lf: LazyDataFrame) => LazyDataFrame;

/** cte_ocp_cluster_capacity: per day, the sum over nodes of the node capacity seconds. */
function cteOcpClusterCapacity(nodeCapacityDaily: LazyDataFrame): LazyDataFrame {
  return nodeCapacityDaily
    .groupBy("usage_start", false)
    .agg(col("nc_cpu").sum().alias("cc_cpu"), col("nc_mem").sum().alias("cc_mem"));
}

/**
 * cte_ocp_node_label_line_item_daily and cte_ocp_namespace_label_line_item_daily, as the Pod and
 * Storage branches join them: per (day, entity) the enabled-key-filtered label set as `prefix`
 * (canonical form) and `prefix_bad` (dailyLabelRows() derives them).
 */
function cteLabelLineItemDaily(labelRows: LazyDataFrame, entity: string, prefix: string, reuse: Reuse): LazyDataFrame {
  return reuse(
    "label rows",
    labelRows.select(col("usage_start"), col(entity), col("canon").alias(prefix), col("bad").alias(`${prefix}_bad`)),
  );
}

/** Label parse errors of the joined label sets: true when any of them did not parse. */
function anyLabelError(prefixes: string[]): Expr {
  return pl.anyHorizontal(prefixes.map((p) => col(`${p}_bad`).fillNull(false))).max().alias("bad");
}

/** The eight daily pod sums summed once more, resource_id and capacities max (a fold of pod daily rows). */
function podSumsFolded(): Expr[] {
  return [
    col("resource_id").max().alias("resource_id"),
    ...POD_SUM_COLUMNS.map((c) => col(c).sum().alias(c)),
    col("cap_cores").max().alias("cap_cores"),
    col("cap_mem_bytes").max().alias("cap_mem_bytes"),
  ];
}

/**
 * The Pod branch (data_source 'Pod'): pod daily rows with `node != ''` (which drops NULL nodes
 * too), labels merged node < namespace < pod (jsonb ||: the later set wins, A.2/A.3), grouped by
 * (day, namespace, node, merged labels); node and cluster capacity joined per (day, node) and day.
 */
function podRows(
  podDaily: LazyDataFrame,
  nodeLabels: LazyDataFrame,
  namespaceLabels: LazyDataFrame,
  nodeCapacityDaily: LazyDataFrame,
  enabled: EnabledTagKeys,
  reuse: Reuse,
): LazyDataFrame {
  const folded = podDaily
    .filter(col("node").neq(lit("")).fillNull(false))
    // pod is not a key of the Pod rows: fold the pods of one (day, namespace, node, pod_labels)
    // first, so the label joins below see far fewer rows
    .groupBy(["usage_start", "namespace", "node", "pod_labels"], false)
    .agg(...podSumsFolded())
    .withColumns(col("pod_labels").fillNull(lit("")).alias("pl_raw"))
    .join(nodeLabels, { on: ["usage_start", "node"], how: "left" })
    .join(namespaceLabels, { on: ["usage_start", "namespace"], how: "left" });
  const podLabelsParsed = parsedLabelsOf(folded, "pl_raw", enabled).select(
    col("raw").alias("pl_raw"),
    col("canon").alias("pl"),
    col("bad").alias("pl_bad"),
  );
  const labelled = reuse(
    "pod label resolution",
    folded
      .join(podLabelsParsed, { on: "pl_raw", how: "left" })
      .withColumns(col("nl").fillNull(lit("")), col("ns").fillNull(lit("")), col("pl").fillNull(lit(""))),
  );
  // precedence pod > namespace > node
  const merged = mergeLabelSets(labelled, ["nl", "ns", "pl"], "pod_labels_json");
  const grouped = labelled
    .join(merged, { on: ["nl", "ns", "pl"], how: "left" })
    .groupBy(["usage_start", "namespace", "node", "pod_labels_json"], false)
    .agg(...podSumsFolded(), anyLabelError(["nl", "ns", "pl"]))
    .join(nodeCapacityDaily, { on: ["usage_start", "node"], how: "left" })
    .join(cteOcpClusterCapacity(nodeCapacityDaily), { on: "usage_start", how: "left" });
  return summaryFrame(grouped, {
    usage_start: col("usage_start"),
    data_source: lit("Pod"),
    namespace: col("namespace"),
    node: col("node"),
    resource_id: col("resource_id"),
    pod_labels: col("pod_labels_json"),
    all_labels: col("pod_labels_json"),
    cost_category_id: costCategory(col("namespace")),
    ...Object.fromEntries(POD_SUMS.map((m) => [m.summary, podSumHours(m)])),
    node_capacity_cpu_cores: col("cap_cores"),
    // self-hosted SQL: COALESCE(max(nc.*), 0) where Trino would leave NULL (A.3, A.5 P4)
    node_capacity_cpu_core_hours: col("nc_cpu").fillNull(f64(0)).div(3600),
    node_capacity_memory_gigabytes: col("cap_mem_bytes").mul(GIB),
    node_capacity_memory_gigabyte_hours: col("nc_mem").fillNull(f64(0)).div(3600).mul(GIB),
    cluster_capacity_cpu_core_hours: col("cc_cpu").fillNull(f64(0)).div(3600),
    cluster_capacity_memory_gigabyte_hours: col("cc_mem").fillNull(f64(0)).div(3600).mul(GIB),
    [LABEL_ERROR_COLUMN]: col("bad"),
  });
}

/**
 * cte_volume_nodes: daily storage rows INNER JOIN daily pod rows on (namespace, pod, day), distinct
 * (day, pvc, pv, pod, namespace, node, resource_id): the node a PVC's pod ran on. No node filter on
 * the pod side. (The per-pod rows of every pod the storage rows name: keptPodUsageDaily.)
 */
function cteVolumeNodes(storageDailyRows: LazyDataFrame, keptPodDaily: LazyDataFrame): LazyDataFrame {
  return storageDailyRows
    .select("usage_start", "persistentvolumeclaim", "persistentvolume", "pod", "namespace")
    .join(keptPodDaily.select("usage_start", "namespace", "pod", "node", "resource_id"), {
      on: ["usage_start", "namespace", "pod"],
      how: "inner",
    })
    .unique();
}

/** cte_shared_volume_node_count: count(DISTINCT node) per (day, pv); NULL nodes do not count. */
function cteSharedVolumeNodeCount(volumeNodes: LazyDataFrame): LazyDataFrame {
  return volumeNodes
    .groupBy(["usage_start", "persistentvolume"], false)
    .agg(col("node").dropNulls().nUnique().cast(pl.Float64).alias("node_count"));
}

/** The daily storage rows with the node their pod ran on, the PV's node count, and the node's and namespace's label sets. */
function storageWithNodes(storageDailyRows: LazyDataFrame, volumeNodes: LazyDataFrame, nodeLabels: LazyDataFrame, namespaceLabels: LazyDataFrame): LazyDataFrame {
  return storageDailyRows
    // LEFT JOIN vn ON (day, pvc, pod, namespace): a PVC whose pod has no pod row that day, and every
    // claimless PV (NULL pvc/pod/namespace never equal anything), gets NULL node and resource_id.
    // vn rows that differ only in pv fan out here, as in Koku.
    .join(
      volumeNodes.select(
        col("usage_start"),
        col("persistentvolumeclaim"),
        col("pod"),
        col("namespace"),
        col("node").alias("vn_node"),
        col("resource_id").alias("vn_resource_id"),
      ),
      { on: ["usage_start", "persistentvolumeclaim", "pod", "namespace"], how: "left" },
    )
    .join(cteSharedVolumeNodeCount(volumeNodes), { on: ["usage_start", "persistentvolume"], how: "left" })
    // node labels of the node the pod ran on (vn.node), namespace labels of the PVC's namespace
    .join(nodeLabels.rename({ node: "vn_node" }), { on: ["usage_start", "vn_node"], how: "left" })
    .join(namespaceLabels, { on: ["usage_start", "namespace"], how: "left" })
    .withColumns(
      col("persistentvolume_labels").fillNull(lit("")).alias("pv_raw"),
      col("persistentvolumeclaim_labels").fillNull(lit("")).alias("pvc_raw"),
    );
}

/**
 * The Storage branch (data_source 'Storage'): daily storage rows with the node their pod ran on
 * (NULL without a pod row that day), labels merged node < namespace < PV < PVC, request and usage
 * divided by the number of nodes the PV is mounted on; GiB-months with the month's real days.
 */
function storageRows(
  storageDailyRows: LazyDataFrame,
  keptPodDaily: LazyDataFrame,
  nodeLabels: LazyDataFrame,
  namespaceLabels: LazyDataFrame,
  enabled: EnabledTagKeys,
  reuse: Reuse,
): LazyDataFrame {
  const volumeNodes = reuse("storage volume nodes", cteVolumeNodes(storageDailyRows, keptPodDaily));
  const withNodes = storageWithNodes(storageDailyRows, volumeNodes, nodeLabels, namespaceLabels);
  const pvParsed = parsedLabelsOf(withNodes, "pv_raw", enabled).select(
    col("raw").alias("pv_raw"),
    col("canon").alias("pv"),
    col("bad").alias("pv_bad"),
  );
  const pvcParsed = parsedLabelsOf(withNodes, "pvc_raw", enabled).select(
    col("raw").alias("pvc_raw"),
    col("canon").alias("pvc"),
    col("bad").alias("pvc_bad"),
  );
  const labelled = reuse(
    "storage label resolution",
    withNodes
      .join(pvParsed, { on: "pv_raw", how: "left" })
      .join(pvcParsed, { on: "pvc_raw", how: "left" })
      .withColumns(col("nl").fillNull(lit("")), col("ns").fillNull(lit("")), col("pv").fillNull(lit("")), col("pvc").fillNull(lit(""))),
  );
  // precedence pvc > pv > namespace > node
  const merged = mergeLabelSets(labelled, ["nl", "ns", "pv", "pvc"], "volume_labels_json");
  const grouped = labelled
    .join(merged, { on: ["nl", "ns", "pv", "pvc"], how: "left" })
    // csi_volume_handle is a GROUP BY key in Koku although it is not copied to the summary table
    .groupBy(
      [
        "usage_start",
        "namespace",
        "vn_node",
        "vn_resource_id",
        "persistentvolumeclaim",
        "persistentvolume",
        "storageclass",
        "csi_volume_handle",
        "volume_labels_json",
      ],
      false,
    )
    .agg(
      col("cap_bytes").max(),
      // Koku quirk A.5 P3: capacity byte-seconds are summed over the per-pod daily rows and NOT
      // divided by the node count, so two pods mounting one PVC double it.
      col("cap_bs").sum(),
      // self-hosted SQL: sum / COALESCE(max(node_count), 1) (A.3; Trino gives NULL without a pod match)
      col("req_bs").sum().div(col("node_count").max().fillNull(f64(1))).alias("req_bs"),
      col("use_bs").sum().div(col("node_count").max().fillNull(f64(1))).alias("use_bs"),
      anyLabelError(["nl", "ns", "pv", "pvc"]),
    );
  // GiB-months use the real number of days of the usage_start month (A.5 P8)
  const daysInMonth = daysInMonthOf(col("usage_start"));
  const perMonth = (e: Expr) => e.div(lit(86400).cast(pl.Float64).mul(daysInMonth)).mul(GIB);
  return summaryFrame(grouped, {
    usage_start: col("usage_start"),
    data_source: lit("Storage"),
    namespace: col("namespace"),
    node: col("vn_node"),
    resource_id: col("vn_resource_id"),
    persistentvolumeclaim: col("persistentvolumeclaim"),
    persistentvolume: col("persistentvolume"),
    storageclass: col("storageclass"),
    volume_labels: col("volume_labels_json"),
    all_labels: col("volume_labels_json"),
    cost_category_id: costCategory(col("namespace")),
    persistentvolumeclaim_capacity_gigabyte: col("cap_bytes").mul(GIB),
    persistentvolumeclaim_capacity_gigabyte_months: perMonth(col("cap_bs")),
    volume_request_storage_gigabyte_months: perMonth(col("req_bs")),
    persistentvolumeclaim_usage_gigabyte_months: perMonth(col("use_bs")),
    [LABEL_ERROR_COLUMN]: col("bad"),
  });
}

/**
 * cte_node_role (C.3, reportdb_accessor_postgres get_nodes_query_sql), per month and per
 * (node, resource_id) of the daily pod rows: 'master' if the node ran openshift-kube-apiserver,
 * else 'infra' if one of its node-label sets has node_role_kubernetes_io = infra (checked on the
 * unfiltered labels, like Koku's LIKE on the JSON text), else 'worker'. The query LEFT JOINs the
 * node labels but filters on their columns in WHERE, so it is an inner join: a node without
 * node-label rows in that month gets no role.
 */
function cteNodeRole(podDaily: LazyDataFrame, keptPodDaily: LazyDataFrame, nodeLabelRows: LazyDataFrame): LazyDataFrame {
  const nodeInfra = nodeLabelRows
    .select(monthOf(col("usage_start")).alias("month"), col("node"), col("infra"))
    .groupBy(["month", "node"], false)
    .agg(col("infra").max().alias("infra"));
  // The (node, resource_id) pairs: the folded rows give every pair a Pod row can look up (a Pod
  // row's resource_id is the max of its rows, so it is some pod-day's max too). Whether a pair ran
  // openshift-kube-apiserver is read from the per-pod rows only, as Koku does per pod-day.
  const pairs = pl
    .concat([podDaily.select("usage_start", "node", "resource_id"), keptPodDaily.select("usage_start", "node", "resource_id")], {
      how: "vertical",
    })
    .select(monthOf(col("usage_start")).alias("month"), col("node"), col("resource_id"))
    .unique();
  const apiserver = keptPodDaily
    .filter(col("namespace").eq(lit(APISERVER_NAMESPACE)).fillNull(false))
    .select(monthOf(col("usage_start")).alias("month"), col("node"), col("resource_id"), lit(true).alias("apiserver"))
    .unique();
  return pairs
    .join(apiserver, { on: ["month", "node", "resource_id"], how: "left" })
    .join(nodeInfra, { on: ["month", "node"], how: "inner" })
    .select(
      col("month"),
      col("node"),
      col("resource_id"),
      pl
        .when(col("apiserver").fillNull(false))
        .then(lit("master"))
        .when(col("infra"))
        .then(lit("infra"))
        .otherwise(lit("worker"))
        .alias("node_role"),
    );
}

const UNALLOCATED_NAMESPACES = ["Platform unallocated", "Worker unallocated", "Network unattributed", "Storage unattributed"];

/**
 * cte_unallocated_capacity: per (node, day) of the Pod rows (not the unallocated namespaces, node
 * not NULL), node capacity minus the sum of the Pod rows' usage, request and effective usage (may
 * be negative); namespace 'Platform unallocated' for master and infra, 'Worker unallocated' for
 * worker, NULL without a role. Limit columns and pod_labels stay NULL.
 */
function unallocatedRows(pod: LazyDataFrame, roles: LazyDataFrame): LazyDataFrame {
  const subtracted = POD_SUMS.filter((m) => m.unallocated);
  const capacityOf = (m: PodSum) => (m.memory ? "node_capacity_memory_gigabyte_hours" : "node_capacity_cpu_core_hours");
  const grouped = pod
    // `namespace != '...'` is NULL for a NULL namespace, so Koku leaves those Pod rows out too
    .filter(col("namespace").isNotNull().and(col("namespace").isIn(UNALLOCATED_NAMESPACES).not()))
    .filter(col("node").isNotNull())
    .withColumns(monthOf(col("usage_start")).alias("month"))
    .join(roles, { on: ["month", "node", "resource_id"], how: "left" })
    .groupBy(["node", "usage_start"], false)
    .agg(
      // CASE max(node_role): string max, so 'worker' > 'master' > 'infra' if roles disagree
      col("node_role").max().alias("node_role"),
      col("resource_id").max().alias("resource_id"),
      ...subtracted.map((m) => col(m.summary).sum().alias(`pods_${m.summary}`)),
      col("node_capacity_cpu_cores").max(),
      col("node_capacity_cpu_core_hours").max(),
      col("node_capacity_memory_gigabytes").max(),
      col("node_capacity_memory_gigabyte_hours").max(),
      col("cluster_capacity_cpu_core_hours").max(),
      col("cluster_capacity_memory_gigabyte_hours").max(),
    )
    .withColumns(
      pl
        .when(col("node_role").isIn(["master", "infra"]))
        .then(lit("Platform unallocated"))
        .when(col("node_role").eq(lit("worker")))
        .then(lit("Worker unallocated"))
        .otherwise(lit(null).cast(pl.Utf8))
        .alias("namespace"),
    );
  return summaryFrame(grouped, {
    usage_start: col("usage_start"),
    data_source: lit("Pod"),
    namespace: col("namespace"),
    node: col("node"),
    resource_id: col("resource_id"),
    all_labels: lit("{}"), // COALESCE(NULL pod_labels,'{}') || COALESCE(NULL volume_labels,'{}')
    cost_category_id: costCategory(col("namespace")),
    ...Object.fromEntries(subtracted.map((m) => [m.summary, col(capacityOf(m)).sub(col(`pods_${m.summary}`))])),
    node_capacity_cpu_cores: col("node_capacity_cpu_cores"),
    node_capacity_cpu_core_hours: col("node_capacity_cpu_core_hours"),
    node_capacity_memory_gigabytes: col("node_capacity_memory_gigabytes"),
    node_capacity_memory_gigabyte_hours: col("node_capacity_memory_gigabyte_hours"),
    cluster_capacity_cpu_core_hours: col("cluster_capacity_cpu_core_hours"),
    cluster_capacity_memory_gigabyte_hours: col("cluster_capacity_memory_gigabyte_hours"),
  });
}

/** Step 2: Pod, Storage and Unallocated rows (SUMMARY_COLUMNS + LABEL_ERROR_COLUMN) from the daily tables. */
export function summarizeDaily(daily: DailyTables, options: SummaryOptions): LazyDataFrame {
  const enabled = options.enabledTagKeys;
  // Performance only: an intermediate read by several sections is cache()d, so polars computes it
  // once (0.26.1 does not find these common subplans itself across joins and concat). The stage
  // profiler collects it instead.
  const reuse: Reuse = options.reuse ?? ((_stage, lf) => lf.cache());
  // a section read once: a stage of its own only for the profiler
  const section: Reuse = options.reuse ?? ((_stage, lf) => lf);

  const nodeLabelRows = dailyLabelRows(daily.nodeLabelsDaily, "node", enabled).daily;
  const nodeLabels = cteLabelLineItemDaily(nodeLabelRows, "node", "nl", reuse);
  const namespaceLabels = cteLabelLineItemDaily(
    dailyLabelRows(daily.namespaceLabelsDaily, "namespace", enabled).daily,
    "namespace",
    "ns",
    reuse,
  );

  const pod = reuse("Pod rows", podRows(daily.podDaily, nodeLabels, namespaceLabels, daily.nodeCapacity, enabled, reuse));
  const storage = section(
    "Storage rows",
    storageRows(daily.storageDaily, daily.keptPodDaily, nodeLabels, namespaceLabels, enabled, reuse),
  );
  const unallocated = unallocatedRows(pod, cteNodeRole(daily.podDaily, daily.keptPodDaily, nodeLabelRows));

  // UNION of Pod and Storage (never equal: data_source differs), then the unallocated INSERT.
  return pl.concat([pod, storage, unallocated], { how: "vertical" });
}
