// `streambench aggregate --input PATH --mode MODE --out FILE.csv`: flags and environment made into
// a checked AggregateConfig (--out checked before any work), handed to run/aggregate.ts, which opens
// the input once (src/input/), runs the one mode (a pipeline child, or the reference in this
// process) and writes the canonical summary CSV.
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { OutputError, UsageError } from "../errors.ts";
import { parseFlags } from "./flags.ts";
import { detectInput, s3AccessFromEnv } from "../input/open-input.ts";
import { stageLimitFromEnv } from "../input/stage-files.ts";
import { AGGREGATE_MODES, checkReplaceable, runAggregate, type AggregateConfig, type AggregateMode } from "../run/aggregate.ts";
import { pgSettingsFromEnv } from "../db/settings.ts";

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

/** --out inside a local --input would replace a file the user gave (or join the input of the next run): refused before any work. */
function checkOutsideInput(out: string, config: Pick<AggregateConfig, "input" | "layout">): void {
  if (config.layout.kind === "s3") return;
  const inputReal = realpathSync(config.input);
  const outReal = join(realpathSync(dirname(resolve(out))), basename(out));
  if (outReal === inputReal || outReal.startsWith(inputReal + sep)) {
    throw new UsageError(`aggregate: --out ${out} is inside --input ${config.input}: the summary would replace or join your input; give a file outside it (nothing was written)`);
  }
}

/** The flags and the environment, checked in this order before any work: the flags given, --out, STREAMBENCH_STAGE_LIMIT, --input. */
function aggregateConfig(flags: { input?: string; mode?: string; out?: string }, env: Record<string, string | undefined> = process.env): AggregateConfig {
  const { input, mode, out } = flags;
  if (!input) throw new UsageError("aggregate: --input DIR is required (see streambench aggregate --help)");
  if (!mode) throw new UsageError(`aggregate: --mode is required: ${AGGREGATE_MODES.join(", ")}`);
  if (!(AGGREGATE_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`aggregate: --mode must be one of ${AGGREGATE_MODES.join(", ")}, got "${mode}"`);
  }
  if (!out) throw new UsageError("aggregate: --out FILE.csv is required");
  checkOutputFile(out);
  stageLimitFromEnv(env); // STREAMBENCH_STAGE_LIMIT checked before any work (the input is staged during it)
  const layout = detectInput(input);
  checkOutsideInput(out, { input, layout });
  return {
    input,
    layout,
    mode: mode as AggregateMode,
    out,
    s3: layout.kind === "s3" ? s3AccessFromEnv(input, layout, env) : null,
    pg: mode === "postgres" ? pgSettingsFromEnv(env) : null,
  };
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
  const config = aggregateConfig({ input: flags.input as string | undefined, mode: flags.mode as string | undefined, out: flags.out as string | undefined });
  const rows = await runAggregate(config, (line) => process.stderr.write(`aggregate: ${line}\n`));
  process.stderr.write(`aggregate: ${rows} summary rows (${config.mode}) -> ${config.out}\n`);
  return 0;
}
