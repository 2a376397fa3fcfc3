// Which layout --input holds, for run and aggregate alike: a parquet tree only when parquet is all
// there is; CSV input as it arrives otherwise, and staging names every file it does not read.
import test from "ava";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { detectInput, openInput } from "../../src/input/open-input.ts";
import { DataError } from "../../src/errors.ts";
import { stageUserInput } from "../../src/input/user-input.ts";
import { POD_HEADER, POD_ROW, tempFolder } from "../nise/helpers.ts";

const POD_CSV = `${POD_HEADER}\r\n${POD_ROW}\r\n`;

test("a folder of CSV input with a stray parquet file is CSV input, and the parquet file is named as skipped, not the whole input refused", async (t) => {
  const { dir, cleanup } = tempFolder("open-input");
  try {
    mkdirSync(join(dir, "in", "sub"), { recursive: true });
    writeFileSync(join(dir, "in", "sub", "January-2024-c1-ocp_pod_usage.csv.gz"), gzipSync(POD_CSV));
    writeFileSync(join(dir, "in", "stray.parquet"), "PAR1");
    t.is(detectInput(join(dir, "in")).kind, "csv");
    const opened = await openInput(join(dir, "in"), join(dir, "stage"));
    if (opened.kind !== "csv") return t.fail(opened.kind);
    t.deepEqual(opened.staged.used.map((u) => u.reportType), ["ocp_pod_usage"]);
    t.deepEqual(opened.staged.skipped.map((s) => s.source), [join(dir, "in", "stray.parquet")]);
  } finally {
    cleanup();
  }
});

test("a folder of parquet files only is a parquet tree", (t) => {
  const { dir, cleanup } = tempFolder("open-input");
  try {
    mkdirSync(join(dir, "tree", "openshift_pod_usage_line_items"), { recursive: true });
    writeFileSync(join(dir, "tree", "openshift_pod_usage_line_items", "part-0.parquet"), "PAR1");
    t.deepEqual(detectInput(join(dir, "tree")), { kind: "parquet", dir: join(dir, "tree") });
  } finally {
    cleanup();
  }
});

test("one .csv.gz file is CSV input, staged like a folder holding it", async (t) => {
  const { dir, cleanup } = tempFolder("open-input");
  try {
    const file = join(dir, "January-2024-c1-ocp_pod_usage.csv.gz");
    writeFileSync(file, gzipSync(POD_CSV));
    t.deepEqual(detectInput(file), { kind: "csv", path: file });
    const staged = await stageUserInput(file, join(dir, "stage"));
    t.deepEqual(staged.used.map((u) => u.source), [file]);
  } finally {
    cleanup();
  }
});

test("a folder with nothing usable is refused by staging, naming what it skipped and why", async (t) => {
  const { dir, cleanup } = tempFolder("open-input");
  try {
    mkdirSync(join(dir, "in"));
    writeFileSync(join(dir, "in", "notes.txt"), "hello");
    const e = await t.throwsAsync(openInput(join(dir, "in"), join(dir, "stage")), { instanceOf: DataError });
    t.regex(e!.message, /no pod usage CSV found.*notes\.txt: not OCP data/);
  } finally {
    cleanup();
  }
});
