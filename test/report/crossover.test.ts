import test from "ava";
import {
  analyseSweep,
  bracketCrossover,
  crossoverFigures,
  fitLine,
  linesCrossover,
  quantile,
} from "../../src/report/crossover.ts";
import { crossoverSentence, liveCrossoverText, sweepHeadline, sweepSection } from "../../src/report/crossover-report.ts";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { summaryJson } from "../../src/report/summary-json.ts";
import { crossoverChartSvg } from "../../src/report/crossover-chart.ts";
import type { Mode } from "../../src/contract/job.ts";
import type { ScaleResult } from "../../src/records/run-report.ts";
import { report, run } from "./fixtures.ts";
import { checkWellFormed } from "./svg.ts";

// Sizes of the hand-made sweeps: 100,000, 300,000, 1,000,000 and 3,000,000 rows.
const SIZES = [100_000, 300_000, 1_000_000, 3_000_000];

/**
 * One size with three repetitions per mode at median × (0.98, 1, 1.02) (unless `spread` says
 * otherwise): the median is exactly the given figure, and the min-max spread is 4% of it.
 */
type PolarsFigures = Record<"in-memory" | "streaming", number>;

function size(rows: number, time: PolarsFigures, memory: PolarsFigures, spread = [0.98, 1, 1.02]): ScaleResult {
  const runs = (["in-memory", "streaming"] as const).flatMap((mode) =>
    spread.map((k, i) => run(`rows-${rows}`, mode, i + 1, time[mode] * k, memory[mode] * k, rows)),
  );
  return {
    scale: `rows-${rows}`,
    inputRows: rows,
    generate: { seconds: 1, rows, bytes: 1 },
    upload: { seconds: 1, bytes: 1, objects: 1 },
    runs,
    modesIdentical: { verdict: "PASS", maxAbs: 0, maxRel: 0 },
  };
}

const sweepOf = (scales: ScaleResult[]) =>
  report(scales, {
    sweep: {
      points: scales.map((s) => ({ scale: s.scale, pods: s.inputRows / 744, namespaces: 2, nodes: 2, podRows: s.inputRows })),
      minRows: scales[0].inputRows,
      maxRows: scales[scales.length - 1].inputRows,
      steps: 2,
    },
  });

/** Time in-memory = 1 + 2e-6·rows s, streaming = 1.5 + 1e-6·rows s; memory as given per size. */
const crossingTime = (rows: number) => ({ "in-memory": 1 + 2e-6 * rows, streaming: 1.5 + 1e-6 * rows });

test("a weighted least-squares line through points on a line is that line", (t) => {
  // y = 1 + 2e-6·x: (1e5, 1.2), (1e6, 3), (1e7, 21)
  const line = fitLine([
    { x: 1e5, y: 1.2 },
    { x: 1e6, y: 3 },
    { x: 1e7, y: 21 },
  ])!;
  t.true(Math.abs(line.intercept - 1) < 1e-9);
  t.true(Math.abs(line.slope - 2e-6) < 1e-15);
  t.is(fitLine([{ x: 5, y: 1 }]), null, "one size gives no line");
});

test("two lines cross where fixed cost difference / per-row cost difference says", (t) => {
  // in-memory 1 + 2e-6·x, streaming 1.5 + 1e-6·x: streaming below from (1.5 − 1) / (2e-6 − 1e-6) = 500,000
  t.is(linesCrossover({ intercept: 1, slope: 2e-6 }, { intercept: 1.5, slope: 1e-6 }), 500_000);
  // streaming cheaper at 0 rows and growing slower: below everywhere
  t.is(linesCrossover({ intercept: 1, slope: 2e-6 }, { intercept: 0.5, slope: 1e-6 }), -Infinity);
  // parallel, streaming above: never
  t.is(linesCrossover({ intercept: 1, slope: 2e-6 }, { intercept: 2, slope: 2e-6 }), Infinity);
  // streaming cheaper at 0 rows but growing faster: it loses at large sizes, so it never takes over
  t.is(linesCrossover({ intercept: 1, slope: 1e-6 }, { intercept: 0.5, slope: 2e-6 }), Infinity);
});

