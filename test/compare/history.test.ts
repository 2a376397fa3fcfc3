// results/history.csv and `streambench history`: lines appended per validated (scale, mode), read
// back by column name, environment changes marked in the table and on the chart.
import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendHistory, HISTORY_COLUMNS, readHistory } from "../../src/compare/history.ts";
import { environmentChanges, historyChartSvg } from "../../src/compare/history-chart.ts";
import { historyTable } from "../../src/commands/history.ts";
import { report, scale } from "../report/fixtures.ts";

const env = report([]).environment;

test("a run appends one line per validated (scale, mode) with its medians, ranges and each run's figures", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sb-history-"));
  const sc = scale("small", 7440, [1, 150], [2, 180], 3);
  sc.runs[2].durationSeconds = 1.3; // in-memory run 2: durations 1, 1.3, 1 -> median 1, range 1-1.3
  const r = report([sc], { settings: { seed: 42, profile: "constant", s3: "http://127.0.0.1:1 (access key S3RVER), bucket b (embedded s3rver)" } });
  t.is(appendHistory(dir, r, "/runs/one"), 2);
  const text = readFileSync(join(dir, "history.csv"), "utf8").split("\n");
  t.is(text[0], HISTORY_COLUMNS.join(","));
  const rows = await readHistory(join(dir, "history.csv"));
  t.is(rows.length, 2);
  const m = rows[0];
  t.is(m.mode, "in-memory");
  t.is(m.machine, "Test CPU, 2 cores, 8 GB", "a quoted field with commas reads back whole");
  t.is(m.s3, "embedded s3rver");
  t.is(m.limits, "none");
  t.is(m.runs, "3");
  t.is(m.duration_median_s, "1.0000");
  t.is(m.duration_max_s, "1.3000");
  t.is(m.durations_s, "1.0000 1.3000 1.0000");
  t.is(m.peak_memories_mb, "150.0 150.0 150.0");
  t.is(m.folder, "/runs/one");
  // a second run appends without a second header
  appendHistory(dir, report([scale("small", 7440, [1, 150], [2, 180], 3)], { startedAt: "2026-11-25T00:00:00.000Z" }), "/runs/two");
  t.is((await readHistory(join(dir, "history.csv"))).length, 4);
});

test("a (scale, mode) that failed validation adds no line", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sb-history-"));
  const sc = scale("small", 7440, [1, 150], [2, 180], 2);
  sc.runs[1].validation = "FAIL"; // streaming run 1
  t.is(appendHistory(dir, report([sc]), "/runs/x"), 1);
});

test("an environment change is starred in the table and marked on the chart with what changed", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sb-history-"));
  const runs = [
    report([scale("small", 7440, [1, 150], [2, 180], 3)], { startedAt: "2026-11-24T00:00:00.000Z" }),
    report([scale("small", 7440, [1, 150], [2, 180], 3)], { startedAt: "2026-11-25T00:00:00.000Z" }),
    report([scale("small", 7440, [1.2, 150], [2, 180], 3)], { startedAt: "2026-11-26T00:00:00.000Z", environment: { ...env, runtime: "Deno 2.5", versions: { "nodejs-polars": "0.27.0" } } }),
  ];
  for (const r of runs) appendHistory(dir, r, "/x");
  const rows = await readHistory(join(dir, "history.csv"));
  // runs 1, 2, 3 in time order; the third changed runtime and polars
  t.deepEqual(environmentChanges(rows, "small"), [{ x: 3, label: "runtime, polars" }]);
  const table = historyTable(rows).split("\n");
  t.deepEqual(table.slice(1, 7).map((l) => l.startsWith("*")), [false, false, false, false, true, true]);
  const svg = historyChartSvg(rows, "small");
  t.is(svg.match(/class="mark"/g)?.length, 2, "the mark on both charts (duration and peak memory)");
  t.regex(svg, />runtime, polars</);
  t.regex(svg, /data-mode="in-memory"/);
});

test("a file that is not a history is a data error naming it and its first line", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sb-history-"));
  writeFileSync(join(dir, "history.csv"), "a,b\n1,2\n");
  await t.throwsAsync(readHistory(join(dir, "history.csv")), { message: /history\.csv:1: not a streambench history/ });
});
