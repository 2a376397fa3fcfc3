// The "Which engine wins" section: per scale, the fastest and the leanest validated mode by median,
// named only when it beats the runner-up by more than the 10% band; figures chosen by hand.
import test from "ava";
import { comparisonReport } from "../../src/report/comparison-report.ts";
import { engineSentence, rankEngines } from "../../src/report/engines.ts";
import { report, run, scale } from "./fixtures.ts";

function fourEngines() {
  const s = scale("large", 372_000, [4, 400], [6, 300]);
  s.runs.push(
    run("large", "duckdb", 1, 2, 280, 372_000, { engine: "duckdb", threads: 2, memoryMeasured: "peak RSS of the DuckDB child" }),
    run("large", "postgres", 1, 40, 900, 372_000, { engine: "pglite", threads: 1, loadSeconds: 25, phases: { start: 0.5, read: 30, plan: 0.1, execute: 7.9, aggregate: 8, output: 0.2, write: 2, validate: 0.1, total: 40.1 }, memoryMeasured: "peak RSS of the child hosting PGlite" }),
  );
  return report([s]);
}

test("the fastest engine is named with its ratio to the runner-up, and memory within 10% names no winner", (t) => {
  const [r] = rankEngines(fourEngines());
  t.deepEqual(r.byTime.map((x) => x.mode), ["duckdb", "in-memory", "streaming", "postgres"]);
  // duckdb 2 s vs in-memory 4 s: 4 / 2 = 2.00x; memory duckdb 280 MB vs streaming 300 MB: 300 / 280 = 1.07, inside the band
  const sentence = engineSentence(r);
  t.regex(sentence, /duckdb is fastest: 2\.000 s, 2\.00× faster than in-memory \(4\.000 s\)/);
  t.regex(sentence, /duckdb and streaming are within 10% on peak memory/);
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
