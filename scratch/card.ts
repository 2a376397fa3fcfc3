import pl from "nodejs-polars";
const g = process.argv[2] + "/**/openshift_pod_usage_line_items/*.parquet";
const lf = pl.scanParquet(g, { hivePartitioning: false });
const r = lf.select(
  pl.col("pod").nUnique().alias("pods"),
  pl.col("pod_labels").nUnique().alias("labels"),
  pl.col("namespace").nUnique().alias("ns"),
  pl.col("node").nUnique().alias("nodes"),
  pl.col("resource_id").nUnique().alias("rids"),

).collectSync({ engine: "streaming" });
console.log(r.toRecords());
