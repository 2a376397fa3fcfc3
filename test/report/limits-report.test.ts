// Under limits: the capacity frontier (derived.frontier[]), the "Within limits" section that opens
// COMPARISON_REPORT.md, and the outcome chart with OOM cells marked. Hand-built reports.
import test from "ava";
import type { ModeRun, RunLimits, ScaleResult } from "../../src/records/run-report.ts";
import { capacityFrontier, frontierGaps } from "../../src/report/limits-frontier.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { summaryTableCsv } from "../../src/report/summary-table-csv.ts";
import { outcomeChartSvg } from "../../src/report/outcome-chart.ts";
import { report, run } from "./fixtures.ts";

const MiB = 1024 * 1024;
const under = (mib: number | null): RunLimits => ({
  memoryLimitBytes: mib === null ? null : mib * MiB,
  capBytes: (mib ?? 20000) * MiB,
  capSource: mib === null ? "guard" : "limit",
  cpus: null,
  preset: null,
  timeoutSeconds: null,
  enforcement: "cgroup v1",
  told: "POLARS_MAX_THREADS unset",
});
const oom = (name: string, mode: "in-memory" | "streaming", rows: number, mib: number | null, peak: number): ModeRun => ({
  ...run(name, mode, 1, 2.5, peak, rows, { limits: under(mib) }),
  status: "OOM",
  validation: "n/a",
  outputRows: 0,
  kill: { outcome: "OOM", peakMemoryMb: peak, secondsUntilKill: 2.5 },
});
const pass = (name: string, mode: "in-memory" | "streaming", rows: number, mib: number | null, peak: number) => run(name, mode, 1, 1, peak, rows, { limits: under(mib) });
const size = (name: string, rows: number, runs: ModeRun[]): ScaleResult => ({
  scale: name,
  inputRows: rows,
  generate: { seconds: 1, rows, bytes: 1 },
  upload: { seconds: 1, bytes: 1, objects: 1 },
  runs,
});

// a sweep under 750 MiB: in-memory PASSes up to 744,000 rows and is OOM-killed from 2,352,528 on;
// streaming PASSes everywhere
const sweep750 = report([
  size("pods-316", 235_104, [pass("pods-316", "in-memory", 235_104, 750, 300), pass("pods-316", "streaming", 235_104, 750, 200)]),
  size("pods-1000", 744_000, [pass("pods-1000", "in-memory", 744_000, 750, 500), pass("pods-1000", "streaming", 744_000, 750, 250)]),
  size("pods-3162", 2_352_528, [oom("pods-3162", "in-memory", 2_352_528, 750, 750), pass("pods-3162", "streaming", 2_352_528, 750, 300)]),
  size("pods-10000", 7_440_000, [oom("pods-10000", "in-memory", 7_440_000, 750, 750), pass("pods-10000", "streaming", 7_440_000, 750, 450)]),
]);

test("the frontier per mode and limit: the largest size that PASSed and the smallest OOM-killed, null where none in range", (t) => {
  t.deepEqual(capacityFrontier(sweep750), [
    { mode: "in-memory", memoryLimitBytes: 750 * MiB, cpus: null, maxPassRows: 744_000, minOomRows: 2_352_528 },
    { mode: "streaming", memoryLimitBytes: 750 * MiB, cpus: null, maxPassRows: 7_440_000, minOomRows: null },
  ]);
});

test("a PASS and an OOM more than 1.5x apart are a gap: the next size is their geometric mean", (t) => {
  const gaps = frontierGaps(capacityFrontier(sweep750));
  t.is(gaps.length, 1, "streaming has no OOM: nothing to refine");
  t.is(gaps[0].entry.mode, "in-memory");
  // sqrt(744,000 x 2,352,528) = sqrt(1.750281e12) = 1,322,982.2
  t.true(Math.abs(gaps[0].nextRows - 1_322_982.2) < 1, String(gaps[0].nextRows));
  // 2,352,528 / 1,800,000 = 1.307 <= 1.5: close enough, no gap
  t.deepEqual(frontierGaps([{ mode: "in-memory", memoryLimitBytes: 1, cpus: null, maxPassRows: 1_800_000, minOomRows: 2_352_528 }]), []);
});

