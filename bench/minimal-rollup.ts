// The engine's floor, beside our plan (bench/aggregate.ts --minimal runs it in a child of its own):
// the Pod rows' heavy roll-up as the shortest polars query that computes it. Scan the hourly pod
// parquet, group by (day, namespace, node, pod_labels), sum the six *_seconds columns, on the
// streaming engine (collectSync({engine:"streaming"})). `keys`: "string" groups the text keys as
// they are stored, "categorical" casts them first as our plan does (daily-summary.ts asCategorical).
// Same parquet read-ahead as our streaming child (run-job.ts boundParquetReadAhead).
// No anomaly filter, no effective usage, no other stage: if this query's peak grows with the input
// rows too, the growth is the engine's (or its allocator's), not our plan's.
// Prints one JSON line: output rows, the child's peak RSS (VmHWM) and the anonymous RSS it still
// held after the query, MB, and the POLARS_*/MALLOC_*/LD_PRELOAD settings it ran with.
// Usage: node --import tsx bench/minimal-rollup.ts INPUT_DIR string|categorical
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { MEASURE_COLUMNS } from "../src/contract/input-tables.ts";
import { parquetGlob } from "../pipelines/read-inputs.ts";
import { boundParquetReadAhead } from "../pipelines/run-job.ts";

const col = pl.col;
const TEXT_KEYS = ["namespace", "node", "pod_labels"];
/** The six pod *_seconds columns (the node capacity columns are maxed by our plan, not summed). */
const SUMS = MEASURE_COLUMNS.pod.filter((c) => c.startsWith("pod_"));

function statusMb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

const [dir, keys = "string"] = process.argv.slice(2);
if (!dir || !["string", "categorical"].includes(keys)) {
  console.error("usage: bench/minimal-rollup.ts INPUT_DIR string|categorical");
  process.exit(2);
}
boundParquetReadAhead(); // the read-ahead our streaming child uses
const scan = pl.scanParquet(parquetGlob({ kind: "parquet", dir }, "pod"), { hivePartitioning: false });
const keyed = keys === "categorical" ? scan.withColumns(col(TEXT_KEYS).cast(pl.Categorical)) : scan;
const out = keyed
  .groupBy([col("interval_start").cast(pl.Date).alias("usage_start"), ...TEXT_KEYS.map((k) => col(k))], false)
  .agg(...SUMS.map((c) => col(c).sum().alias(c)))
  .collectSync({ engine: "streaming" });
const settings = Object.keys(process.env)
  .filter((k) => k.startsWith("POLARS_") || k.startsWith("MALLOC_") || k === "LD_PRELOAD")
  .map((k) => `${k}=${process.env[k]}`);
console.log(JSON.stringify({ keys, rows: out.height, peakMb: statusMb("VmHWM"), heldAnonMb: statusMb("RssAnon"), settings }));
