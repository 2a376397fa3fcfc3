import test from "ava";
import { existsSync, mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli } from "../run/cli-process.ts";

test.serial("a headless sweep of two sizes validates each, writes SUMMARY.csv per size and mode, crossover.svg and the crossover figures", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-sweep-"));
  // --max-rows 23,808 = 32 pods x 744: the ladder is pods-10 and pods-32
  // one run per size: every figure below is checked as with more, and the sweep runs 4 children instead of 8
  const { done } = startCli(["sweep", "--headless", "--max-rows", "23808", "--runs", "1", "--out", out]);
  const result = await done;
  t.is(result.code, 0, result.stdout + result.stderr);
  t.regex(result.stdout, /after 2 sizes: time: .* · memory: /, "a crossover estimate follows each size");

  const runDir = realpathSync(join(out, "latest"));
  const rows = readFileSync(join(runDir, "SUMMARY.csv"), "utf8").trim().split("\n").slice(1).map((line) => line.split(","));
  t.deepEqual(
    rows.map((r) => [r[0], r[1], r[5], r[7]]),
    [
      ["pods-10", "in-memory", "7440", "PASS"],
      ["pods-10", "streaming", "7440", "PASS"],
      ["pods-32", "in-memory", "23808", "PASS"],
      ["pods-32", "streaming", "23808", "PASS"],
    ],
  );
  t.true(existsSync(join(runDir, "crossover.svg")));
  const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  t.deepEqual(Object.keys(json.derived.crossover), ["time", "memory"]);
  t.deepEqual(Object.keys(json.derived.sweep.fits), ["time", "memory"]);
  t.is(json.report.sweep.points.length, 2);
  const report = readFileSync(join(runDir, "COMPARISON_REPORT.md"), "utf8");
  t.regex(report, /## Sweep: from what size does streaming pay\?/);
  t.regex(report, /- \*\*Time: (streaming is faster from about [\d,]+ input rows \((95% interval|no interval: 1 run per size)|no crossover between 7,440 and 23,808 rows)/);
  t.regex(report, /- \*\*Memory: (streaming uses less peak memory from about|no crossover between 7,440 and 23,808 rows)/);
});
