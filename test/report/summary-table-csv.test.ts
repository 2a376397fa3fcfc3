import test from "ava";
import { summaryTableCsv } from "../../src/report/summary-table-csv.ts";
import { report, run, scale } from "./fixtures.ts";

test("SUMMARY.csv starts with the earlier benchmark's header and adds the spread after it", (t) => {
  const csv = summaryTableCsv(report([scale("small", 7440, [2, 182.2], [4, 172.3])]));
  t.is(
    csv.split("\n")[0],
    "scale,mode,status,duration_seconds,peak_memory_mb,input_rows,output_rows,validation_status," +
      "runs,duration_min_seconds,duration_max_seconds,peak_memory_min_mb,peak_memory_max_mb",
  );
});

test("SUMMARY.csv has one row per (scale, mode) with the median of the repetitions", (t) => {
  // in-memory durations 1, 3, 2 -> median 2; memory 100, 300, 200 -> median 200.
  // streaming durations 1, 2 -> median (1 + 2) / 2 = 1.5; memory 50, 70 -> 60.
  const s = scale("s", 1000, [0, 0], [0, 0]);
  s.runs = [
    run("s", "in-memory", 1, 1, 100, 1000),
    run("s", "in-memory", 2, 3, 300, 1000),
    run("s", "in-memory", 3, 2, 200, 1000),
    run("s", "streaming", 1, 1, 50, 1000),
    run("s", "streaming", 2, 2, 70, 1000),
  ];
  const lines = summaryTableCsv(report([s, scale("t", 24, [0.4123, 10.06], [0.5, 9])])).trimEnd().split("\n");
  t.deepEqual(lines.slice(1), [
    "s,in-memory,SUCCESS,2.000,200.0,1000,42,PASS,3,1.000,3.000,100.0,300.0", // output rows: round(1000 / 24) = 42 (fixture)
    "s,streaming,SUCCESS,1.500,60.0,1000,42,PASS,2,1.000,2.000,50.0,70.0",
    "t,in-memory,SUCCESS,0.412,10.1,24,1,PASS,1,0.412,0.412,10.1,10.1",
    "t,streaming,SUCCESS,0.500,9.0,24,1,PASS,1,0.500,0.500,9.0,9.0",
  ]);
});

test("SUMMARY.csv marks a (scale, mode) FAILED when a repetition failed, and FAIL when validation failed", (t) => {
  const s = scale("s", 100, [1, 10], [1, 10]);
  s.runs.push(run("s", "in-memory", 2, 1, 10, 100, { status: "FAILED", validation: "NOT_RUN" }));
  s.runs[1] = run("s", "streaming", 1, 1, 10, 100, { validation: "FAIL" });
  const lines = summaryTableCsv(report([s])).trimEnd().split("\n");
  t.true(lines[1].startsWith("s,in-memory,FAILED,"));
  t.true(lines[2].startsWith("s,streaming,SUCCESS,"));
  t.is(lines[2].split(",")[7], "FAIL");
});

test("SUMMARY.csv quotes a scale name that contains a comma", (t) => {
  const lines = summaryTableCsv(report([scale("a,b", 10, [1, 1], [1, 1])])).split("\n");
  t.true(lines[1].startsWith('"a,b",in-memory,'));
});
