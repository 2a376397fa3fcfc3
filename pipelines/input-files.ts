// Finding the hourly input of a job without opening it: nise CSV files in a folder, or the
// generator's Koku parquet layout in a folder or in S3. No polars here, so the SQL engines' children
// (pipelines/duckdb.ts, pipelines/postgres.ts) find the same files without loading polars.
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { createS3Client, s3SettingsFromAccess } from "../src/storage/client.ts";
import { folderPrefix, listObjects } from "../src/storage/objects.ts";
import { walkInputFolder } from "../src/storage/local-files.ts";
import { KOKU_TABLE, NISE_CSV_NAME, TABLE_KEYS, tableOfReportType, type TableKey } from "../src/contract/input-tables.ts";
import type { JobInput } from "../src/contract/job.ts";

/** Bad input: names the file, and where it can, the column and line. Exit code 2 in the CLI. */
export class InputError extends Error {
  override name = "InputError";
}

export interface InputFile {
  /** Local path, or s3://bucket/key. */
  path: string;
  /** Group: the cluster (CSV) or source uuid (parquet) the file belongs to. */
  group: string;
  /** CSV whose lines end in `\r\r\n`: this (last) column carries a stray `\r` to strip (csv-check.ts). */
  strayCrColumn?: string;
}

export type InputFiles = Record<TableKey, InputFile[]>;

// ---------------------------------------------------------------------------------------------
// Discovery

/** nise CSV files by report type; files of other report types (vm, gpu, ros) are ignored. */
export function discoverCsv(dir: string): InputFiles {
  const files: InputFiles = { pod: [], storage: [], nodeLabels: [], namespaceLabels: [] };
  for (const name of readdirSync(dir).sort()) {
    const m = NISE_CSV_NAME.exec(name);
    if (!m) continue;
    const key = tableOfReportType(m[4]);
    if (!key) continue;
    files[key].push({ path: join(dir, name), group: m[3] });
  }
  if (TABLE_KEYS.every((k) => files[k].length === 0)) {
    throw new InputError(`${dir}: no nise CSV files (<Month>-<Year>-<cluster>-<report_type>.csv) found`);
  }
  checkOneGroup(files, "cluster");
  return files;
}

/**
 * The files of a local parquet tree. The modes read it by file list and by glob (streaming), and a
 * glob follows links: a folder reached twice through a link would be summed twice, so it is refused,
 * as is a named pipe or device (which would block the read).
 */
function treeFiles(dir: string): string[] {
  const { files, skipped } = walkInputFolder(dir);
  if (skipped.length > 0) throw new InputError(`${skipped[0].source}: ${skipped[0].reason.replace(/: (read once|not read)$/, "")}; a parquet tree must hold each file once, with no links that repeat it`);
  return files;
}

const SOURCE_DIR = /(?:^|\/)source=([^/]+)\//;

function tableOfKey(key: string): TableKey | undefined {
  const parts = key.split("/");
  const table = parts[parts.length - 2];
  return TABLE_KEYS.find((k) => KOKU_TABLE[k] === table);
}

/** Parquet files of the Koku layout under DIR: …/source=<uuid>/year=YYYY/month=MM/<table>/*.parquet. */
export function discoverParquet(dir: string): InputFiles {
  const all = treeFiles(dir);
  const files: InputFiles = { pod: [], storage: [], nodeLabels: [], namespaceLabels: [] };
  for (const p of all) {
    if (!p.endsWith(".parquet")) continue;
    const rel = relative(dir, p).split(sep).join("/");
    const key = tableOfKey(rel);
    if (!key) continue;
    files[key].push({ path: p, group: SOURCE_DIR.exec(rel)?.[1] ?? "" });
  }
  if (files.pod.length === 0) {
    throw new InputError(`${dir}: no ${KOKU_TABLE.pod}/*.parquet files found (expected the Koku layout)`);
  }
  checkOneGroup(files, "source");
  return files;
}

/** The same layout in S3: lists the objects under s3://bucket/prefix/ (a prefix is a folder). */
export async function discoverS3(input: Extract<JobInput, { kind: "s3" }>): Promise<InputFiles> {
  const client = createS3Client(s3SettingsFromAccess(input.s3, input.bucket));
  const objects = await listObjects(client, input.bucket, folderPrefix(input.prefix));
  const files: InputFiles = { pod: [], storage: [], nodeLabels: [], namespaceLabels: [] };
  for (const o of objects) {
    if (!o.key.endsWith(".parquet")) continue;
    const key = tableOfKey(o.key);
    if (!key) continue;
    files[key].push({ path: `s3://${input.bucket}/${o.key}`, group: SOURCE_DIR.exec(o.key)?.[1] ?? "" });
  }
  if (files.pod.length === 0) {
    throw new InputError(`s3://${input.bucket}/${input.prefix}: no ${KOKU_TABLE.pod}/*.parquet objects found`);
  }
  checkOneGroup(files, "source");
  return files;
}

/** The summary is per cluster (Koku runs it per source): rows of two clusters must not be mixed. */
export function checkOneGroup(files: InputFiles, what: string): void {
  const seen = new Map<string, string>();
  for (const k of TABLE_KEYS) for (const f of files[k]) if (!seen.has(f.group)) seen.set(f.group, f.path);
  if (seen.size > 1) {
    const list = [...seen].map(([g, p]) => `${what} "${g}" (${p})`).join(", ");
    throw new InputError(`input mixes rows of ${seen.size} clusters: ${list}; aggregate one ${what} at a time`);
  }
}
