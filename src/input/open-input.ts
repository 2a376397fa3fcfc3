// The one entry for the data a user gives with --input, for `aggregate` and `run` alike: which
// layout it holds (detectInput), and the input opened once, in the parent (openInput): CSV input
// as it arrives (plain or gzipped nise CSVs, operator payloads, their extracted folders) staged into
// a folder of plain nise CSVs (user-input.ts); a Koku parquet tree, local or s3://bucket/prefix, read
// where it is. A pipeline child gets only what jobInputOf makes of it: the staged folder, never the
// user's files as they arrived.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename } from "node:path";
import { NISE_CSV_NAME } from "../contract/input-tables.ts";
import type { JobInput, S3Access } from "../contract/job.ts";
import { UsageError } from "../errors.ts";
import { folderPrefix, type S3Tree } from "../storage/objects.ts";
import { walkInputFolder } from "../storage/local-files.ts";
import { s3SettingsFromEnv, toS3Access } from "../storage/settings.ts";
import { stageUserInput, type StagedInput } from "./user-input.ts";



/** `s3://bucket/prefix` → bucket and the folder the prefix means ("pq" and "pq/" → "pq/"); null when not an s3:// address. */
export function parseS3Url(text: string): S3Tree | null {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (!m) return null;
  return { bucket: m[1], prefix: folderPrefix(m[2]) };
}

/** What --input holds, found without reading a file's contents. */
export type InputLayout = ({ kind: "s3" } & S3Tree) | { kind: "parquet"; dir: string } | { kind: "csv"; path: string };

const CSV_INPUT_FILE = /\.(csv|csv\.gz|tar\.gz|tgz|tar)$/i;

/**
 * Which layout the input holds: the Koku parquet layout (local or s3://), or CSV input as it
 * arrives. A folder is a parquet tree only when it holds parquet files and no CSV input: parquet
 * files among CSV input are staging's to name as skipped, as it names every file it does not read.
 */
export function detectInput(path: string): InputLayout {
  const tree = parseS3Url(path);
  if (tree) return { kind: "s3", ...tree };
  if (!existsSync(path)) throw new UsageError(`--input: ${path} does not exist`);
  if (!statSync(path).isDirectory()) {
    if (CSV_INPUT_FILE.test(path)) return { kind: "csv", path };
    throw new UsageError(`--input: ${path} is neither a folder, a nise .csv/.csv.gz file nor a .tar.gz payload`);
  }
  if (readdirSync(path).some((n) => NISE_CSV_NAME.test(n))) return { kind: "csv", path };
  const names = walkInputFolder(path).files.map((p) => basename(p));
  const csvInput = names.some((n) => CSV_INPUT_FILE.test(n) || n === "manifest.json");
  if (!csvInput && names.some((n) => n.endsWith(".parquet"))) return { kind: "parquet", dir: path };
  // CSV input, or nothing usable: staging says what it found and why each file was not read
  return { kind: "csv", path };
}

/** The access to an S3 input's server, from AWS_ENDPOINT_URL and the AWS_* credentials. */
export function s3AccessFromEnv(path: string, tree: S3Tree, env: Record<string, string | undefined> = process.env): S3Access {
  const settings = s3SettingsFromEnv(env, { bucket: tree.bucket });
  if (!settings) throw new UsageError(`--input ${path}: set AWS_ENDPOINT_URL (and the AWS_* credentials) to the S3 server that holds it`);
  return toS3Access(settings);
}

/** The input as the readers take it: CSV input staged (the files used, as given, and those skipped), a parquet tree where it is. */
export type OpenedInput = ({ kind: "s3" } & S3Tree) | { kind: "parquet"; dir: string } | { kind: "csv"; dir: string; staged: StagedInput };

/**
 * Detects (unless the caller already did) and opens `path` once: CSV input is staged into
 * `stageDir` (created when needed; the caller removes it), a parquet tree is left where it is.
 */
export async function openInput(path: string, stageDir: string, layout: InputLayout = detectInput(path)): Promise<OpenedInput> {
  if (layout.kind !== "csv") return layout;
  const staged = await stageUserInput(layout.path, stageDir);
  return { kind: "csv", dir: staged.dir, staged };
}

/** The job's input for a pipeline child: the staged folder, the local tree, or the S3 tree with its access. */
export function jobInputOf(opened: OpenedInput, s3: S3Access | null): JobInput {
  if (opened.kind !== "s3") return { kind: opened.kind, dir: opened.dir };
  if (s3 === null) throw new Error(`s3://${opened.bucket}/${opened.prefix}: no S3 access given for the child`);
  return { kind: "s3", bucket: opened.bucket, prefix: opened.prefix, s3 };
}
