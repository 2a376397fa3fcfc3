// `streambench aggregate --input DIR --mode in-memory|streaming|reference --out FILE.csv`: run one
// mode of the daily summary over a folder of nise CSVs (or the Koku parquet layout) and write the
// canonical summary CSV. The polars modes run in a child process (pipelines/<mode>.ts), the
// reference in this process (plain TypeScript, CSV input).
import { accessSync, constants, existsSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";
import type { Job, JobInput, JobReport, Mode } from "../contract/job.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { NISE_CSV_NAME } from "../contract/input-tables.ts";
import { OutputError, UsageError } from "../errors.ts";
import { parseFlags } from "./flags.ts";
import { runPipeline } from "../child/launcher.ts";
import { readNiseCsvDir } from "../nise/csv-import.ts";
import { parseS3Url, readKokuTreeFromS3 } from "../nise/parquet-import.ts";
import { describeSkipped, namingSources, stageUserInput, walkInputFolder } from "../nise/user-input.ts";
import { s3SettingsFromEnv, toS3Access } from "../storage/settings.ts";
import { createS3Client, s3SettingsFromAccess } from "../storage/client.ts";
import { computeDailySummary } from "../reference/index.ts";
import { readSummaryParquet, writeSummaryCsv } from "../report/canonical-summary-csv.ts";
import { pgSettingsFromEnv, toPgAccess } from "../db/settings.ts";
import { connectPg } from "../db/pool.ts";
import { stageLimitFromEnv } from "../nise/stage-files.ts";

export const AGGREGATE_HELP = `Usage: streambench aggregate --input PATH --mode MODE --out FILE.csv

Run Koku's OpenShift daily summary over one input and write the canonical summary CSV.

  --input PATH   one of (detected automatically):
                 - nise CSV files (<Month>-<Year>-<cluster>-<report_type>[-<n>].csv), plain or
                   gzipped (.csv.gz), split parts mixed;
                 - koku-metrics-operator payloads: a .tar.gz holding manifest.json and
                   <uuid>_openshift_report.<n>.csv (report type from the CSV header, cluster id from
                   the manifest), a folder of them, or of their extracted folders;
                 - the Koku parquet layout (…/source=<uuid>/year=YYYY/month=MM/<table>/*.parquet);
                 - s3://bucket/prefix: that parquet layout in S3 (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
                   AWS_SECRET_ACCESS_KEY, AWS_REGION); read-only, nothing is written or deleted there.
                 Files that are not OCP data, or of a report type the summary does not use (VM, GPU,
                 ROS), are listed on stderr as skipped, with the reason.
  --mode MODE    in-memory   polars, every file read into memory, in-memory engine
                 streaming   polars, lazy scans, streaming engine
                 duckdb      DuckDB in-process, the project's SQL definition over read_parquet/read_csv
                 postgres    the hourly rows loaded into PostgreSQL and the same SQL run there:
                             DATABASE_URL's server if set, else a PGlite the child hosts
                 reference   plain TypeScript reference (nise CSV input only)
  --out FILE     the summary CSV to write (written whole or not at all; a new name or a regular
                 file, never a device, pipe or symbolic link, never inside --input)
  --help         this text

Bad input is rejected, never summed: a row with too few or too many fields, a file cut inside its
last row (no line end), a measure that is not a finite number (NaN, Infinity), an interval_start
that is not a timestamp. The message names the file, the line and the column. Line ends may be
\\r\\n (as nise writes them), \\n, or \\r\\r\\n. A duplicated row is counted twice, as Koku counts it.
Parquet input: a measure that is NaN or ±Infinity, or empty where nise always writes a number, is
refused naming the file, row and column. A file that cannot be read (a cut .csv.gz) is an error.
Payloads and .csv.gz files are unpacked as streams into a temporary folder, at most
STREAMBENCH_STAGE_LIMIT bytes (default 16GiB; e.g. STREAMBENCH_STAGE_LIMIT=64GiB).

Exit codes: 0 done, 2 bad flags, bad input or an unusable --out (checked before the work),
3 PostgreSQL (--mode postgres) unreachable or refusing the login, 4 internal fault, 5 --out or
the temporary folder could not be written (disk full, I/O error).`;

const MODES = ["in-memory", "streaming", "duckdb", "postgres", "reference"] as const;
type AggregateMode = (typeof MODES)[number];

/** Before any work: --out's folder exists and can be written to (a read-only disk, a missing parent). */
export function checkOutputFile(out: string): void {
  const dir = dirname(resolve(out));
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR", syscall: "stat" });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw OutputError.from(error, "aggregate: --out: cannot write into", dir);
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new OutputError(`aggregate: --out ${out}: it is a folder (give a file name, e.g. ${join(out, "summary.csv")})`, "EISDIR");
  }
  checkReplaceable(out);
}

const SPECIAL_FILES: [keyof Stats, string][] = [
  ["isSymbolicLink", "a symbolic link"],
  ["isCharacterDevice", "a character device"],
  ["isBlockDevice", "a block device"],
  ["isFIFO", "a named pipe"],
  ["isSocket", "a socket"],
];

