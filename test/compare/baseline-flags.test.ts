// run --baseline / --fail-on / --threshold: read and checked before any work, `latest` under --out.
import test from "ava";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configFromArgs } from "../../src/commands/run-config.ts";
import { summaryJson } from "../../src/report/summary-json.ts";
import { scratchDirs } from "./helpers.ts";
import { report, scale } from "../report/fixtures.ts";

/** A new temp folder, removed when this file's tests end. */
const scratchDir = scratchDirs("sb-baseline-");

const config = (argv: string[], cwd: string) => {
  const parsed = configFromArgs(argv, {}, ["small", "medium", "large"], cwd);
  if (parsed.help) throw new Error("unexpected help");
  return parsed.config;
};

test("--baseline latest reads the newest run under --out before the run starts", (t) => {
  const root = scratchDir();
  mkdirSync(join(root, "out", "streaming_comparison_1"), { recursive: true });
  writeFileSync(join(root, "out", "streaming_comparison_1", "summary.json"), summaryJson(report([scale("small", 7440, [1, 100], [2, 120], 4)])));
  symlinkSync("streaming_comparison_1", join(root, "out", "latest"));
  const c = config(["--out", "out", "--baseline", "latest", "--fail-on", "slower,memory", "--threshold", "5"], root);
  t.is(c.baseline?.report.scales[0].scale, "small");
  // the folder latest named when the run started: latest moves to the run itself
  t.regex(c.baseline!.against, /out\/streaming_comparison_1\/summary\.json \(started 2026-11-24T02:00:00\.000Z, Node v20, PASS\)/);
  t.deepEqual([...c.failOn], ["slower", "memory"]);
  t.is(c.threshold, 0.05);
  t.is(config([], root).baseline, null);
});

test("a missing baseline, --fail-on without one, and unknown --fail-on names are usage errors naming the flag", (t) => {
  const root = scratchDir();
  t.throws(() => config(["--baseline", "latest"], root), { message: /--baseline: no earlier run: .*results\/latest\/summary\.json does not exist/ });
  t.throws(() => config(["--fail-on", "slower"], root), { message: /--fail-on needs --baseline/ });
  t.throws(() => config(["--baseline", root], root), { message: /--baseline: .* is a folder without a summary\.json/ });
  writeFileSync(join(root, "summary.json"), summaryJson(report([scale("small", 7440, [1, 100], [2, 120], 4)])));
  t.throws(() => config(["--baseline", root, "--fail-on", "faster"], root), { message: /--fail-on takes slower, memory or both/ });
});
