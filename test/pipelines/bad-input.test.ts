// Bad input stops every mode with a clear error naming the file and the column (and the CSV line
// where it can), a non-zero exit, and no summary file. Fixtures are copied to a temp folder and
// damaged there.
import test from "ava";
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import type { JobInput, Mode } from "../../src/contract/job.ts";
import { copyFixture, csvFixtureToParquet, removeDir, runPipelineChild, tempDir } from "./helpers.ts";

const FIXTURE = "random-defaults";
const POD_CSV = "January-2024-test-c1-ocp_pod_usage.csv";
const MODES: Mode[] = ["in-memory", "streaming", "duckdb"];
/** The postgres mode reads its input with the same code as duckdb: two cases check its own paths. */
const POSTGRES_CASES = ["a non-numeric value in a measure", "a label string that does not parse"];

/** Rewrite one CSV (nise dialect: \r\n, unquoted fields) through a function over its rows. */
function editCsv(path: string, edit: (rows: string[][]) => string[][]): void {
  const rows = readFileSync(path, "utf8")
    .split("\r\n")
    .filter((l) => l !== "")
    .map((l) => l.split(","));
  writeFileSync(path, edit(rows).map((r) => r.join(",")).join("\r\n") + "\r\n");
}

function setCell(rows: string[][], line: number, column: string, value: string): string[][] {
  const i = rows[0].indexOf(column);
  if (i < 0) throw new Error(`no column ${column}`);
  rows[line - 1][i] = value;
  return rows;
}

interface Case {
  name: string;
  /** Build the damaged input; returns it and the strings the error must contain. */
  make(): { input: JobInput; cleanup: string[]; expect: RegExp[] };
}

const cases: Case[] = [
  {
    name: "a CSV missing a column",
    make() {
      const dir = copyFixture(FIXTURE);
      editCsv(join(dir, POD_CSV), (rows) => {
        const i = rows[0].indexOf("pod_request_cpu_core_seconds");
        return rows.map((r) => [...r.slice(0, i), ...r.slice(i + 1)]);
      });
      return { input: { kind: "csv", dir }, cleanup: [dir], expect: [new RegExp(POD_CSV), /pod_request_cpu_core_seconds/, /missing/] };
    },
  },
  {
    name: "a non-numeric value in a measure",
    make() {
      const dir = copyFixture(FIXTURE);
      editCsv(join(dir, POD_CSV), (rows) => setCell(rows, 6, "pod_usage_cpu_core_seconds", "abc"));
      return {
        input: { kind: "csv", dir },
        cleanup: [dir],
        expect: [new RegExp(POD_CSV), /pod_usage_cpu_core_seconds/, /line 6\b/, /abc/],
      };
    },
  },
  {
    name: "an empty CSV file",
    make() {
      const dir = copyFixture(FIXTURE);
      writeFileSync(join(dir, POD_CSV), "");
      return { input: { kind: "csv", dir }, cleanup: [dir], expect: [new RegExp(POD_CSV), /empty/] };
    },
  },
  {
    name: "a label string that does not parse",
    make() {
      const dir = copyFixture(FIXTURE);
      editCsv(join(dir, POD_CSV), (rows) => setCell(rows, 8, "pod_labels", "app=x;team=y"));
      return {
        input: { kind: "csv", dir },
        cleanup: [dir],
        expect: [new RegExp(POD_CSV), /pod_labels/, /line 8\b/, /does not parse/],
      };
    },
  },
  {
    name: "rows of two clusters mixed",
    make() {
      const dir = copyFixture(FIXTURE);
      copyFileSync(join(dir, POD_CSV), join(dir, POD_CSV.replace("test-c1", "other-c2")));
      return { input: { kind: "csv", dir }, cleanup: [dir], expect: [/2 clusters/, /test-c1/, /other-c2/] };
    },
  },
  {
    name: "a truncated parquet file",
    make() {
      const csv = copyFixture(FIXTURE);
      const root = csvFixtureToParquet(csv);
      const files: string[] = [];
      const walk = (d: string) => {
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (p.includes("openshift_pod_usage_line_items") && p.endsWith(".parquet")) files.push(p);
        }
      };
      walk(root);
      const victim = files.sort()[0];
      truncateSync(victim, Math.floor(statSync(victim).size / 2));
      const name = victim.split("/").pop()!;
      return { input: { kind: "parquet", dir: root }, cleanup: [csv, root], expect: [new RegExp(name), /parquet/] };
    },
  },
];

for (const c of cases) {
  for (const mode of POSTGRES_CASES.includes(c.name) ? [...MODES, "postgres" as const] : MODES) {
    test(`${mode}: ${c.name} is rejected with an error naming the file (and column, line), non-zero exit, no output`, async (t) => {
      const { input, cleanup, expect } = c.make();
      const outDir = tempDir("bad-out");
      const output = join(outDir, "summary.parquet");
      try {
        const result = await runPipelineChild(mode, input, output);
        t.not(result.exitCode, 0, "non-zero exit");
        t.is(result.report?.ok, false, `a JobFailure line: ${result.stdout}`);
        t.is(result.report?.kind, "input", "classified as bad input");
        for (const re of expect) t.regex(result.report?.error ?? "", re);
        t.false(existsSync(output), "no summary file written");
        t.deepEqual(readdirSync(outDir), [], "no temp file left either");
      } finally {
        for (const d of [...cleanup, outDir]) removeDir(d);
      }
    });
  }
}
