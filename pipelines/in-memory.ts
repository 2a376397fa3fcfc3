// Entry: the in-memory mode. Reads every input file fully into DataFrames (CSV with an explicit
// schema; local parquet with readParquet(path); S3 objects downloaded into Buffers), applies the
// plan of daily-summary.ts via .lazy() and executes it with collectSync({engine:"in-memory"}).
// Job JSON on stdin (or argv[2]); prints one JobReport/JobFailure line last (src/contract/job.ts).
import { runJob } from "./run-job.ts";

await runJob("in-memory", process.argv);
