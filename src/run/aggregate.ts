// Running one mode once over one input, as `streambench aggregate` does: the input opened once in
// this process (src/input/: detected, CSV input staged into a temporary folder), then a pipeline
// child (pipelines/<mode>.ts, no limits) or the reference over it, and the canonical summary CSV
// written to --out. The child reads only the staged folder; its errors and its list of files read
// are named here as the user gave them, and the files not read are said with the reason.
import { lstatSync, mkdtempSync, rmSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, JobReport, Mode, S3Access } from "../contract/job.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { OutputError, UsageError } from "../errors.ts";
import { jobInputOf, openInput, type InputLayout, type OpenedInput } from "../input/open-input.ts";
import { describeSkipped, namingSources, readAsGiven, type SkippedInputFile } from "../input/user-input.ts";
import { runPipeline } from "../child/launcher.ts";
import { computeDailySummary } from "../reference/index.ts";
import { readNiseCsvDir } from "../nise/csv-import.ts";
import { readKokuTreeFromS3 } from "../nise/parquet-import.ts";
import { createS3Client, s3SettingsFromAccess } from "../storage/client.ts";
import { readSummaryParquet, writeSummaryCsv } from "../report/canonical-summary-csv.ts";
import { toPgAccess, type PgSettings } from "../db/settings.ts";
import { connectPg } from "../db/pool.ts";

export const AGGREGATE_MODES = ["in-memory", "streaming", "duckdb", "postgres", "reference"] as const;
export type AggregateMode = (typeof AGGREGATE_MODES)[number];

/** Where the work reaches beyond the input: the S3 server of an s3:// input, the PostgreSQL server of --mode postgres. */
interface AggregateServices {
  /** An s3:// input's server (src/input/open-input.ts s3AccessFromEnv). */
  s3?: S3Access | null;
  /** --mode postgres: DATABASE_URL's server; null or absent = a PGlite the child hosts. */
  pg?: PgSettings | null;
  /** null or absent = every label key enabled. */
  enabledTagKeys?: string[] | null;
}

/** `aggregate`'s flags and environment, checked. */
export interface AggregateConfig extends AggregateServices {
  /** --input as the user gave it, and what it holds. */
  input: string;
  layout: InputLayout;
  mode: AggregateMode;
  /** The summary CSV to write (checked: checkOutputFile). */
  out: string;
}

interface Aggregated {
  rows: SummaryRow[];
  /** The files the user gave that were not read, and why. */
  skipped: SkippedInputFile[];
  /** A pipeline mode's report, its files named as the user gave them. */
  report?: JobReport;
}

/** One mode over one input as the user gave it (`layout`: detected already); the stage folder is removed at the end. */
export async function aggregateInput(input: string, mode: AggregateMode, services: AggregateServices = {}, layout?: InputLayout): Promise<Aggregated> {
  // the server answers and takes the login before any work: a refusal is exit 3 naming host:port and user
  const database = mode === "postgres" ? await reachableDatabase(services.pg ?? null) : undefined;
  const work = mkdtempSync(join(tmpdir(), "streambench-input-"));
  try {
    const opened = await openInput(input, join(work, "csv"), layout);
    if (mode === "reference") return await referenceOver(opened, services);
    return await childOver(opened, mode, services, database, join(work, `summary-${mode}.parquet`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The job's database for --mode postgres: the server, once it answered and took the login; else a PGlite in the child. */
async function reachableDatabase(pg: PgSettings | null): Promise<Job["database"]> {
  if (!pg) return undefined;
  await (await connectPg(pg, { max: 1 })).end();
  return { kind: "server", pg: toPgAccess(pg) };
}

/** A pipeline mode in a child of its own over the opened input; the child's errors and files read named as the user gave them. */
async function childOver(opened: OpenedInput, mode: Mode, services: AggregateServices, database: Job["database"], output: string): Promise<Aggregated> {
  const job: Job = { mode, input: jobInputOf(opened, services.s3 ?? null), output, enabledTagKeys: services.enabledTagKeys ?? null, ...(database ? { database } : {}) };
  const staged = opened.kind === "csv" ? opened.staged : null;
  const { report } = await runPipeline(job).catch((e: unknown) => {
    throw staged ? namingSources(e, staged) : e;
  });
  const named = staged && report.inputs ? { ...report, inputs: { used: readAsGiven(staged, report.inputs.used) } } : report;
  return { rows: await readSummaryParquet(output), skipped: staged?.skipped ?? [], report: named };
}

/** The reference in this process over the staged CSVs, or over a Koku tree in S3 (a local parquet tree is for the pipeline modes). */
async function referenceOver(opened: OpenedInput, services: AggregateServices): Promise<Aggregated> {
  const options = { enabledTagKeys: services.enabledTagKeys ?? null };
  if (opened.kind === "parquet") throw new UsageError("aggregate: --mode reference reads CSV input or s3://; --input holds a local parquet tree");
  if (opened.kind === "csv") {
    const rows = await computeDailySummary((sink) => readNiseCsvDir(opened.dir, sink), options).catch((e: unknown) => {
      throw namingSources(e, opened.staged);
    });
    return { rows, skipped: opened.staged.skipped };
  }
  if (!services.s3) throw new Error(`s3://${opened.bucket}/${opened.prefix}: no S3 access given for the reference`);
  const client = createS3Client(s3SettingsFromAccess(services.s3, opened.bucket));
  try {
    let skipped: SkippedInputFile[] = [];
    const rows = await computeDailySummary(async (sink) => {
      skipped = (await readKokuTreeFromS3(client, opened, sink)).skipped;
    }, options);
    return { rows, skipped };
  } finally {
    client.destroy();
  }
}

/** `aggregate`: one mode over --input, the files not read said on the way, the summary written to --out. Returns the summary's rows. */
export async function runAggregate(config: AggregateConfig, say: (line: string) => void): Promise<number> {
  const { rows, skipped } = await aggregateInput(config.input, config.mode, config, config.layout);
  describeSkipped(skipped).forEach(say);
  checkReplaceable(config.out); // again: it may have changed during the work
  await writeSummaryCsv(config.out, rows).catch((error) => {
    throw OutputError.from(error, "aggregate: --out: cannot write", config.out);
  });
  return rows.length;
}

const SPECIAL_FILES: [keyof Stats, string][] = [
  ["isSymbolicLink", "a symbolic link"],
  ["isCharacterDevice", "a character device"],
  ["isBlockDevice", "a block device"],
  ["isFIFO", "a named pipe"],
  ["isSocket", "a socket"],
];

/** The summary is renamed over --out: only a regular file (or a new name) may be replaced, never a device, pipe or link. */
export function checkReplaceable(out: string): void {
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
