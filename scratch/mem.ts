import pl from "nodejs-polars";
import { discoverParquet, readParquetTable, scanParquetTable } from "../pipelines/read-inputs.ts";
import { podUsageDaily } from "../pipelines/daily-summary.ts";
const [dir, engine, ...variants] = process.argv.slice(2);
const input = { kind: "parquet" as const, dir };
const files = discoverParquet(dir);
const col = pl.col;
const c0 = process.cpuUsage();
const pod = engine === "streaming" ? scanParquetTable(files.pod, "pod", input) : (await readParquetTable(files.pod, "pod", input)).lazy();
const c1 = process.cpuUsage(c0); console.log(`read cpu ${Math.round((c1.user + c1.system) / 1000)}`);
const keep = process.env.KEEP === "real" ? (await import("../pipelines/daily-summary.ts")).storagePods((await import("../pipelines/daily-summary.ts")).storageDaily(scanParquetTable(files.storage, "storage", input)).collectSync()) : ["pod-1-10", "pod-2-33"];
console.log("keep", keep.length);
const day = (lf: any) => lf.withColumns(col("interval_start").cast(pl.Date).alias("usage_start"));
const aggs = () => [col("resource_id").max(), col("pod_usage_cpu_core_seconds").sum().alias("u_cpu"), col("pod_request_cpu_core_seconds").sum(),
  pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]).sum().alias("e_cpu"), col("pod_limit_cpu_core_seconds").sum(),
  col("pod_usage_memory_byte_seconds").sum(), col("pod_request_memory_byte_seconds").sum(),
  pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]).sum().alias("e_mem"), col("pod_limit_memory_byte_seconds").sum(),
  col("node_capacity_cpu_cores").max(), col("node_capacity_memory_bytes").max()];
