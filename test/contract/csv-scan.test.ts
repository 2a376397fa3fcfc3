// The project's CSV scanner on its own: records as field boundaries, problems handed to the caller's
// `fail` (the reference's reader and history.csv's make DataErrors of them), and an error of
// onRecord passed through as it was thrown.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanCsvFile, type CsvRecord } from "../../src/contract/csv-scan.ts";

const dir = mkdtempSync(join(tmpdir(), "sb-csv-scan-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

class Problem extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
const fail = (message: string, line?: number) => new Problem(message, line);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const fields = (rec: CsvRecord) => Array.from({ length: rec.count }, (_, i) => rec.buf.toString("utf8", rec.starts[i], rec.ends[i]));

test("plain and quoted records, each with the physical line it starts on; blank lines skipped", async (t) => {
  // line 1 header, line 2 a quoted comma and a doubled quote, lines 3-4 one field with a line
  // break, line 5 blank, line 6 the last record
  const path = file("q.csv", 'a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",z\r\n\r\nlast,row\r\n');
  const seen: [number, string[]][] = [];
  const count = await scanCsvFile(path, (rec) => seen.push([rec.line, fields(rec)]), fail);
  t.is(count, 4);
  t.deepEqual(seen, [
    [1, ["a", "b"]],
    [2, ["x,y", 'say "hi"']],
    [3, ["two\nlines", "z"]],
    [6, ["last", "row"]],
  ]);
});

test("a problem of the file goes to fail, naming the file and the line", async (t) => {
  const path = file("cut.csv", "a,b\n1,2");
  const error = await t.throwsAsync(scanCsvFile(path, () => {}, fail), { instanceOf: Problem });
  t.is(error.message, `${path}:2: the last row has no line end: the file ends inside a row (cut short?)`);
  t.is(error.line, 2);
});

test("a file that cannot be read goes to fail; an error of onRecord passes through, errno code and all", async (t) => {
  const missing = join(dir, "missing.csv");
  const unreadable = await t.throwsAsync(scanCsvFile(missing, () => {}, fail), { instanceOf: Problem });
  t.true(unreadable.message.startsWith(`${missing}: cannot read: `));
  const full = Object.assign(new Error("no space left on the device"), { code: "ENOSPC" });
  const path = file("ok.csv", "a,b\n1,2\n");
  const passed = await t.throwsAsync(
    scanCsvFile(path, () => {
      throw full;
    }, fail),
  );
  t.is(passed, full);
});
