import test from "ava";
import { join } from "node:path";
import { runPipeline } from "../../src/child/launcher.ts";
import { FIXTURES, removeDir, tempDir } from "./helpers.ts";

test("a child's reported peak memory is its own, not its parent's (ru_maxrss would carry the parent's)", async (t) => {
  const ballastBytes = 600 * 1024 * 1024;
  const ballast = Buffer.alloc(ballastBytes, 1); // this process now holds 600 MB resident
  const dir = tempDir("peak");
  try {
    const { report, outcome } = await runPipeline({
      mode: "in-memory",
      input: { kind: "csv", dir: join(FIXTURES, "multi-month-shared-pv") },
      output: join(dir, "summary.parquet"),
      enabledTagKeys: null,
    });
    const reportedBytes = report.maxRSSKb * 1024;
    t.true(reportedBytes < ballastBytes, `reported ${Math.round(reportedBytes / 2 ** 20)} MB`);
    // and it is a real figure: at least what the parent saw the child use, give or take the kernel's
    // RSS bookkeeping. Linux counts resident pages per thread and folds them into the figures
    // /proc shows in batches of up to 64 pages (TASK_RSS_EVENTS_THRESH), so VmHWM read by the child
    // and VmRSS sampled by the parent can disagree by a few batches: seen 243,359,744 vs
    // 243,376,128 bytes (4 pages). Allow 4 batches of 64 pages of 4 KiB = 1 MiB, far below the
    // 600 MB the first check is about.
    const pageBatchSlackBytes = 4 * 64 * 4096;
    const sampledMax = Math.max(0, ...outcome.samples.map((s) => s.rssBytes));
    t.true(reportedBytes + pageBatchSlackBytes >= sampledMax, `reported ${reportedBytes}, sampled ${sampledMax}`);
    t.true(ballast[ballastBytes - 1] === 1);
  } finally {
    removeDir(dir);
  }
});