const kept = () => col("pod").isIn(keep).fillNull(false).or(col("namespace").eq(pl.lit("openshift-kube-apiserver")).fillNull(false));
const V: Record<string, (...a: any[]) => any> = {
  simple0: (anom: boolean, podk: boolean, anomkey = false, catfirst = false, split = "") => {
    let base = pod;
    if (split === "fold") base = base.filter(kept().not());
    if (split === "kept") base = base.filter(kept());
    const extraKeys: string[] = [];
    if (anomkey) { base = base.withColumns(pl.anyHorizontal(["pod_usage_cpu_core_seconds","pod_request_cpu_core_seconds","pod_limit_cpu_core_seconds","pod_usage_memory_byte_seconds","pod_request_memory_byte_seconds","pod_limit_memory_byte_seconds","node_capacity_cpu_cores","node_capacity_cpu_core_seconds","node_capacity_memory_bytes","node_capacity_memory_byte_seconds"].map((m) => col(m).gt(1e18).fillNull(false))).alias("anom")); extraKeys.push("anom"); }
    if (anom) base = base.filter(pl.anyHorizontal(["pod_usage_cpu_core_seconds","pod_request_cpu_core_seconds","pod_limit_cpu_core_seconds","pod_usage_memory_byte_seconds","pod_request_memory_byte_seconds","pod_limit_memory_byte_seconds","node_capacity_cpu_cores","node_capacity_cpu_core_seconds","node_capacity_memory_bytes","node_capacity_memory_byte_seconds"].map((m) => col(m).gt(1e18).fillNull(false))).not());
    let b = day(base);
    const keys = ["namespace", "node", "pod_labels"];
    if (podk && catfirst) { b = b.withColumns(pl.when(kept()).then(col("pod").cast(pl.Categorical)).otherwise(pl.lit(null).cast(pl.Categorical)).alias("pod")); }
    else if (podk) { b = b.withColumns(pl.when(kept()).then(col("pod")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("pod")); keys.push("pod"); }
    if (podk && catfirst) keys.pop();
    return b.withColumns(col(keys).cast(pl.Categorical),
     pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]).alias("e_cpu_h"),
     pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]).alias("e_mem_h"))
    .groupBy(["usage_start", ...keys, ...extraKeys, ...(podk && catfirst ? ["pod"] : [])], false).agg(col("resource_id").max(), col(["pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "e_cpu_h", "pod_limit_cpu_core_seconds", "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "e_mem_h", "pod_limit_memory_byte_seconds"]).sum(), col("node_capacity_cpu_cores").max(), col("node_capacity_memory_bytes").max());
  },
  current: () => podUsageDaily(pod, keep),
  nocat: () => day(pod).withColumns(pl.when(kept()).then(col("pod")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("pod")).groupBy(["usage_start", "namespace", "node", "pod_labels", "pod"], false).agg(...aggs()),
  foldonly: () => day(pod).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs()),
  fold3: () => day(pod).groupBy(["usage_start", "namespace", "node"], false).agg(...aggs()),
  sums: () => pod.select(...aggs()),
  daykey: () => day(pod).groupBy(["usage_start"], false).agg(...aggs()),
  lenonly: () => day(pod).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(pl.len()),
  norid: () => day(pod).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs().slice(1)),
  catfold: () => day(pod).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs()),
  castonly2: () => pod.select(col(["namespace", "node", "pod", "pod_labels"]).cast(pl.Categorical)).select(col("*").max()),
  simple: () => day(pod).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical),
     pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]).alias("e_cpu_h"),
     pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]).alias("e_mem_h"))
    .groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(col("resource_id").max(), col(["pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "e_cpu_h", "pod_limit_cpu_core_seconds", "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "e_mem_h", "pod_limit_memory_byte_seconds"]).sum(), col("node_capacity_cpu_cores").max(), col("node_capacity_memory_bytes").max()),
  simplenocat: () => day(pod).withColumns(
     pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]).alias("e_cpu_h"),
     pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]).alias("e_mem_h"))
    .groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(col("resource_id").max(), col(["pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds", "e_cpu_h", "pod_limit_cpu_core_seconds", "pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds", "e_mem_h", "pod_limit_memory_byte_seconds"]).sum(), col("node_capacity_cpu_cores").max(), col("node_capacity_memory_bytes").max()),
  podeq: () => pod.select(col("pod").eq(pl.lit("x")).sum()),
  labeq: () => pod.select(col("pod_labels").eq(pl.lit("x")).sum()),
  keptsum: () => pod.select(kept().sum()),
  podcol: () => pod.select(col("pod").max()),
  podcolcat: () => pod.select(col("pod").cast(pl.Categorical).max()),
  podnull: () => pod.select(col("pod").nullCount()),
  nscol: () => pod.select(col("namespace").max()),
  labcol: () => pod.select(col("pod_labels").max()),
  keptonly: () => pod.filter(kept()).select(pl.len()),
  keptjoin: () => pod.join(pl.DataFrame({ pod: keep }).lazy(), { on: "pod", how: "inner" }).select(pl.len()),
  keptleft: () => {
    const k = pl.DataFrame({ pod: keep }).lazy().select(col("pod"), pl.lit(true).alias("__k"));
    return ds.podRollupX(pod.join(k, { on: "pod", how: "left" }).filter(col("__k").fillNull(false).or(col("namespace").eq(pl.lit("openshift-kube-apiserver")).fillNull(false))).drop("__k"));
  },
  keptsemi: () => {
    const k = pl.DataFrame({ pod: keep }).lazy();
    const q = pl.concat([pod.join(k, { on: "pod", how: "semi" }), pod.filter(col("namespace").eq(pl.lit("openshift-kube-apiserver"))).join(k, { on: "pod", how: "anti" })], { how: "vertical" });
    return ds.podRollupX(q);
  },
  keptreal: () => (V as any).real(),
  splitfold: () => V.simple0(false, false, true, false, "fold"),
  splitkept: () => V.simple0(false, true, true, false, "kept"),
  anomkey: () => V.simple0(false, false, true),
  anomkeypod: () => V.simple0(false, true, true),
  catfirst: () => V.simple0(false, true, false, true),
  simpleanom: () => V.simple0(true, false),
  simplepod: () => V.simple0(false, true),
  simpleboth: () => V.simple0(true, true),
  castonly: () => pod.select(col(["namespace", "node", "pod", "pod_labels"]).cast(pl.Categorical)).select(col("pod").first()),
  whenonly: () => pod.select(pl.when(kept()).then(col("pod")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("pod")).select(col("pod").nullCount()),
};
const ds: any = await import("../pipelines/daily-summary.ts");
(V as any).real = () => ds.keptPodUsageDaily(pod, keep);
for (const v of variants) {
  const t = performance.now(); const c = process.cpuUsage();
  const out = V[v]().collectSync({ engine: engine as any });
  const u = process.cpuUsage(c);
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec((await import("node:fs")).readFileSync("/proc/self/status", "utf8"))![1]) / 1024;
  console.log(`peak ${Math.round(hwm)} MB`);
  console.log(`${v} ${engine} rows ${out.height} ${Math.round(performance.now() - t)} ms cpu ${Math.round((u.user + u.system) / 1000)}`);
}
