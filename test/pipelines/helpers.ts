// Test helpers for the pipelines: fixture copies, the nise CSV -> Koku parquet layout conversion
// (independent of the generator: polars reads the CSV as text, measures become Float64,
// timestamps Datetime("ms"), empty text null), running a pipeline child, and reading back its
// summary rows.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { KOKU_TABLE, MEASURE_COLUMNS, REPORT_TYPE, TABLE_KEYS } from "../../src/contract/input-tables.ts";
import type { Job, JobInput, Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { runChild } from "../../src/child/spawn.ts";
import { pipelineCommand } from "../../src/child/launcher.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import type { ValidationResult } from "../../src/validate/index.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";

export const FIXTURES = NISE_FIXTURES;
export const FIXTURE_NAMES = ["multi-month-shared-pv", "random-defaults"] as const;
export const SOURCE_UUID = "00000000-0000-4000-8000-000000000001";

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `streambench-${tag}-`));
}

/** A writable copy of a fixture folder. */
export function copyFixture(name: string): string {
  const dir = tempDir(`fixture-${name}`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  return dir;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Convert a folder of nise CSVs into the Koku parquet layout under a new temp folder; returns it. */
export function csvFixtureToParquet(csvDir: string): string {
  const root = tempDir("parquet");
  for (const name of readdirSync(csvDir).sort()) {
    const m = /^([A-Z][a-z]+)-(\d{4})-(.+)-(ocp_[a-z_]+?)(?:-(\d+))?\.csv$/.exec(name);
    if (!m) continue;
    const key = TABLE_KEYS.find((k) => REPORT_TYPE[k] === m[4]);
    if (!key) continue;
    const month = String(MONTHS.indexOf(m[1]) + 1).padStart(2, "0");
    const dir = join(root, "data", "1234567", "OCP", `source=${SOURCE_UUID}`, `year=${m[2]}`, `month=${month}`, KOKU_TABLE[key]);
    mkdirSync(dir, { recursive: true });
    const raw = pl.readCSV(join(csvDir, name), { inferSchemaLength: 0, hasHeader: true });
    const df = raw.select(
      ...raw.columns.map((c) => {
        if (MEASURE_COLUMNS[key].includes(c)) return pl.col(c).cast(pl.Float64);
        if (["report_period_start", "report_period_end", "interval_start", "interval_end"].includes(c)) {
          return pl.col(c).str.slice(0, 19).str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S").cast(pl.Datetime("ms")).alias(c);
        }
        return pl.when(pl.col(c).eq(pl.lit(""))).then(pl.lit(null)).otherwise(pl.col(c)).cast(pl.Utf8).alias(c);
      }),
    );
    // two files per CSV (when it has rows), so every table is read from several files
    const half = Math.ceil(df.height / 2);
    const parts = df.height > 1 ? [df.slice(0, half), df.slice(half, df.height - half)] : [df];
    parts.forEach((part, i) =>
      part.writeParquet(join(dir, name.replace(/\.csv$/, `-part${i}.parquet`)), { compression: "zstd" }),
    );
  }
  return root;
}

export interface ChildResult {
  exitCode: number | null;
  /** The last stdout line, parsed. */
  report: { ok: boolean; error?: string; kind?: string; rowsOut?: number } | null;
  stdout: string;
  stderr: string;
}

/** Run one pipeline child on a job and return its exit code and last line. */
export async function runPipelineChild(
  mode: Mode,
  input: JobInput,
  output: string,
  enabledTagKeys: string[] | null = null,
  extra: Partial<Job> = {},
): Promise<ChildResult> {
  const job: Job = { mode, input, output, enabledTagKeys, ...extra };
  const { command, args } = pipelineCommand(mode, [JSON.stringify(job)]);
  const outcome = await runChild(command, args);
  return {
    exitCode: outcome.exitCode,
    report: outcome.report as ChildResult["report"],
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}

/**
 * Run one pipeline child on `input` into a temp folder and return its summary parquet's rows; throws
 * if the child failed or its rowsOut is not the number of rows it wrote.
 */
export async function runSummary(mode: Mode, input: JobInput, extra: Partial<Job> = {}): Promise<SummaryRow[]> {
  const dir = tempDir("out");
  try {
    const output = join(dir, "summary.parquet");
    const result = await runPipelineChild(mode, input, output, null, extra);
    if (result.exitCode !== 0 || !result.report?.ok) {
      throw new Error(`${mode}/${input.kind} failed (exit ${result.exitCode}): ${result.report?.error ?? result.stderr}`);
    }
    const rows = await readSummaryParquet(output);
    if (rows.length !== result.report.rowsOut) throw new Error(`${mode}/${input.kind}: rowsOut ${result.report.rowsOut} != ${rows.length} rows`);
    return rows;
  } finally {
    removeDir(dir);
  }
}

/** What a failed compareSummaries found, for an assertion message: the failing metrics and text columns. */
export function explainValidation(r: ValidationResult): string {
  const bad = r.metrics.filter((m) => m.verdict !== "PASS").map((m) => ({ metric: m.metric, worst: m }));
  const text = r.text.filter((x) => x.mismatches > 0).map((x) => ({ column: x.column, samples: x.samples }));
  return JSON.stringify({ rows: r.rows, samples: r.samples, badMetrics: bad, badText: text }).slice(0, 4000);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
