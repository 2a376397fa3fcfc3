// `streambench compare`: hand-built result folders (summary.json written by the report writer),
// read back and compared; expected intervals worked out by hand from the runs' values.
import test from "ava";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModeRun, RunReport, ScaleResult } from "../../src/records/run-report.ts";
import { summaryJson } from "../../src/report/summary-json.ts";
import { comparisonExitCode, compareRuns, regressions } from "../../src/compare/run-comparison.ts";
import { loadRun } from "../../src/compare/run-source.ts";
import { parseThreshold, runCompareCommand } from "../../src/commands/compare.ts";
import { lowerCriticalU, shiftEstimate } from "../../src/compare/two-sample.ts";
import { scratchDirs } from "./helpers.ts";
import { report, run } from "../report/fixtures.ts";

/** A new temp folder, removed when this file's tests end. */
const scratchDir = scratchDirs("sb-compare-");

const ROWS = 7440;

/** A scale whose in-memory runs took `durations` seconds (peak 150 MB each); streaming 0.5 s, 180 MB each. */
function scaleOf(durations: number[], rows = ROWS, over: Partial<ModeRun> = {}): ScaleResult {
  const runs = durations.flatMap((d, i) => [run("small", "in-memory", i + 1, d, 150, rows, over), run("small", "streaming", i + 1, 0.5, 180, rows, over)]);
  return { scale: "small", inputRows: rows, generate: { seconds: 1, rows, bytes: 1 }, upload: { seconds: 1, bytes: 1, objects: 1 }, runs };
}

function folderWith(r: RunReport): string {
  const dir = scratchDir();
  writeFileSync(join(dir, "summary.json"), summaryJson(r));
  return dir;
}

const change = (c: ReturnType<typeof compareRuns>, figure: string, mode = "in-memory") => c.changes.find((x) => x.figure === figure && x.mode === mode)!;

test("the Mann-Whitney critical values are the table's: none at 3 a side, 0 at 4, 2 at 5, 5 at 6, 13 at 8", (t) => {
  // 3 × 3: P(U = 0) = 1 / C(6,3) = 1/20 = 5% > 2.5%: no 95% interval exists.
  // 4 × 4: P(U = 0) = 1/70 = 1.4%, P(U <= 1) = 2/70 = 2.9% > 2.5%: c = 0.
  // 5, 6, 8 a side: 2, 5, 13 (the two-sided 5% critical values of standard Mann-Whitney tables).
  t.is(lowerCriticalU(3, 3), -1);
  t.is(lowerCriticalU(4, 4), 0);
  t.is(lowerCriticalU(5, 5), 2);
  t.is(lowerCriticalU(6, 6), 5);
  t.is(lowerCriticalU(8, 8), 13);
});

test("identical samples compare as unchanged on every figure", (t) => {
  const base = folderWith(report([scaleOf([1.0, 1.02, 0.98, 1.01])]));
  const next = folderWith(report([scaleOf([1.0, 1.02, 0.98, 1.01])]));
  const c = compareRuns(loadRun(base, "/nowhere", "BASE").report, loadRun(next, "/nowhere", "NEW").report);
  const d = change(c, "duration");
  // 4 × 4 runs: c = 0, so the interval is the range of the 16 ratios new_j ÷ base_i:
  // 0.98 ÷ 1.02 = 0.96078 .. 1.02 ÷ 0.98 = 1.04082, wholly inside 1 ÷ 1.1 = 0.909 .. 1.1.
  t.is(d.ratio, 1);
  t.true(Math.abs(d.interval!.lo - 0.98 / 1.02) < 1e-12);
  t.true(Math.abs(d.interval!.hi - 1.02 / 0.98) < 1e-12);
  t.is(d.class, "unchanged");
  t.deepEqual([...new Set(c.changes.map((x) => x.class))], ["unchanged"]);
  t.deepEqual(c.environment, []);
  t.is(comparisonExitCode(c, ["slower", "memory"]), 0);
});

test("a doubled duration is slower, with an interval that excludes 1, and --fail-on slower exits 6", (t) => {
  const base = report([scaleOf([1.0, 1.02, 0.98, 1.01])]);
  const next = report([scaleOf([2.0, 2.04, 1.96, 2.02])]);
  const c = compareRuns(base, next);
  const d = change(c, "duration");
  // ratio of medians: median(2, 2.04, 1.96, 2.02) = 2.01 over median(1, 1.02, 0.98, 1.01) = 1.005 -> 2.
  // interval: 1.96 ÷ 1.02 = 1.9216 .. 2.04 ÷ 0.98 = 2.0816, above 1.1.
  t.true(Math.abs(d.ratio - 2) < 1e-12);
  t.true(Math.abs(d.interval!.lo - 1.96 / 1.02) < 1e-12);
  t.true(Math.abs(d.interval!.hi - 2.04 / 0.98) < 1e-12);
  t.true(d.interval!.lo > 1);
  t.is(d.class, "slower");
  t.is(change(c, "peak memory").class, "unchanged");
  t.is(change(c, "duration", "streaming").class, "unchanged");
  t.is(comparisonExitCode(c, ["slower"]), 6);
  t.is(comparisonExitCode(c, ["memory"]), 0, "memory did not move");
  t.is(comparisonExitCode(c, []), 0, "no --fail-on: exit 0");
  // the same change read the other way round is faster
  t.is(change(compareRuns(next, base), "duration").class, "faster");
});

