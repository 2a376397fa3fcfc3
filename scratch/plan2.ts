import { discoverParquet, scanParquetTable } from "../pipelines/read-inputs.ts";
import { podUsageDaily, keptPodUsageDaily, nodeCapacity } from "../pipelines/daily-summary.ts";
const input = { kind: "parquet" as const, dir: process.argv[2] };
const files = discoverParquet(input.dir);
const scan = scanParquetTable(files.pod, "pod", input);
for (const q of [podUsageDaily(scan), keptPodUsageDaily(scan, ["pod-1-1"]), nodeCapacity(scan)]) console.log(q.describeOptimizedPlan().split("\n").map((l) => l.slice(0, 160)).join("\n"), "\n-----");
