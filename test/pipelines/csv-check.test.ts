// The structural check the polars modes run before reading a CSV (pipelines/csv-check.ts): quoted
// fields (commas, doubled quotes, line breaks inside) are whole fields, also across its 4 MiB read
// chunks; line numbers count physical lines; the last column's stray \r is reported for stripping.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCsvFile } from "../../pipelines/csv-check.ts";
import { REQUIRED_COLUMNS } from "../../src/nise/csv-import.ts";
import { InputError } from "../../pipelines/read-inputs.ts";

const HEADER = REQUIRED_COLUMNS.pod.join(",");

/** One pod usage row of hour h with the given pod_labels field (already quoted if need be). */
function podLine(h: number, labels: string, cpu = "1.5"): string {
  const hh = String(h % 24).padStart(2, "0");
  return [
    "2024-01-01 00:00:00 +0000 UTC", "2024-02-01 00:00:00 +0000 UTC",
    `2024-01-31 ${hh}:00:00 +0000 UTC`, `2024-01-31 ${hh}:59:59 +0000 UTC`,
    "pod-a", "ns-a", "node-a", "i-1", cpu, "2", "3", "4", "5", "6", "8", "28800", "1024", "3686400", labels,
  ].join(",");
}

function withFile(text: string, body: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "streambench-csvcheck-"));
  try {
    const path = join(dir, "January-2024-c1-ocp_pod_usage.csv");
    writeFileSync(path, text);
    body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("quoted fields with commas, doubled quotes and line breaks, across 4 MiB chunks, are whole fields", (t) => {
  // 30,000 rows of ~250 bytes = ~7.5 MB: two chunk boundaries; every 7th row's label is quoted and
  // spans two physical lines, so the rows after it sit one line further down
  const lines = [HEADER];
  for (let i = 0; i < 30_000; i++) lines.push(podLine(i, i % 7 === 0 ? `"label_k:v${i},""q""\r\nx"` : `label_k:v${i}`));
  withFile(lines.join("\r\n") + "\r\n", (path) => {
    const shape = checkCsvFile(path, "pod");
    t.is(shape.rows, 30_000);
    t.false(shape.strayCr);
  });
  // the same with one NaN in the last row: rows 0, 7, ..., 29995 take two lines each (4,286 of
  // them), so the last row (i = 29,999) starts on line 1 + 29,999 + 4,286 + 1 = 34,287
  lines[lines.length - 1] = podLine(29_999, "label_k:v", "NaN");
  withFile(lines.join("\r\n") + "\r\n", (path) => {
    const e = t.throws(() => checkCsvFile(path, "pod"), { instanceOf: InputError });
    t.regex(e.message, /line 34287, column "pod_usage_cpu_core_seconds": not a number: "NaN"$/);
  });
});

test("lines ended \\r\\r\\n: accepted, with the last column's stray \\r reported", (t) => {
  withFile([HEADER, podLine(0, "label_a:b"), podLine(1, "label_a:c")].join("\r\r\n") + "\r\r\n", (path) => {
    const shape = checkCsvFile(path, "pod");
    t.is(shape.rows, 2);
    t.true(shape.strayCr);
    t.is(shape.lastColumn, "pod_labels");
  });
});

test("an exponent that overflows to Infinity (1e999) is not a finite number", (t) => {
  withFile([HEADER, podLine(0, "label_a:b", "1e999")].join("\r\n") + "\r\n", (path) => {
    const e = t.throws(() => checkCsvFile(path, "pod"), { instanceOf: InputError });
    t.regex(e.message, /line 2, column "pod_usage_cpu_core_seconds": not a number: "1e999"/);
  });
});

test("a quoted field still open at the end of the file: the file was cut", (t) => {
  withFile(HEADER + "\r\n" + podLine(0, '"label_a:b') , (path) => {
    const e = t.throws(() => checkCsvFile(path, "pod"), { instanceOf: InputError });
    t.regex(e.message, /line 2, a quoted field is not closed before the end of the file/);
  });
});

test("a timestamp that is not a real date (February 30th) is rejected", (t) => {
  withFile(HEADER + "\r\n" + podLine(0, "x").replace("2024-01-31 00:00:00 +0000 UTC", "2024-02-30 00:00:00 +0000 UTC") + "\r\n", (path) => {
    const e = t.throws(() => checkCsvFile(path, "pod"), { instanceOf: InputError });
    t.regex(e.message, /line 2, column "interval_start": not a timestamp/);
  });
});