test("overlapping noisy samples are inconclusive, never a regression, with the runs that would settle it", (t) => {
  const c = compareRuns(report([scaleOf([1.0, 1.3, 0.8, 1.1])]), report([scaleOf([1.2, 0.9, 1.4, 1.05])]));
  const d = change(c, "duration");
  // interval: 0.9 ÷ 1.3 = 0.6923 .. 1.4 ÷ 0.8 = 1.75: across the band on both sides.
  t.true(Math.abs(d.interval!.lo - 0.9 / 1.3) < 1e-12);
  t.true(Math.abs(d.interval!.hi - 1.4 / 0.8) < 1e-12);
  t.is(d.class, "inconclusive");
  t.true(d.runsToSettle === null || d.runsToSettle > 4);
  t.deepEqual(regressions(c, ["slower", "memory"]).filter((x) => x.figure === "duration"), []);
});

test("3 runs a side, where no rank interval reaches 95%, take Welch's t on the log values", (t) => {
  // base 1, 1.01, 0.99 s; new 2, 2.02, 1.98 s. Logs: 0, 0.00995, −0.01005 and ln 2 plus the same:
  // sd 0.0100 each side, se = √(0.0001/3 + 0.0001/3) = 0.008165, Welch df = 4 (equal sizes and
  // spreads: 2 (n − 1)), t(0.975, 4) = 2.7764, half-width 0.02267; Hodges-Lehmann: ln 2 + the
  // median of the 9 differences e_j − e_i, which is 0, so 2. Interval 2 × e^±0.02267 = 1.9552-2.0459.
  const e = shiftEstimate([1, 1.01, 0.99], [2, 2.02, 1.98]);
  t.is(e.method, "Welch t");
  t.true(Math.abs(e.hodgesLehmann - 2) < 1e-9);
  t.true(Math.abs(e.interval!.lo - 1.9552) < 1e-3);
  t.true(Math.abs(e.interval!.hi - 2.0459) < 1e-3);
  const c = compareRuns(report([scaleOf([1, 1.01, 0.99])]), report([scaleOf([2, 2.02, 1.98])]));
  t.is(change(c, "duration").class, "slower");
  // 4 against 4 reaches 95% by ranks
  t.is(shiftEstimate([1, 1, 1, 1], [1, 1, 1, 1]).method, "Mann-Whitney");
  // one run a side: no spread, no interval, inconclusive
  t.is(shiftEstimate([1], [2]).interval, null);
});

test("different rows refuse that scale with the reason, exit 2; --force compares it", async (t) => {
  const base = folderWith(report([scaleOf([1, 1, 1, 1], 7440)]));
  const next = folderWith(report([scaleOf([1, 1, 1, 1], 74400)]));
  const c = compareRuns(loadRun(base, "/x", "BASE").report, loadRun(next, "/x", "NEW").report);
  t.is(c.changes.length, 0);
  t.is(c.refused.length, 1);
  t.is(c.refused[0].scale, "small");
  t.is(c.refused[0].differences[0].what, "rows");
  t.regex(c.refused[0].differences[0].base, /pod usage 7440/);
  t.regex(c.refused[0].differences[0].new, /pod usage 74400/);
  t.is(comparisonExitCode(c, []), 2);
  const forced = compareRuns(loadRun(base, "/x", "BASE").report, loadRun(next, "/x", "NEW").report, { force: true });
  t.is(forced.refused.length, 0);
  t.is(forced.forced[0].scale, "small");
  t.true(forced.changes.length > 0);

  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  const stderr = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    t.is(await runCompareCommand([base, next]), 2);
  } finally {
    process.stdout.write = write;
    process.stderr.write = stderr;
  }
  t.regex(out.join(""), /Refused small: the data differ \(rows: pod usage 7440.* → pod usage 74400/);
});

test("a different seed or profile refuses the scale too", (t) => {
  const c = compareRuns(report([scaleOf([1, 1, 1, 1])], { settings: { seed: 1, profile: "constant" } }), report([scaleOf([1, 1, 1, 1])], { settings: { seed: 2, profile: "realistic" } }));
  t.deepEqual(
    c.refused[0].differences.map((d) => `${d.what} ${d.base}->${d.new}`),
    ["profile constant->realistic", "seed 1->2"],
  );
});

