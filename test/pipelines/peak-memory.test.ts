import test from "ava";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline-child.ts";
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
    // and it is a real figure: at least what the parent saw the child use
    const sampledMax = Math.max(0, ...outcome.samples.map((s) => s.rssBytes));
    t.true(reportedBytes >= sampledMax, `reported ${reportedBytes}, sampled ${sampledMax}`);
    t.true(ballast[ballastBytes - 1] === 1);
  } finally {
    removeDir(dir);
  }
});
