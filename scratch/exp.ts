import pl from "nodejs-polars";
import { readFileSync } from "node:fs";
import { discoverParquet, scanParquetTable, readParquetTable } from "../pipelines/read-inputs.ts";
import { podDaily, nodeCapacity, withinWindow } from "../pipelines/daily-summary.ts";
const [dir, variant, engine = "streaming"] = process.argv.slice(2);
const input = { kind: "parquet" as const, dir };
const files = discoverParquet(dir);
const col = pl.col;
let pod = engine === "streaming" ? scanParquetTable(files.pod, "pod", input) : (await readParquetTable(files.pod, "pod", input)).lazy();
const hwm = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;
const t0 = performance.now(); const c0 = process.cpuUsage();
const keys = ["namespace", "node", "pod", "pod_labels"];
const aggs = () => [
  col("resource_id").max().alias("resource_id"),
  col("pod_usage_cpu_core_seconds").sum().alias("u_cpu"),
  col("pod_request_cpu_core_seconds").sum().alias("r_cpu"),
  pl.maxHorizontal([col("pod_usage_cpu_core_seconds"), col("pod_request_cpu_core_seconds")]).sum().alias("e_cpu"),
  col("pod_limit_cpu_core_seconds").sum().alias("l_cpu"),
  col("pod_usage_memory_byte_seconds").sum().alias("u_mem"),
  col("pod_request_memory_byte_seconds").sum().alias("r_mem"),
  pl.maxHorizontal([col("pod_usage_memory_byte_seconds"), col("pod_request_memory_byte_seconds")]).sum().alias("e_mem"),
  col("pod_limit_memory_byte_seconds").sum().alias("l_mem"),
  col("node_capacity_cpu_cores").max().alias("cap_cores"),
  col("node_capacity_memory_bytes").max().alias("cap_mem_bytes"),
];
const day = (lf: any) => lf.withColumns(col("interval_start").cast(pl.Date).alias("usage_start"));
let out: any;
const e = engine as any;
if (variant === "current") out = podDaily(pod).collectSync({ engine: e });
else if (variant === "nocat") out = day(pod).groupBy(["usage_start", ...keys], false).agg(...aggs()).collectSync({ engine: e });
else if (variant === "fold") out = day(pod).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs()).collectSync({ engine: e });
else if (variant === "foldcat") out = day(pod).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs()).collectSync({ engine: e });
else if (variant === "foldcap" || variant === "foldcapcache") {
  const src = variant === "foldcapcache" ? day(pod).cache() : day(pod);
  const a = src.withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels"], false).agg(...aggs()).withColumns(col(["namespace", "node", "pod_labels"]).cast(pl.Utf8));
  const b = src.groupBy(["interval_start", "node"], false).agg(col("node_capacity_cpu_core_seconds").max().alias("nc_cpu"), col("node_capacity_memory_byte_seconds").max().alias("nc_mem"))
    .withColumns(col("interval_start").cast(pl.Date).alias("usage_start")).groupBy(["usage_start", "node"], false).agg(col("nc_cpu").sum(), col("nc_mem").sum());
  const q = pl.concat([a, b], { how: "diagonal" });
  if (process.env.SHOWPLAN) console.log(q.describeOptimizedPlan());
  out = q.collectSync({ engine: e });
}
else if (variant === "podjoin") {
  const sp = pl.DataFrame({ pod: ["pod-1-10", "pod-2-33", "pod-5-1"] }).lazy().select(col("pod"), pl.lit(true).alias("__keep"));
  out = day(pod).join(sp, { on: "pod", how: "left" }).withColumns(pl.when(col("__keep").fillNull(false).or(col("namespace").eq(pl.lit("openshift-kube-apiserver")))).then(col("pod")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("pod"))
   .withColumns(col(["namespace", "node", "pod", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels", "pod"], false).agg(...aggs()).collectSync({ engine: e });
}
else if (variant === "podcat") {
  const pods = ["pod-1-10", "pod-2-33", "pod-5-1"];
  const c = day(pod).withColumns(col(["namespace", "node", "pod", "pod_labels"]).cast(pl.Categorical));
  out = c.withColumns(pl.when(col("pod").cast(pl.Utf8).isIn(pods).or(col("namespace").eq(pl.lit("openshift-kube-apiserver")))).then(col("pod")).otherwise(pl.lit(null)).alias("pod"))
   .groupBy(["usage_start", "namespace", "node", "pod_labels", "pod"], false).agg(...aggs()).collectSync({ engine: e });
}
else if (variant === "podkey") {
  const pods = pl.Series("p", ["pod-1-10", "pod-2-33", "pod-5-1"]);
  out = day(pod).withColumns(pl.when(col("pod").isIn(pods).or(col("namespace").eq(pl.lit("openshift-kube-apiserver")))).then(col("pod")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("pod"))
   .withColumns(col(["namespace", "node", "pod", "pod_labels"]).cast(pl.Categorical)).groupBy(["usage_start", "namespace", "node", "pod_labels", "pod"], false).agg(...aggs()).collectSync({ engine: e });
}
else if (variant === "scanall") out = pod.select(col("*").max()).collectSync({ engine: e });
else if (variant === "scan") out = pod.select(col("*").count()).collectSync({ engine: e });
else if (variant === "cap") out = nodeCapacity(pod).collectSync({ engine: e });
else if (variant === "both") {
  const a = podDaily(pod).with_columns ? null : null;
  const q = pl.concat([podDaily(pod), nodeCapacity(pod).withColumns(pl.lit(null).cast(pl.Utf8).alias("pod"))], { how: "diagonal" });
  if (process.env.SHOWPLAN) console.log(q.describeOptimizedPlan());
  out = q.collectSync({ engine: e });
} else if (variant.startsWith("win")) {
  const days = Number(variant.slice(3));
  const lo = Date.UTC(2025, 9, 1);
  const parts = [];
  for (let f = lo; f < Date.UTC(2025, 10, 1); f += days * 86400000) parts.push(podDaily(withinWindow(pod, f, f + days * 86400000)).collectSync({ engine: e }));
  out = pl.concat(parts);
}
const c = process.cpuUsage(c0);
console.log(`${variant} ${engine} HOT=${process.env.POLARS_HOT_TABLE_SIZE ?? "-"} rows ${out.height} ${Math.round(performance.now() - t0)} ms cpu ${Math.round((c.user + c.system) / 1000)} ms peak ${Math.round(hwm())} MB`);