test("COMPARISON_REPORT.md opens with 'Within limits': the limit, what held it, each mode's frontier in rows and pods, OOM cells marked", (t) => {
  const md = comparisonReport(sweep750);
  const within = md.indexOf("## Within limits");
  t.true(within > 0 && within < md.indexOf("## Results"), "before the results");
  t.regex(md, /### 750 MiB/);
  t.regex(md, /Held by: \*\*cgroup v1\*\* at 750 MiB/);
  // 744,000 / 744 = 1,000 pods; 2,352,528 / 744 = 3,162 pods; a factor 2,352,528 / 744,000 = 3.16 apart
  t.regex(md, /\| in-memory \| 744,000 rows \(1,000 pods for a month\) \| 2,352,528 rows \(3,162 pods for a month\) \(a factor 3\.16 apart\) \|/);
  t.regex(md, /\| streaming \| 7,440,000 rows \(10,000 pods for a month\) \| none in range \|/);
  t.regex(md, /\| pods-3162 \(2,352,528 rows\) \| 750 MiB \| \*\*OOM\*\* \(peak 750 MB\) \| PASS \(peak 300 MB\) \|/);
  t.regex(md, /limits_outcome\.svg/);
});

test("the outcome chart has a cell for every size and mode that ran, the OOM ones red and labelled OOM", (t) => {
  const svg = outcomeChartSvg(sweep750);
  // 4 sizes x 2 modes = 8 cells; in-memory OOM at 2 sizes
  t.is((svg.match(/<rect x=/g) ?? []).length, 8);
  t.is((svg.match(/fill="#d62728"/g) ?? []).length, 2);
  t.is((svg.match(/>OOM</g) ?? []).length, 2);
  t.is((svg.match(/>PASS</g) ?? []).length, 6);
});

test("without a limit and no kill, no section: one line says the guard the children ran under", (t) => {
  const r = report([size("small", 7440, [pass("small", "in-memory", 7440, null, 150), pass("small", "streaming", 7440, null, 180)])]);
  const md = comparisonReport(r);
  t.false(md.includes("## Within limits"));
  t.regex(md, /- Limits: none given; every engine child ran under the guard, 19\.53 GiB \(90% of the memory available at the start\), held by cgroup v1/);
});

test("an OOM under the guard opens the section too, and SUMMARY.csv says OOM with n/a", (t) => {
  const r = report([size("production-xxlarge", 74_400_000, [oom("production-xxlarge", "in-memory", 74_400_000, null, 20000), pass("production-xxlarge", "streaming", 74_400_000, null, 900)])]);
  t.regex(comparisonReport(r), /### no memory limit \(the guard\)/);
  t.regex(comparisonReport(r), /only streaming completed a validated run, no scale has both modes to compare; in-memory OOM at production-xxlarge under the guard/);
  t.regex(summaryTableCsv(r), /\nproduction-xxlarge,in-memory,OOM,2\.500,20000\.0,74400000,0,n\/a,1,/);
});

test("a warm-up its limit ended counts in the frontier as the mode's OOM at that size, as it does in SUMMARY.csv", (t) => {
  const warm = (r: ModeRun): ModeRun => ({ ...r, warmup: true });
  const r = report([
    size("pods-1000", 744_000, [pass("pods-1000", "in-memory", 744_000, 750, 500), pass("pods-1000", "streaming", 744_000, 750, 250)]),
    // in-memory's warm-up was killed: no measured in-memory run at this size
    size("pods-3162", 2_352_528, [warm(oom("pods-3162", "in-memory", 2_352_528, 750, 750)), pass("pods-3162", "streaming", 2_352_528, 750, 300)]),
  ]);
  const inMemory = capacityFrontier(r).find((e) => e.mode === "in-memory")!;
  t.is(inMemory.maxPassRows, 744_000);
  t.is(inMemory.minOomRows, 2_352_528);
});
