// Bad data is rejected by every mode on its own (aggregate --mode in-memory|streaming|reference):
// exit 2, one line naming the file, the line and the column, and no output file. Line endings
// Python's csv module accepts (`\n`, `\r\r\n`) are read to the same answer. The damaged files are
// made here from generated data (the small scale: 10 pods x 744 hours of October 2025).
import test from "ava";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import pl from "nodejs-polars";
import { join } from "node:path";
import { runGenerateCommand } from "../../src/commands/generate.ts";
import { startCli } from "../run/cli-process.ts";

const MODES = ["in-memory", "streaming", "reference"] as const;
const POD = "October-2025-benchmark-small-ocp_pod_usage.csv";
let generated = "";

test.before(async () => {
  generated = mkdtempSync(join(tmpdir(), "streambench-baddata-"));
  const saved = process.stderr.write.bind(process.stderr);
  const savedOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = process.stdout.write = () => true; // the generator's progress lines
  try {
    await runGenerateCommand(["--scale", "small", "--format", "csv", "--out", join(generated, "clean")]);
  } finally {
    process.stderr.write = saved;
    process.stdout.write = savedOut;
  }
});

test.after.always(() => rmSync(generated, { recursive: true, force: true }));

/** A copy of the generated data with the October pod usage file rewritten by `damage`. */
function damaged(name: string, damage: (text: string) => string): string {
  const dir = join(generated, name);
  if (!existsSync(dir)) {
    cpSync(join(generated, "clean"), dir, { recursive: true });
    writeFileSync(join(dir, POD), damage(readFileSync(join(dir, POD), "utf8")));
  }
  return dir;
}

/** The file's lines (nise writes `\r\n`) without the empty string after the last line end. */
function lines(text: string): string[] {
  return text.split("\r\n").slice(0, -1);
}

function setCell(text: string, line: number, column: string, value: string): string {
  const all = lines(text);
  const i = all[0].split(",").indexOf(column);
  const cells = all[line - 1].split(",");
  cells[i] = value;
  all[line - 1] = cells.join(",");
  return all.join("\r\n") + "\r\n";
}

async function aggregate(dir: string, mode: string): Promise<{ code: number | null; stderr: string; out: string }> {
  const outDir = mkdtempSync(join(generated, "out-"));
  const out = join(outDir, "summary.csv");
  const result = await startCli(["aggregate", "--input", dir, "--mode", mode, "--out", out]).done;
  return { code: result.code, stderr: result.stderr, out };
}

interface BadCase {
  name: string;
  make(): string;
  /** What the one line must say: line number and column, per mode. */
  expect: RegExp[];
}

// The pod file has a header and 7,440 data rows: the last row is line 7441.
const cases: BadCase[] = [
  {
    name: "a last row cut to 9 of its 19 fields (no line end)",
    make: () =>
      damaged("cut-fields", (t) => {
        const all = lines(t);
        return all.slice(0, -1).join("\r\n") + "\r\n" + all.at(-1)!.split(",").slice(0, 9).join(",");
      }),
    expect: [/7441/],
  },
  {
    name: "a last row of 9 fields ended by a line end",
    make: () =>
      damaged("short-row", (t) => {
        const all = lines(t);
        all[all.length - 1] = all.at(-1)!.split(",").slice(0, 9).join(",");
        return all.join("\r\n") + "\r\n";
      }),
    expect: [/7441/, /9 fields, the header has 19/],
  },
  {
    name: "a last row cut inside pod_labels (every column present)",
    make: () =>
      damaged("cut-labels", (t) => {
        const body = t.slice(0, -2); // without the final \r\n
        return body.slice(0, body.lastIndexOf("|") + 4); // "...|lab"
      }),
    expect: [/7441/, /no line end/],
  },
  {
    name: "NaN in a measure",
    make: () => damaged("nan", (t) => setCell(t, 6, "pod_usage_cpu_core_seconds", "NaN")),
    expect: [/\b6\b/, /pod_usage_cpu_core_seconds/, /NaN/],
  },
  {
    name: "Infinity in a measure",
    make: () => damaged("infinity", (t) => setCell(t, 7, "pod_request_cpu_core_seconds", "Infinity")),
    expect: [/\b7\b/, /pod_request_cpu_core_seconds/, /Infinity/],
  },
  {
    name: "an unparsable interval_start",
    make: () => damaged("bad-interval", (t) => setCell(t, 5, "interval_start", "yesterday")),
    expect: [/\b5\b/, /interval_start/, /yesterday/],
  },
];