/** The summary is renamed over --out: only a regular file (or a new name) may be replaced, never a device, pipe or link. */
function checkReplaceable(out: string): void {
  let st: Stats;
  try {
    st = lstatSync(out);
  } catch {
    return; // a new name
  }
  if (st.isFile() || st.isDirectory()) return;
  const kind = SPECIAL_FILES.find(([is]) => (st[is] as () => boolean).call(st))?.[1] ?? "not a regular file";
  throw new UsageError(`aggregate: --out ${out}: it is ${kind}; the summary is written only to a regular file or a new name (nothing was written)`);
}

/** --out inside a local --input would replace a file the user gave (or join the input of the next run): refused before any work. */
function checkOutsideInput(out: string, input: string): void {
  if (parseS3Url(input)) return;
  const inputReal = realpathSync(input);
  const outReal = join(realpathSync(dirname(resolve(out))), basename(out));
  if (outReal === inputReal || outReal.startsWith(inputReal + sep)) {
    throw new UsageError(`aggregate: --out ${out} is inside --input ${input}: the summary would replace or join your input; give a file outside it (nothing was written)`);
  }
}

/** Which layout the input holds: the Koku parquet layout (local or s3://), or CSV input as it arrives. */
export function detectInput(dir: string, env: Record<string, string | undefined> = process.env): JobInput {
  const tree = parseS3Url(dir);
  if (tree) {
    const settings = s3SettingsFromEnv(env, { bucket: tree.bucket });
    if (!settings) throw new UsageError(`--input ${dir}: set AWS_ENDPOINT_URL (and the AWS_* credentials) to the S3 server that holds it`);
    return { kind: "s3", bucket: tree.bucket, prefix: tree.prefix, s3: toS3Access(settings) };
  }
  if (!existsSync(dir)) throw new UsageError(`--input: ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) {
    if (/\.(tar\.gz|tgz|tar)$/i.test(dir)) return { kind: "csv", dir };
    throw new UsageError(`--input: ${dir} is neither a folder nor a .tar.gz payload`);
  }
  if (readdirSync(dir).some((n) => NISE_CSV_NAME.test(n))) return { kind: "csv", dir };
  const names = walkInputFolder(dir).files.map((p) => basename(p));
  if (names.some((n) => n.endsWith(".parquet"))) return { kind: "parquet", dir };
  if (names.some((n) => /\.(csv|csv\.gz|tar\.gz|tgz|tar)$/i.test(n) || n === "manifest.json")) return { kind: "csv", dir };
  throw new UsageError(`--input: ${dir} holds neither nise CSV files, operator payloads nor parquet files`);
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
    // the server answers and takes the login before the child starts: a refusal is exit 3 naming host:port and user
    if (pg) await (await connectPg(pg, { max: 1 })).end();
    const database: Job["database"] = pg
      ? { kind: "server", pg: toPgAccess(pg) }
      : undefined;
    const { report } = await runPipeline({ mode, input, output, enabledTagKeys, ...(database ? { database } : {}) });
    return { rows: await readSummaryParquet(output), report };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The reference implementation over CSV input as it arrives (see user-input.ts), or over a Koku tree in S3. */
export async function aggregateWithReference(
  dir: string,
  enabledTagKeys: string[] | null = null,
  onSkipped: (lines: string[]) => void = () => undefined,
): Promise<SummaryRow[]> {
  const tree = parseS3Url(dir);
  if (tree) {
    const input = detectInput(dir);
    if (input.kind !== "s3") throw new Error("unreachable");
    const client = createS3Client(s3SettingsFromAccess(input.s3, input.bucket));
    try {
      let skipped: string[] = [];
      const rows = await computeDailySummary(
        async (sink) => {
          const read = await readKokuTreeFromS3(client, tree, sink);
          skipped = read.skipped.map((x) => `skipped ${x.source}: ${x.reason}`);
        },
        { enabledTagKeys },
      );
      onSkipped(skipped);
      return rows;
    } finally {
      client.destroy();
    }
  }
  const work = mkdtempSync(join(tmpdir(), "streambench-input-"));
  try {
    const staged = await stageUserInput(dir, join(work, "csv"));
    onSkipped(describeSkipped(staged.skipped));
    return await computeDailySummary((sink) => readNiseCsvDir(staged.dir, sink), { enabledTagKeys }).catch((e: unknown) => {
      throw namingSources(e, staged);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  checkOutputFile(out);
  stageLimitFromEnv(); // STREAMBENCH_STAGE_LIMIT checked before any work (the polars modes stage in their child)
  const input = detectInput(inputDir);
  checkOutsideInput(out, inputDir);

  let rows: SummaryRow[];
  const sayAll = (lines: string[]) => lines.forEach((line) => process.stderr.write(`aggregate: ${line}\n`));
  if ((mode as AggregateMode) === "reference") {
    if (input.kind === "parquet") throw new UsageError("aggregate: --mode reference reads CSV input or s3://; --input holds a local parquet tree");
    rows = await aggregateWithReference(inputDir, null, sayAll);
  } else {
    const result = await aggregateWithPolars(input, mode as Mode);
    rows = result.rows;
    sayAll(describeSkipped(result.report.inputs?.skipped ?? []));
  }
  checkReplaceable(out); // again: it may have changed during the work
  await writeSummaryCsv(out, rows).catch((error) => {
    throw OutputError.from(error, "aggregate: --out: cannot write", out);
  });
  process.stderr.write(`aggregate: ${rows.length} summary rows (${mode}) -> ${out}\n`);
  return 0;
}
