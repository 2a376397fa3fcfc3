// Entry: the streaming mode. Scans the inputs lazily (scanCSV per file; scanParquet over a local
// glob or s3://… with cloudOptions, hive partitioning off), applies the plan of daily-summary.ts
// and executes it on polars' streaming engine, collectSync({engine:"streaming"}) — not the old
// collect({streaming:true}) flag, which does not stream (stack-notes §1).
// Job JSON on stdin (or argv[2]); prints one JobReport/JobFailure line last (src/contract/job.ts).
import { runJob } from "./run-job.ts";

await runJob("streaming", process.argv);
