import pl from "nodejs-polars";
const df = pl.DataFrame({ pod: ["a", "b", null, "c"] });
console.log("array"); console.log(df.select(pl.col("pod").isIn(["a", "c"]).alias("x")).toRecords());
console.error("--- series");
console.log(df.select(pl.col("pod").isIn(pl.Series(["a", "c"])).alias("x")).toRecords());
console.error("--- empty");
console.log(df.select(pl.col("pod").isIn(pl.Series("p", [], pl.Utf8)).alias("x")).toRecords());
console.log(df.lazy().select(pl.col("pod").cast(pl.Categorical).cast(pl.Utf8).isIn(["a"]).alias("x")).collectSync({engine: "streaming"}).toRecords());
