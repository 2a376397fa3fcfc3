import test from "ava";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesWithMarker, startCli } from "./cli-process.ts";

test.serial("a headless run of the small scale passes every phase and writes every result file", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-run-"));
  const marker = `run-${process.pid}-${Date.now()}`;
  const { done } = startCli(["run", "--headless", "--scales", "small", "--runs", "1", "--out", out], { STREAMBENCH_TEST_MARKER: marker });
  const result = await done;
  t.is(result.code, 0, result.stdout + result.stderr);

  const runDir = realpathSync(join(out, "latest"));
  t.true(runDir.includes("streaming_comparison_"));
  const summary = readFileSync(join(runDir, "SUMMARY.csv"), "utf8").trim().split("\n");
  t.true(summary[0].startsWith("scale,mode,status,duration_seconds,peak_memory_mb,input_rows,output_rows,validation_status,"));
  const rows = summary.slice(1).map((line) => line.split(","));
  t.deepEqual(
    rows.map((r) => [r[0], r[1], r[2], r[7]]),
    [
      ["small", "in-memory", "SUCCESS", "PASS"],
      ["small", "streaming", "SUCCESS", "PASS"],
    ],
  );
  // small = 10 pods x 744 hours of October 2025
  t.true(rows.every((r) => r[5] === "7440"));
  t.true(rows.every((r) => /^\d+\.\d+$/.test(r[3])), "durations carry decimals");

  for (const name of ["COMPARISON_REPORT.md", "summary.json", "benchmark.log", "memory_vs_rows.svg", "duration_vs_rows.svg", "memory_over_time_small.svg", "small_in-memory.log", "small_streaming.log"]) {
    t.true(existsSync(join(runDir, name)), name);
  }
  for (const mode of ["in-memory", "streaming"]) {
    const log = readFileSync(join(runDir, `small_${mode}_validation.log`), "utf8").trimEnd().split("\n");
    t.is(log.at(-1), "PASS");
  }
  const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  t.is(json.status, "PASS");
  t.false(/FAIL|ERROR/.test(readFileSync(join(runDir, "benchmark.log"), "utf8")));
  t.false(readdirSync(runDir).includes("s3"), "the embedded S3 server's data is removed at the end");
  t.deepEqual(processesWithMarker("STREAMBENCH_TEST_MARKER", marker), [], "nothing left running");
  t.regex(result.stdout, /small in-memory run 1: aggregate started/);
  t.regex(result.stdout, /ETA/);
});

test.serial("Ctrl-C during a run stops children and servers, marks the results interrupted and exits 130", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-int-"));
  const marker = `int-${process.pid}-${Date.now()}`;
  const { child, done, stdoutSoFar } = startCli(["run", "--headless", "--scales", "small,medium", "--runs", "1", "--out", out], { STREAMBENCH_TEST_MARKER: marker });
  const until = Date.now() + 120_000;
  while (!/aggregate started/.test(stdoutSoFar()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  t.regex(stdoutSoFar(), /aggregate started/);
  await new Promise((r) => setTimeout(r, 300));
  child.kill("SIGINT");
  const result = await done;
  t.is(result.code, 130, result.stdout + result.stderr);
  const runDir = realpathSync(join(out, "latest"));
  const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  t.is(json.status, "INTERRUPTED");
  t.is(json.report?.finishedAt ?? json.finishedAt ?? null, null);
  await new Promise((r) => setTimeout(r, 500));
  t.deepEqual(processesWithMarker("STREAMBENCH_TEST_MARKER", marker), [], "no child or server left running");
});

test.serial("a wrong value in one mode's summary fails validation, stops the run, prints the log tail and exits 1", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-fail-"));
  const { done } = startCli(["run", "--headless", "--scales", "small,medium", "--runs", "1", "--out", out], { STREAMBENCH_INJECT_FAULT: "small:in-memory" });
  const result = await done;
  t.is(result.code, 1, result.stdout + result.stderr);
  t.regex(result.stdout, /small in-memory run 1: validation FAIL/);
  t.regex(result.stdout, /FAIL tail of .*small_in-memory_validation\.log/);
  t.notRegex(result.stdout, /small streaming( run \d+)?: aggregate started/, "fail fast: nothing runs after the first FAIL");
  t.notRegex(result.stdout, /medium: generate started/);
  const runDir = realpathSync(join(out, "latest"));
  const summary = readFileSync(join(runDir, "SUMMARY.csv"), "utf8").trim().split("\n");
  t.deepEqual(summary.slice(1).map((line) => line.split(",")[7]), ["FAIL"]);
  t.is(JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")).status, "FAIL");
  t.is(readFileSync(join(runDir, "small_in-memory_validation.log"), "utf8").trimEnd().split("\n").at(-1), "FAIL");
});
