// Control characters inside a label value (a tab, a line feed and a carriage return inside a
// quoted CSV field, U+0001, U+001F, DEL, U+2028). Kubernetes forbids them in label values, but a CSV
// from elsewhere may hold them: every mode must give the reference's answer, the label as valid
// JSON with the characters escaped as JSON.stringify escapes them. The plans used to escape only
// `\` and `"`, so their JSON did not parse ("Bad control character in string literal").
import test from "ava";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { copyFixture, csvFixtureToParquet, removeDir, runPipelineChild, runSummary, tempDir } from "./helpers.ts";

/** p1's label value in January (48 hourly rows, Jan 30 and 31): "x", then the hostile characters. */
const VALUE = "x\ty\nz\rw\u0001\u001f\u007f\u2028v";
/**
 * What every mode must write for p1's pod_labels on those two days, by hand: the node's (a, c) and
 * namespace's (nk) labels merged with the pod's (app, env), keys sorted; in the string, tab, line
 * feed and carriage return as \t \n \r, U+0001 and U+001F as \u0001 \u001f, DEL and U+2028 as they are.
 */
const EXPECTED_LABELS = '{"a":"b","app":"x\\ty\\nz\\rw\\u0001\\u001f\u007f\u2028v","c":"d","env":"y","nk":"nv"}';

/** random-defaults with p1's January pod labels (label_app:x|label_env:y) given VALUE, in a quoted field. */
function hostileInput(): string {
  const dir = copyFixture("random-defaults");
  const file = join(dir, readdirSync(dir).find((f) => f.startsWith("January") && f.endsWith("ocp_pod_usage.csv"))!);
  const text = readFileSync(file, "utf8");
  const edited = text.replaceAll("label_app:x|label_env:y", `"label_app:${VALUE}|label_env:y"`);
  if (edited === text) throw new Error("the fixture no longer holds p1's labels");
  writeFileSync(file, edited);
  return dir;
}

const p1Labels = (rows: SummaryRow[]) =>
  rows
    .filter((r) => r.pod_labels?.includes('"app"') && r.usage_start < "2024-02-01").map((r) => [r.usage_start, r.pod_labels, r.all_labels])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1)); // the modes write their rows in no set order
const EXPECTED_P1 = [
  ["2024-01-30", EXPECTED_LABELS, EXPECTED_LABELS],
  ["2024-01-31", EXPECTED_LABELS, EXPECTED_LABELS],
];

test("control characters in a label value: the reference escapes them as JSON.stringify does", async (t) => {
  const dir = hostileInput();
  try {
    const reference = (await aggregateInput(dir, "reference")).rows;
    t.deepEqual(p1Labels(reference), EXPECTED_P1);
    t.is(JSON.parse(EXPECTED_LABELS).app, VALUE, "the expected text parses back to the value");
  } finally {
    removeDir(dir);
  }
});

for (const mode of ["in-memory", "streaming", "duckdb", "postgres"] as const) {
  test(`control characters in a label value: ${mode} gives the reference's rows, the label escaped as valid JSON`, async (t) => {
    const dir = hostileInput();
    // postgres reads parquet only (the CSV is converted first, as run does)
    const parquet = mode === "postgres" ? csvFixtureToParquet(dir) : null;
    try {
      const rows = await runSummary(mode, parquet ? { kind: "parquet", dir: parquet } : { kind: "csv", dir });
      t.deepEqual(p1Labels(rows), EXPECTED_P1);
      const r = compareSummaries((await aggregateInput(dir, "reference")).rows, rows, DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", JSON.stringify({ rows: r.rows, samples: r.samples }).slice(0, 2000));
    } finally {
      removeDir(dir);
      if (parquet) removeDir(parquet);
    }
  });
}

/** random-defaults with a NUL (U+0000) inside p1's January app label value: "x<NUL>y". */
function nulInput(): string {
  const dir = copyFixture("random-defaults");
  const file = join(dir, readdirSync(dir).find((f) => f.startsWith("January") && f.endsWith("ocp_pod_usage.csv"))!);
  writeFileSync(file, readFileSync(file, "utf8").replaceAll("label_app:x|label_env:y", "label_app:x\u0000y|label_env:y"));
  return dir;
}

test("a NUL in a label value: duckdb gives the reference's rows, the NUL escaped as \\u0000", async (t) => {
  const dir = nulInput();
  try {
    const rows = await runSummary("duckdb", { kind: "csv", dir });
    // the pod's labels (app, env) merged with the node's (a, c) and namespace's (nk), keys sorted
    const expected = '{"a":"b","app":"x\\u0000y","c":"d","env":"y","nk":"nv"}';
    t.deepEqual(p1Labels(rows), [
      ["2024-01-30", expected, expected],
      ["2024-01-31", expected, expected],
    ]);
    t.is(compareSummaries((await aggregateInput(dir, "reference")).rows, rows, DEFAULT_TOLERANCE).verdict, "PASS");
  } finally {
    removeDir(dir);
  }
});

test("a NUL in a label value: the postgres mode, whose server cannot store it, rejects the input (kind input) naming the input and the character", async (t) => {
  const dir = nulInput();
  const parquet = csvFixtureToParquet(dir);
  const out = tempDir("out");
  try {
    const result = await runPipelineChild("postgres", { kind: "parquet", dir: parquet }, join(out, "summary.parquet"));
    t.is(result.exitCode, 1);
    t.is(result.report?.kind, "input");
    t.is(result.report?.error?.startsWith(`${parquet}: the pod data holds a NUL character (U+0000) in a text column, which PostgreSQL cannot store`), true, result.report?.error);
  } finally {
    for (const d of [dir, parquet, out]) removeDir(d);
  }
});
