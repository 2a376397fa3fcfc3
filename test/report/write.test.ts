import test from "ava";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic, writeReports } from "../../src/report/write.ts";
import { parseSummaryJson } from "../../src/report/summary-json.ts";
import { report, scale } from "./fixtures.ts";

test("writeReports writes the five report files, a memory-over-time chart per scale, and leaves no temporary file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "streambench-report-"));
  try {
    const r = report([scale("small", 7440, [0.4, 150], [0.5, 120])]);
    await writeReports(dir, r);
    t.deepEqual((await readdir(dir)).sort(), [
      "COMPARISON_REPORT.md",
      "SUMMARY.csv",
      "duration_vs_rows.svg",
      "memory_over_time_small.svg",
      "memory_vs_rows.svg",
      "summary.json",
    ]);
    t.deepEqual(parseSummaryJson(await readFile(join(dir, "summary.json"), "utf8")), r);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic replaces an existing file whole", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "streambench-atomic-"));
  try {
    const p = join(dir, "x.txt");
    await writeFileAtomic(p, "first version, longer\n");
    await writeFileAtomic(p, "second\n");
    t.is(await readFile(p, "utf8"), "second\n");
    t.deepEqual(await readdir(dir), ["x.txt"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
