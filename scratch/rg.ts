import pl from "nodejs-polars";
const f = process.argv[2];
const df = pl.readParquet(f, { columns: ["interval_start", "pod", "node"] });
console.log(df.height, df.select(pl.col("interval_start").min().alias("min"), pl.col("interval_start").max().alias("max"), pl.col("pod").nUnique().alias("pods"), pl.col("node").nUnique().alias("nodes"), pl.col("interval_start").nUnique().alias("hours")).toRecords());
console.log(df.head(3).toRecords(), df.slice(100000, 3).toRecords());