test("lines that cross inside the range give the crossover rows with a 95% interval around them", (t) => {
  // Time: in-memory 1.2, 1.6, 3, 7 s; streaming 1.6, 1.8, 2.5, 4.5 s at 1e5, 3e5, 1e6, 3e6 rows:
  // exactly the lines above, so the crossover is 500,000 rows.
  // Memory: in-memory 100 + 400e-6·x = 140, 220, 500, 1300 MB; streaming 150 + 50e-6·x = 155, 165, 200, 300 MB:
  // streaming lower from (150 − 100) / (400e-6 − 50e-6) = 50 / 350e-6 = 142,857 rows.
  const r = sweepOf(SIZES.map((x) => size(x, crossingTime(x), { "in-memory": 100 + 400e-6 * x, streaming: 150 + 50e-6 * x })));
  const a = analyseSweep(r);
  const time = a.crossover.time;
  t.is(time.outcome, "crossover");
  t.is(time.method, "line");
  t.true(Math.abs(time.rows! - 500_000) < 1e-3);
  t.true(time.interval!.low < 500_000 && time.interval!.high > 500_000, JSON.stringify(time.interval));
  t.true(Number.isFinite(time.interval!.low) && Number.isFinite(time.interval!.high));
  const memory = a.crossover.memory;
  t.is(memory.outcome, "crossover");
  t.true(Math.abs(memory.rows! - 50 / 350e-6) < 1e-3);
  // fits: fixed 1 s and 2 s per million rows in-memory; memory growth 400 MB per million rows
  t.true(Math.abs(a.fits.time["in-memory"]!.line.intercept - 1) < 1e-9);
  t.true(Math.abs(a.fits.time["in-memory"]!.line.slope * 1e6 - 2) < 1e-9);
  t.true(Math.abs(a.fits.memory["in-memory"]!.line.slope * 1e6 - 400) < 1e-6);
  t.true(a.fits.time.streaming!.straight);
  // summary.json's derived.crossover carries the same figures
  const figures = crossoverFigures(a);
  t.is(figures.time!.rows, time.rows!);
  t.is(figures.time!.low, time.interval!.low);
  t.is(figures.time!.high, time.interval!.high);
  // the resampling is seeded: the same report gives the same interval
  t.deepEqual(analyseSweep(r).crossover.time.interval, time.interval);
  t.regex(crossoverSentence(time, 3), /^streaming is faster from about 500,000 input rows \(95% interval [\d,]+–[\d,]+, where the crossover falls when each size's runs are resampled: it covers their run-to-run spread\)$/);
});

test("lines that cross beyond the largest size are reported as no crossover in range, with where they would cross", (t) => {
  // in-memory 1 + 2e-6·x, streaming 1.5 + 1.9e-6·x: they would cross at 0.5 / 0.1e-6 = 5,000,000 rows, beyond 3,000,000
  const r = sweepOf(SIZES.map((x) => size(x, { "in-memory": 1 + 2e-6 * x, streaming: 1.5 + 1.9e-6 * x }, { "in-memory": 100, streaming: 50 })));
  const a = analyseSweep(r);
  const time = a.crossover.time;
  t.is(time.outcome, "no-crossover");
  t.is(time.rows, null);
  t.true(Math.abs(time.linesCrossAt! - 5_000_000) < 1e-3);
  t.is(crossoverFigures(a).time, null);
  t.regex(crossoverSentence(time, 3), /^no crossover between 100,000 and 3,000,000 rows: in-memory is still faster at 3,000,000 rows; the lines would cross at about 5,000,000 rows/);
  // memory: streaming 50 MB below in-memory's 100 MB at every size
  t.is(a.crossover.memory.outcome, "streaming-throughout");
  t.is(crossoverFigures(a).memory, null);
  t.regex(crossoverSentence(a.crossover.memory, 3), /^no crossover between 100,000 and 3,000,000 rows: streaming uses less peak memory at every size/);
});

test("between two bracketing sizes the crossover is interpolated on log rows", (t) => {
  // d = streaming − in-memory = +1 at 1e5 and −1 at 1e6: halfway on log rows, sqrt(1e5 · 1e6) = 316,227.77
  const x = bracketCrossover([
    { rows: 1e5, inMemory: 1, streaming: 2 },
    { rows: 1e6, inMemory: 2, streaming: 1 },
  ]);
  t.true(Math.abs(x.rows - Math.sqrt(1e11)) < 1e-6);
  // streaming wins, loses, then wins from the 4th size on: the crossover is between the 3rd and 4th
  // (d = +1 at 1e6 and −3 at 1e7: a quarter of the way, 1e6 · 10^0.25 = 1,778,279.4)
  const y = bracketCrossover([
    { rows: 1e4, inMemory: 2, streaming: 1 },
    { rows: 1e5, inMemory: 1, streaming: 2 },
    { rows: 1e6, inMemory: 1, streaming: 2 },
    { rows: 1e7, inMemory: 4, streaming: 1 },
  ]);
  t.true(Math.abs(y.rows - 1e6 * 10 ** 0.25) < 1e-3);
  t.is(bracketCrossover([{ rows: 1, inMemory: 2, streaming: 1 }]).rows, -Infinity, "wins everywhere");
  t.is(bracketCrossover([{ rows: 1, inMemory: 1, streaming: 2 }]).rows, Infinity, "never wins");
});

test("when a straight line does not fit, the report says so and takes the crossover between the bracketing sizes", (t) => {
  // Memory: in-memory 100, 100, 100 then 1,000 MB at 3e6 rows (a knee no line follows: a line through
  // the first three misses 1,000 by 90%, one through 1,000 misses the 100s); streaming flat at 200 MB.
  // d = +100, +100, +100, −800: between 1e6 and 3e6, t = 100 / 900 = 1/9 of the way on log rows:
  // 1e6 · 3^(1/9) = 1e6 · e^(1.0986123 / 9) = 1e6 · e^0.1220680 = 1,129,830.8 rows.
  const memory = [100, 100, 100, 1000];
  const r = sweepOf(SIZES.map((x, i) => size(x, crossingTime(x), { "in-memory": memory[i], streaming: 200 }, [0.99, 1, 1.01])));
  const a = analyseSweep(r);
  const fit = a.fits.memory["in-memory"]!;
  t.false(fit.straight);
  t.true(fit.worst.relative > 0.15);
  t.true(a.fits.memory.streaming!.straight);
  const c = a.crossover.memory;
  t.is(c.method, "bracket");
  t.is(c.outcome, "crossover");
  t.true(Math.abs(c.rows! - 1e6 * 3 ** (1 / 9)) < 1e-3, String(c.rows));
  t.deepEqual(c.bracket, { below: { scale: "rows-1000000", rows: 1e6 }, above: { scale: "rows-3000000", rows: 3e6 } });
  // every resample keeps the sign change between 1e6 and 3e6, so the interval stays inside that bracket
  t.true(c.interval!.low >= 1e6 && c.interval!.high <= 3e6, JSON.stringify(c.interval));
  t.regex(c.methodNote, /^a straight line does not fit in-memory \(.*off\)/);
  const section = sweepSection(r, a).join("\n");
  t.regex(section, /between rows-1000000 \(1,000,000 rows\) and rows-3000000 \(3,000,000 rows\), interpolated on log rows/);
  t.regex(section, /\*\*not straight\*\*/);
  // time still takes the lines
  t.is(a.crossover.time.method, "line");
});

test("one run per size gives the crossover without an interval, and says why", (t) => {
  const r = sweepOf(SIZES.map((x) => size(x, crossingTime(x), { "in-memory": 100, streaming: 50 }, [1])));
  const a = analyseSweep(r);
  t.is(a.crossover.time.interval, null);
  t.is(a.fits.time["in-memory"]!.slopeInterval, null);
  t.regex(crossoverSentence(a.crossover.time, 1), /no interval: 1 run per size; an interval needs 3 or more \(use --runs 3\)/);
  t.deepEqual(crossoverFigures(a).time, { rows: a.crossover.time.rows!, low: null, high: null });
});

test("two runs per size give no crossover interval: a resampled median of 2 runs takes only 3 values, too few to show the noise", (t) => {
  // the same crossing sweep as above, two runs per mode at median × (0.98, 1.02)
  const r = sweepOf(SIZES.map((x) => size(x, crossingTime(x), { "in-memory": 100, streaming: 50 }, [0.98, 1.02])));
  const a = analyseSweep(r);
  t.is(a.crossover.time.outcome, "crossover");
  t.is(a.crossover.time.interval, null);
  t.regex(crossoverSentence(a.crossover.time, a.bootstrap.repetitionsPerSize), /no interval: 2 runs per size; an interval needs 3 or more/);
  t.regex(liveCrossoverText(a), /time: from ~[\d.]+k rows \(no interval, 2 runs\)/);
});

test("a size whose mode failed validation is left out of the fits and the crossover", (t) => {
  const scales = SIZES.map((x) => size(x, crossingTime(x), { "in-memory": 100, streaming: 50 }));
  scales[3].runs[0] = { ...scales[3].runs[0], validation: "FAIL" };
  const a = analyseSweep(sweepOf(scales));
  t.is(a.fits.time["in-memory"]!.sizes, 3);
  t.is(a.crossover.time.range!.maxRows, 1_000_000);
  t.false(a.sizes.some((s) => s.time["in-memory"] !== undefined && s.rows === 3_000_000));
});

test("the 95% interval takes the 2.5th and 97.5th percentile by nearest rank", (t) => {
  const values = Array.from({ length: 40 }, (_, i) => 40 - i); // 40 .. 1
  // rank ceil(0.025 · 40) = 1 -> 1; rank ceil(0.975 · 40) = 39 -> 39
  t.is(quantile(values, 0.025), 1);
  t.is(quantile(values, 0.975), 39);
  t.is(quantile([Infinity, 1, -Infinity], 0.025), -Infinity);
});

test("crossover.svg has a panel per metric, a fitted line per mode in each, and the crossover marked", (t) => {
  const r = sweepOf(SIZES.map((x) => size(x, crossingTime(x), { "in-memory": 100 + 400e-6 * x, streaming: 150 + 50e-6 * x })));
  const svg = crossoverChartSvg(analyseSweep(r));
  const checked = checkWellFormed(svg);
  t.true(checked.ok, checked.ok ? "" : checked.error);
  t.is(svg.match(/class="panel"/g)?.length, 2);
  t.is(svg.match(/class="fit"/g)?.length, 4);
  t.is(svg.match(/class="crossover"/g)?.length, 2);
  t.regex(svg, /streaming faster from ~500k rows \(95% over resampled runs: /);
  t.regex(svg, /log scale/);
  const legend = svg.slice(svg.indexOf('<g class="legend">'));
  t.deepEqual([...legend.matchAll(/<text[^>]*>(in-memory|streaming|duckdb|postgres)<\/text>/g)].map((m) => m[1]), ["in-memory", "streaming"], "the legend names the modes the sweep measured, no others");
});

test("a sweep's COMPARISON_REPORT.md opens with the sweep's headline, the same as summary.json's, not one size's verdict", (t) => {
  const memory = [100, 100, 100, 1000];
  const r = sweepOf(SIZES.map((x, i) => size(x, crossingTime(x), { "in-memory": memory[i], streaming: 200 }, [0.99, 1, 1.01])));
  const headline = sweepHeadline(r);
  t.regex(headline, /^PASS: time: .*; memory: /);
  t.is(comparisonReport(r).split("\n")[2], `**${headline}**`);
  t.is(JSON.parse(summaryJson(r)).headline, headline);
});

test("under a list of memory limits the lines are fitted on the largest limit's sizes only, and the report says so", (t) => {
  const MiB = 1024 * 1024;
  const under = (bytes: number, s: ScaleResult): ScaleResult => ({
    ...s,
    scale: `${s.scale}@${bytes / MiB}MiB`,
    runs: s.runs.map((r) => ({ ...r, limits: { memoryLimitBytes: bytes, cpus: null, preset: null, timeoutSeconds: null, capBytes: bytes, capSource: "limit", enforcement: "cgroup v1", told: "nothing" } })),
  });
  // under 4 GiB the lines cross at 500,000 rows; under 400 MiB streaming is 3 s slower at every
  // size (another crossover), which must not move the one fitted on 4 GiB
  const large = SIZES.map((x) => under(4096 * MiB, size(x, crossingTime(x), { "in-memory": 100, streaming: 50 })));
  const small = SIZES.map((x) => under(400 * MiB, size(x, { "in-memory": 1 + 2e-6 * x, streaming: 4.5 + 1e-6 * x }, { "in-memory": 100, streaming: 50 })));
  const a = analyseSweep(sweepOf([...small, ...large]));
  t.is(a.fittedUnderBytes, 4096 * MiB);
  t.deepEqual(a.sizes.map((s) => s.scale), large.map((s) => s.scale), "each size once, the 4 GiB ones");
  t.true(Math.abs(a.crossover.time.rows! - 500_000) < 1e-3, "the crossover of the 4 GiB sizes alone");
  t.true(sweepSection(sweepOf([...small, ...large]), a).some((line) => /under the largest \(4 GiB\)/.test(line)));
  t.is(analyseSweep(sweepOf(large)).fittedUnderBytes, undefined, "one limit: nothing to choose, nothing said");
});

test("a size with no recorded limit (its runs failed, or not run yet) does not count as a limit of its own: one limit is fitted as before", (t) => {
  const MiB = 1024 * 1024;
  const limits = { memoryLimitBytes: 750 * MiB, cpus: null, preset: null, timeoutSeconds: null, capBytes: 750 * MiB, capSource: "limit" as const, enforcement: "cgroup v1" as const, told: "nothing" };
  const under = (s: ScaleResult): ScaleResult => ({ ...s, runs: s.runs.map((r) => ({ ...r, limits })) });
  const good = SIZES.map((x) => under(size(x, crossingTime(x), { "in-memory": 100, streaming: 50 })));
  const notRunYet: ScaleResult = { ...size(5_000_000, crossingTime(5_000_000), { "in-memory": 100, streaming: 50 }), runs: [] };
  const a = analyseSweep(sweepOf([...good, notRunYet]));
  t.is(a.fittedUnderBytes, undefined);
  t.true(Math.abs(a.crossover.time.rows! - 500_000) < 1e-3, "the crossover of the sizes that ran");
});
