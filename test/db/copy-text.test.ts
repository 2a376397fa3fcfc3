// The readback's parser of COPY's text output, fed by hand: rows split across chunks anywhere
// (inside a field, inside a UTF-8 character), escapes and NULL, and output that stops mid-row.
import test from "ava";
import { SUMMARY_COLUMNS, type SummaryRow } from "../../src/contract/summary-schema.ts";
import { Readable } from "node:stream";
import { copyTextParser } from "../../src/db/copy-text.ts";
import { drainThenParse } from "../../src/db/summary-read.ts";

/** One COPY text line: the key fields given, every measure 1.5 except the last, NULL. */
function line(keys: string[]): string {
  const measures = SUMMARY_COLUMNS.length - keys.length;
  return [...keys, ...Array.from({ length: measures - 1 }, () => "1.500000000000000"), "\\N"].join("\t") + "\n";
}

const LABELS = '{"b": "2", "a": "é"}';
const ROW_1 = line(["2025-10-01", "Pod", "ns\\tá", "node-1", "i-1", "\\N", "\\N", "\\N", LABELS, "\\N", LABELS, "\\N"]);
const ROW_2 = line(["2025-10-02", "Storage", "ns-b", "\\N", "\\N", "claim\\\\x", "pv-1", "", "\\N", "{}", "{}", "7"]);

function parse(chunks: Uint8Array[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const parser = copyTextParser((row) => rows.push(row));
  for (const c of chunks) parser.push(c);
  parser.end();
  return rows;
}

test("rows split across chunks at every byte parse the same as whole", (t) => {
  const bytes = new TextEncoder().encode(ROW_1 + ROW_2);
  const whole = parse([bytes]);
  t.is(whole.length, 2);
  t.is(whole[0].namespace, "ns\tá");
  t.is(whole[0].persistentvolumeclaim, null);
  t.is(whole[0].pod_labels, '{"a":"é","b":"2"}');
  t.is(whole[0].pod_usage_cpu_core_hours, 1.5);
  t.is(whole[0].persistentvolumeclaim_usage_gigabyte_months, null);
  t.is(whole[1].persistentvolumeclaim, "claim\\x");
  t.is(whole[1].storageclass, "");
  t.is(whole[1].cost_category_id, 7);
  for (let at = 1; at < bytes.length; at++) t.deepEqual(parse([bytes.subarray(0, at), bytes.subarray(at)]), whole, `split at byte ${at}`);
});

test("output that stops inside a row is an error, not a shorter summary", (t) => {
  const bytes = new TextEncoder().encode(ROW_1 + ROW_2.slice(0, 40));
  t.throws(() => parse([bytes]), { message: /ended inside a row/ });
});

test("a row with a field too many or too few is an error", (t) => {
  t.throws(() => parse([new TextEncoder().encode(ROW_1.replace("\n", "\textra\n"))]), { message: /row of 31 fields, expected 30/ });
  t.throws(() => parse([new TextEncoder().encode(ROW_1.replace("node-1\t", ""))]), { message: /row of 29 fields, expected 30/ });
});

test("a COPY drained ahead of the parser pauses past its read-ahead, resumes, and parses every row in order", async (t) => {
  const rows = 2000;
  let pauses = 0;
  const source = new Readable({
    read() {}, // pushed below, all at once: far faster than the parser takes it
  });
  const pause = source.pause.bind(source);
  source.pause = () => {
    pauses++;
    return pause();
  };
  for (let i = 0; i < rows; i++) source.push(Buffer.from(line([`2025-10-${String((i % 28) + 1).padStart(2, "0")}`, "Pod", `ns-${i}`, "n", "r", "\\N", "\\N", "\\N", "{}", "\\N", "{}", "\\N"])));
  source.push(null);
  const seen: string[] = [];
  await drainThenParse(source, copyTextParser((row) => seen.push(row.namespace!)), 4096);
  t.is(seen.length, rows);
  t.deepEqual(seen.slice(0, 3), ["ns-0", "ns-1", "ns-2"]);
  t.is(seen[rows - 1], `ns-${rows - 1}`);
  t.true(pauses > 0, "the read-ahead was reached and reading paused");
});

test("a COPY that breaks off or fails is an error from the drain, not a shorter summary", async (t) => {
  const broken = new Readable({ read() {} });
  const draining = drainThenParse(broken, copyTextParser(() => {}));
  broken.push(Buffer.from(line(["2025-10-01", "Pod", "ns", "n", "r", "\\N", "\\N", "\\N", "{}", "\\N", "{}", "\\N"])));
  broken.destroy();
  await t.throwsAsync(draining, { message: /stopped before its end/ });
  const failing = new Readable({ read() {} });
  const failed = drainThenParse(failing, copyTextParser(() => {}));
  failing.destroy(new Error("connection lost"));
  await t.throwsAsync(failed, { message: "connection lost" });
});