test("a different polars version is compared and flagged at the top", (t) => {
  const base = report([scaleOf([1, 1.02, 0.98, 1.01])]);
  const next = report([scaleOf([1, 1.02, 0.98, 1.01])], {
    environment: { ...base.environment, versions: { "nodejs-polars": "0.27.0" } },
    settings: { ...base.settings, limits: { memoryLimitBytes: 1073741824, cpus: 0.5 } },
  });
  const c = compareRuns(base, next);
  t.is(c.refused.length, 0);
  t.is(change(c, "duration").class, "unchanged");
  t.deepEqual(
    c.environment.map((d) => `${d.what}: ${d.base} -> ${d.new}`),
    // 1,073,741,824 bytes = 1024^3 = 1 GiB
    ["nodejs-polars: 0.26.1 -> 0.27.0", "limits: not recorded -> memory 1 GiB, 0.5 CPUs"],
  );
});

test("the machine guard moving a little between runs is no limits difference; a CPU cap is, in words", (t) => {
  const told = { "in-memory": "nothing", streaming: "nothing" };
  // 21,478,746,931 and 21,514,195,353 bytes: 20.00 and 20.04 GiB, both "about 20 GiB"
  const guard = (bytes: number, cpus: number | null) => ({ memoryLimitBytes: null, memoryLimitsBytes: [], cpus, preset: null, timeoutSeconds: null, guardBytes: bytes, enforcement: "cgroup v1", told });
  const base = report([scaleOf([1, 1, 1, 1])], { settings: { limits: guard(21_478_746_931, null) } });
  t.deepEqual(compareRuns(base, report([scaleOf([1, 1, 1, 1])], { settings: { limits: guard(21_514_195_353, null) } })).environment, []);
  const halfCpu = compareRuns(base, report([scaleOf([1, 1, 1, 1])], { settings: { limits: guard(21_514_195_353, 0.5) } }));
  t.deepEqual(
    halfCpu.environment.map((d) => `${d.what}: ${d.base} -> ${d.new}`),
    ["limits: the guard (about 20 GiB), held by cgroup v1 -> the guard (about 20 GiB), 0.5 CPUs, held by cgroup v1"],
  );
});

test("a (scale, mode) on one side only is listed, not dropped", (t) => {
  const withDuck = scaleOf([1, 1, 1, 1]);
  withDuck.runs.push(run("small", "duckdb", 1, 0.3, 100, ROWS));
  const c = compareRuns(report([withDuck]), report([scaleOf([1, 1, 1, 1])]));
  t.deepEqual(c.unmatched, [{ scale: "small", mode: "duckdb", why: "only in BASE" }]);
});

test("an older summary without phases or limits is read; the figures it lacks are left out", (t) => {
  const old = report([scaleOf([1, 1.02, 0.98, 1.01], ROWS, { phases: undefined as unknown as ModeRun["phases"] })]);
  const dir = folderWith(old);
  const c = compareRuns(loadRun(dir, "/x", "BASE").report, report([scaleOf([1, 1.02, 0.98, 1.01])]));
  t.deepEqual([...new Set(c.changes.map((x) => x.figure))], ["duration", "peak memory", "child CPU"]);
});

test("BASE and NEW that are not runs are usage errors naming the path", (t) => {
  const dir = scratchDir();
  t.throws(() => loadRun(dir, "/x", "BASE"), { message: /BASE: .* is a folder without a summary\.json/ });
  t.throws(() => loadRun("latest", dir, "NEW"), { message: /NEW: no earlier run: .*latest\/summary\.json does not exist/ });
  mkdirSync(join(dir, "bad"));
  writeFileSync(join(dir, "bad", "summary.json"), "{}");
  t.throws(() => loadRun(join(dir, "bad"), "/x", "BASE"), { message: /BASE: .*bad\/summary\.json: not a streambench-summary file/ });
  t.is(parseThreshold("5%"), 0.05);
  t.throws(() => parseThreshold("0"), { message: /--threshold must be a percentage above 0/ });
});

test("--fail-on gates duration and peak memory only: a slower phase alone does not fail the build", (t) => {
  const base = report([scaleOf([1.0, 1.02, 0.98, 1.01])]);
  const next = report([scaleOf([1.0, 1.02, 0.98, 1.01])]);
  // the write phase doubled in every new run, the duration did not (a phase explains, it is not gated)
  for (const r of next.scales[0].runs) r.phases.write *= 2;
  const c = compareRuns(base, next);
  t.is(change(c, "phase write").class, "slower");
  t.is(change(c, "duration").class, "unchanged");
  t.is(comparisonExitCode(c, ["slower"]), 0);
});

test("a machine busier by half its cores or more at the start is named; a smaller difference, or none recorded, is not", (t) => {
  const base = report([scaleOf([1, 1, 1, 1])]);
  const at = (load: number | undefined) => report([scaleOf([1, 1, 1, 1])], { environment: { ...base.environment, loadAverage: load } });
  // 2 cores: a difference of 1.0 or more is named
  t.deepEqual(compareRuns(at(0.4), at(12.5)).environment, [{ what: "load average at the start (1 min)", base: "0.4", new: "12.5" }]);
  t.deepEqual(compareRuns(at(0.4), at(1.3)).environment, []);
  t.deepEqual(compareRuns(at(undefined), at(12.5)).environment, []);
});
