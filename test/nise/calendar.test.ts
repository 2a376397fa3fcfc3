import test from "ava";
import { hourStarts, monthList, niseTimestamp, parseDateutil } from "../../src/nise/calendar.ts";
import { generate } from "../../src/nise/generate.ts";
import type { NodeLabelRow, RowSink } from "../../src/nise/rows.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { scratch } from "./helpers.ts";

test("nise timestamps read `YYYY-MM-DD HH:MM:SS +0000 UTC`", (t) => {
  t.is(niseTimestamp(Date.UTC(2024, 0, 30)), "2024-01-30 00:00:00 +0000 UTC");
  t.is(niseTimestamp(Date.UTC(2024, 0, 30, 0, 59, 59)), "2024-01-30 00:59:59 +0000 UTC");
});

test("usage keys are month-first like dateutil; a first field above 12 is the day", (t) => {
  t.is(parseDateutil("1-31-2024"), Date.UTC(2024, 0, 31));
  t.is(parseDateutil("2-1-2024"), Date.UTC(2024, 1, 1));
  t.is(parseDateutil("2024-02-01"), Date.UTC(2024, 1, 1));
  t.is(parseDateutil("13-1-2024"), Date.UTC(2024, 0, 13));
  t.is(parseDateutil("6/1/2025"), Date.UTC(2025, 5, 1));
  t.is(parseDateutil("13-45-2024"), null);
  t.is(parseDateutil("2-30-2024"), null);
  t.is(parseDateutil("soon"), null);
});

test("an hour is emitted when its start + 59:59 is not after the end", (t) => {
  // [00:00, 03:00) -> 00:00, 01:00, 02:00
  t.deepEqual(hourStarts(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 3)), [0, 1, 2].map((h) => Date.UTC(2024, 0, 1, h)));
});

test("months: the first starts at the run start, the last ends at the run end", (t) => {
  const m = monthList(Date.UTC(2024, 0, 30), Date.UTC(2024, 1, 29));
  t.deepEqual(m.map((x) => [x.name, x.year, x.start, x.end]), [
    ["January", 2024, Date.UTC(2024, 0, 30), Date.UTC(2024, 1, 1)],
    ["February", 2024, Date.UTC(2024, 1, 1), Date.UTC(2024, 1, 29)],
  ]);
});

test("an unaligned start shifts the hours; the next month restarts at 00:00 (nise's gap)", async (t) => {
  const yaml = `generators:
  - OCPGenerator:
      start_date: 2024-01-31 05:30:00
      end_date: 2024-02-02
      nodes:
        - node:
          node_name: a
          cpu_cores: 2
          memory_gig: 4
          namespaces:
            ns:
`;
  const rows: NodeLabelRow[] = [];
  const sink: RowSink = { pod() {}, storage() {}, nodeLabel: (r) => rows.push(r), namespaceLabel() {} };
  const s = scratch();
  try {
    await generate(parseStaticReport(yaml, "m.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink });
    const starts = rows.map((r) => niseTimestamp(r.interval_start));
    // January: 05:30 .. 22:30 (22:30 + 59:59 = 23:29:59 <= Feb 1 00:00; 23:30 would end 00:29:59) = 18 hours
    t.is(starts[0], "2024-01-31 05:30:00 +0000 UTC");
    t.is(starts[17], "2024-01-31 22:30:00 +0000 UTC");
    // February restarts at 00:00 and runs to 23:00 (end_date 2024-02-02 is exclusive) = 24 hours
    t.is(starts[18], "2024-02-01 00:00:00 +0000 UTC");
    t.is(starts.length, 18 + 24);
    t.is(niseTimestamp(rows[0].interval_end), "2024-01-31 06:29:59 +0000 UTC");
  } finally {
    s.cleanup();
  }
});

test("several generators share the monthly files, generator by generator; each month only runs the generators it overlaps", async (t) => {
  const gen = (name: string, start: string, end: string) => `  - OCPGenerator:
      start_date: ${start}
      end_date: ${end}
      nodes:
        - node:
          node_name: ${name}
          cpu_cores: 2
          memory_gig: 4
          namespaces:
            ns-${name}:
`;
  const yaml = `generators:\n${gen("first", "2024-01-31", "2024-02-02")}${gen("second", "2024-02-01", "2024-02-02")}`;
  const rows: NodeLabelRow[] = [];
  const sink: RowSink = { pod() {}, storage() {}, nodeLabel: (r) => rows.push(r), namespaceLabel() {} };
  const s = scratch();
  try {
    await generate(parseStaticReport(yaml, "m.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink });
    const order = rows.map((r) => `${niseTimestamp(r.interval_start).slice(0, 10)} ${r.node}`);
    // January: only "first" (24 rows); February: all 24 hours of "first", then all 24 of "second"
    t.deepEqual([...new Set(order)], ["2024-01-31 first", "2024-02-01 first", "2024-02-01 second"]);
    t.is(order.filter((x) => x === "2024-01-31 first").length, 24);
    t.is(order.indexOf("2024-02-01 second"), 48);
  } finally {
    s.cleanup();
  }
});
