// `streambench aggregate --input DIR --mode in-memory|streaming|reference --out FILE.csv`: run one
// mode of the daily summary over a folder of nise CSVs (or the Koku parquet layout) and write the
// canonical summary CSV. The polars modes run in a child process (pipelines/<mode>.ts), the
// reference in this process (plain TypeScript, CSV input).
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, JobInput, JobReport, Mode } from "../contract/job.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { NISE_CSV_NAME } from "../contract/input-tables.ts";
import { DataError, UsageError } from "../errors.ts";
import { parseFlags } from "./flags.ts";
import { runPipeline } from "../pipeline-child.ts";
import { readNiseCsvDir } from "../nise/csv-import.ts";
import { computeDailySummary } from "../reference/index.ts";
import { readSummaryParquet, writeSummaryCsv } from "../report/summary-csv.ts";
import { pgSettingsFromEnv } from "../db/settings.ts";

export const AGGREGATE_HELP = `Usage: streambench aggregate --input DIR --mode MODE --out FILE.csv

Run Koku's OpenShift daily summary over one folder of input and write the canonical summary CSV.

  --input DIR    nise CSV files (<Month>-<Year>-<cluster>-<report_type>.csv), or the Koku parquet
                 layout (…/source=<uuid>/year=YYYY/month=MM/<table>/*.parquet); detected automatically
  --mode MODE    in-memory   polars, every file read into memory, in-memory engine
                 streaming   polars, lazy scans, streaming engine
                 duckdb      DuckDB in-process, the project's SQL definition over read_parquet/read_csv
                 postgres    the hourly rows loaded into PostgreSQL and the same SQL run there:
                             DATABASE_URL's server if set, else a PGlite the child hosts
                 reference   plain TypeScript reference (nise CSV input only)
  --out FILE     the summary CSV to write (written whole or not at all)
  --help         this text

Exit codes: 0 done, 2 bad flags or bad input (the message names the file and column), 4 fault.`;

const MODES = ["in-memory", "streaming", "duckdb", "postgres", "reference"] as const;
type AggregateMode = (typeof MODES)[number];

/** Which layout DIR holds: nise CSV files, or the Koku parquet layout. */
export function detectInput(dir: string): JobInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--input: ${dir} is not a folder`);
  const names = readdirSync(dir);
  if (names.some((n) => NISE_CSV_NAME.test(n))) return { kind: "csv", dir };
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (n.endsWith(".parquet")) return { kind: "parquet", dir };
    }
  }
  throw new UsageError(`--input: ${dir} holds neither nise CSV files nor parquet files`);
}

/** Run a pipeline mode (polars or SQL) over DIR and return its rows and report (the child's output is removed). */
export async function aggregateWithPolars(
  input: JobInput,
  mode: Mode,
  enabledTagKeys: string[] | null = null,
): Promise<{ rows: SummaryRow[]; report: JobReport }> {
  const work = mkdtempSync(join(tmpdir(), "streambench-aggregate-"));
  try {
    const output = join(work, `summary-${mode}.parquet`);
    const pg = mode === "postgres" ? pgSettingsFromEnv(process.env) : null;
    const database: Job["database"] = pg
      ? { kind: "server", pg: { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, ssl: pg.ssl } }
      : undefined;
    const { report } = await runPipeline({ mode, input, output, enabledTagKeys, ...(database ? { database } : {}) });
    return { rows: await readSummaryParquet(output), report };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The reference implementation over a folder of nise CSVs. */
export async function aggregateWithReference(dir: string, enabledTagKeys: string[] | null = null): Promise<SummaryRow[]> {
  return computeDailySummary((sink) => readNiseCsvDir(dir, sink), { enabledTagKeys });
}

export async function runAggregateCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      input: { type: "string" },
      mode: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    "aggregate",
  );
  if (flags.help) {
    process.stdout.write(AGGREGATE_HELP + "\n");
    return 0;
  }
  const inputDir = flags.input as string | undefined;
  const mode = flags.mode as string | undefined;
  const out = flags.out as string | undefined;
  if (!inputDir) throw new UsageError("aggregate: --input DIR is required (see streambench aggregate --help)");
  if (!mode) throw new UsageError(`aggregate: --mode is required: ${MODES.join(", ")}`);
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`aggregate: --mode must be one of ${MODES.join(", ")}, got "${mode}"`);
  }
  if (!out) throw new UsageError("aggregate: --out FILE.csv is required");
  const input = detectInput(inputDir);

  let rows: SummaryRow[];
  if ((mode as AggregateMode) === "reference") {
    if (input.kind !== "csv") throw new UsageError("aggregate: --mode reference reads nise CSV files; --input holds parquet");
    rows = await aggregateWithReference(inputDir);
  } else {
    rows = (await aggregateWithPolars(input, mode as Mode)).rows;
  }
  await writeSummaryCsv(out, rows);
  process.stderr.write(`aggregate: ${rows.length} summary rows (${mode}) -> ${out}\n`);
  return 0;
}