for (const c of cases) {
  for (const mode of MODES) {
    test(`${mode}: ${c.name} is rejected with exit 2, file and line named, no output`, async (t) => {
      const { code, stderr, out } = await aggregate(c.make(), mode);
      t.is(code, 2, stderr);
      // the files not read (nise's header-only VM and GPU files) are listed first, one line each
      const lines = stderr.trim().split("\n").filter((line) => !line.startsWith("aggregate: skipped "));
      const first = lines[0];
      t.is(lines.length, 1, "one line, no stack trace");
      t.regex(first, new RegExp(POD));
      for (const re of c.expect) t.regex(first, re);
      t.false(existsSync(out), "no output file");
      t.deepEqual(readdirSync(join(out, "..")), [], "nothing left beside it");
    });
  }
}

/** Summary CSV rows as text, one string a row, measures rounded to 9 significant digits. */
function summaryRows(path: string): string[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((row) => row.replace(/-?\d+\.\d+(e-?\d+)?/g, (v) => String(Number(Number(v).toPrecision(9)))))
    .sort();
}

const ENDINGS: { name: string; convert(text: string): string }[] = [
  { name: "\\n line ends", convert: (t) => t.replaceAll("\r\n", "\n") },
  { name: "\\r\\r\\n line ends (a CRLF conversion applied twice)", convert: (t) => t.replaceAll("\r\n", "\r\r\n") },
];

for (const ending of ENDINGS) {
  for (const mode of MODES) {
    test(`${mode}: ${ending.name} are accepted and give the same summary as nise's \\r\\n`, async (t) => {
      const clean = await aggregate(join(generated, "clean"), mode);
      const converted = await aggregate(damaged(`endings-${ending.name.slice(0, 6).replace(/\W/g, "")}`, ending.convert), mode);
      t.is(clean.code, 0, clean.stderr);
      t.is(converted.code, 0, converted.stderr);
      const a = summaryRows(clean.out);
      const b = summaryRows(converted.out);
      t.is(b.length, a.length);
      t.deepEqual(b, a);
      t.false(readFileSync(converted.out, "utf8").includes("\r"), "no stray \\r in any label");
    });
  }
}

test("a duplicated row is counted twice by every mode, as Koku would count it", async (t) => {
  // the last row again (pod-2-4, 2025-10-31 23:00): its hour of CPU usage is summed twice, e.g.
  // 3986.64 core-seconds / 3600 = 1.1074 core-hours more for namespace-2 that day
  const dir = damaged("duplicate", (text) => text + lines(text).at(-1)! + "\r\n");
  const header = lines(readFileSync(join(dir, POD), "utf8"))[0].split(",");
  const last = lines(readFileSync(join(dir, POD), "utf8")).at(-1)!.split(",");
  const extraHours = Number(last[header.indexOf("pod_usage_cpu_core_seconds")]) / 3600; // seconds -> core-hours
  const clean = await aggregate(join(generated, "clean"), "reference");
  t.is(clean.code, 0, clean.stderr);
  const cleanTotal = totalCpuHours(clean.out);
  for (const mode of MODES) {
    const r = await aggregate(dir, mode);
    t.is(r.code, 0, `${mode}: ${r.stderr}`);
    t.is(summaryRows(r.out).length, summaryRows(clean.out).length, `${mode}: the same rows`);
    const delta = totalCpuHours(r.out) - cleanTotal;
    t.true(Math.abs(delta - extraHours) < 1e-6, `${mode}: total grows by ${extraHours}, got ${delta}`);
  }
});

/**
 * The sum of pod_usage_cpu_core_hours over the namespaces' rows of a summary CSV (the
 * "... unallocated" rows are capacity minus usage, so they would cancel the change).
 */
function totalCpuHours(path: string): number {
  const df = pl.readCSV(path, { hasHeader: true, inferSchemaLength: 0 });
  const namespaces = df.getColumn("namespace").toArray() as (string | null)[];
  const hours = df.getColumn("pod_usage_cpu_core_hours").toArray() as (string | null)[];
  let sum = 0;
  hours.forEach((v, i) => {
    if (!(namespaces[i] ?? "").endsWith(" unallocated") && v !== null && v !== "") sum += Number(v);
  });
  return sum;
}
