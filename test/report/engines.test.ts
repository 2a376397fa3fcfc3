// The "Which engine wins" section: per scale, the fastest and the leanest validated mode by median,
// named only when it beats the runner-up by more than the 10% band; figures chosen by hand.
import test from "ava";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { engineSentence, rankEngines } from "../../src/report/engines.ts";
import { report, run, scale } from "./fixtures.ts";

/** The four engines at large, `reps` identical repetitions each (so every paired ratio equals the ratio of medians). */
function fourEngines(reps = 3, duckdbSeconds: (rep: number) => number = () => 2) {
  const s = scale("large", 372_000, [4, 400], [6, 300], reps);
  for (let rep = 1; rep <= reps; rep++) {
    s.runs.push(
      run("large", "duckdb", rep, duckdbSeconds(rep), 280, 372_000, { engine: "duckdb", threads: 2, memoryMeasured: "peak RSS of the DuckDB child" }),
      run("large", "postgres", rep, 40, 900, 372_000, { engine: "pglite", threads: 1, loadSeconds: 25, phases: { start: 0.5, read: 30, plan: 0.1, execute: 7.9, aggregate: 8, output: 0.2, write: 2, validate: 0.1, total: 40.1 }, memoryMeasured: "peak RSS of the child hosting PGlite" }),
    );
  }
  return report([s]);
}

test("the fastest engine wins when the whole interval of runner-up ÷ leader clears the 10% band; memory inside it is comparable", (t) => {
  const [r] = rankEngines(fourEngines());
  t.deepEqual(r.byTime.map((x) => x.mode), ["duckdb", "in-memory", "streaming", "postgres"]);
  // duckdb 2 s vs in-memory 4 s in every pair: 4 / 2 = 2.00x, no spread, interval [2.00, 2.00] > 1.10
  t.is(r.time.class, "wins");
  t.deepEqual(r.time.interval, { lo: 2, hi: 2 });
  // memory duckdb 280 MB vs streaming 300 MB: 300 / 280 = 1.071, interval [1.071, 1.071] inside 1.10
  t.is(r.memory.class, "comparable");
  const sentence = engineSentence(r);
  t.regex(sentence, /duckdb is fastest: 2\.000 s, 2\.00× faster than in-memory \(4\.000 s; 95% interval/);
  t.regex(sentence, /duckdb and streaming are within 10% on peak memory/);
});

test("one run per engine names no winner: the lead is inconclusive until an interval exists", (t) => {
  const [r] = rankEngines(fourEngines(1));
  t.is(r.time.class, "inconclusive");
  t.is(r.time.interval, null);
  t.regex(engineSentence(r), /duckdb leads on time \(2\.000 s vs 4\.000 s, 2\.00×\) but it is inconclusive \(no interval from 1 paired run; 3 runs per mode would give one\)/);
});

test("a lead whose pairs scatter across the band is inconclusive, with the runs that would settle it", (t) => {
  // duckdb 2, 3.9, 2 s against in-memory 4 s: pair ratios 2.00, 1.03, 2.00 (log sd 0.38): the interval
  // reaches below 1.10 although the ratio of medians is 4 / 2 = 2.00
  const [r] = rankEngines(fourEngines(3, (rep) => (rep === 2 ? 3.9 : 2)));
  t.is(r.time.class, "inconclusive");
  t.true(r.time.interval !== null && r.time.interval.lo < 1.1 && r.time.interval.hi > 1.1);
  t.regex(engineSentence(r), /duckdb leads on time .* but it is inconclusive \(95% interval .* over 3 pairs/);
});

test("the report shows streaming's time over DuckDB's and what each SQL engine's memory figure measured", (t) => {
  const md = comparisonReport(fourEngines());
  // streaming 6 s / duckdb 2 s = 3.00; memory 300 / 280 = 1.07
  t.regex(md, /polars streaming takes 3\.00x DuckDB's time at large \(6\.000 s vs 2\.000 s\) and 1\.07x its peak memory/);
  t.regex(md, /large, postgres \(pglite, 1 thread\): load 25\.000 s of read 30\.000 s, query 8\.000 s/);
  t.regex(md, /peak memory = peak RSS of the child hosting PGlite/);
});

test("with only the polars modes the section is left out", (t) => {
  t.notRegex(comparisonReport(report([scale("small", 7440, [1, 100], [2, 90])])), /Which engine wins/);
});
