// The data a user brings with --input, as it arrives, made into one folder of plain nise CSV files
// that every reader (the pipeline children, the reference's CSV reader, the run's parquet
// conversion) already reads; done once, in the parent (open-input.ts openInput):
//   - nise CSV files (`<Month>-<Year>-<cluster>-<report_type>[-<n>].csv`), plain or gzipped (.csv.gz),
//     split parts mixed;
//   - koku-metrics-operator / nise upload payloads: `.tar.gz` holding manifest.json and CSVs named
//     `<uuid>_openshift_report.<n>.csv`, or their extracted folders (manifest.json beside the CSVs);
//     the cluster id and month come from the manifest;
//   - a folder holding any mix of these, at any depth.
// The report type of every CSV is recognised from its header, as Koku does (masu's detect_type), not
// from its name. Files the daily summary does not use (other report types: VM, GPU, ROS) and files
// that are not OCP data are listed as skipped, with the reason; nothing is dropped silently. A CSV
// seen twice (a payload and its extracted folder) is used once. A file given that cannot be read (a
// cut .csv.gz, a corrupt payload) is an error, never a skip; payloads and gzipped files are unpacked
// as streams into the stage folder, within STREAMBENCH_STAGE_LIMIT (stage-files.ts). Nothing from a
// file's contents becomes a path: the manifest's cluster_id is checked before it names a staged file.

import { existsSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync } from "node:fs";
import { closeSync, openSync, readSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { DataError } from "../errors.ts";
import { CLUSTER_ID, NISE_CSV_NAME, REPORT_TYPE, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";
import { extractPayload, gunzipToStage, MAX_MANIFEST_BYTES, StageBudget } from "./stage-files.ts";
import { statOrFail, walkInputFolder } from "../storage/local-files.ts";
export { walkInputFolder };

/** The nise report type (file-name suffix) of a table the summary reads, e.g. "ocp_pod_usage". */
export type ReportType = (typeof REPORT_TYPE)[TableKey];
const REPORT_TYPES: readonly ReportType[] = TABLE_KEYS.map((key) => REPORT_TYPE[key]);

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A CSV the summary reads: where it came from, and its staged plain copy (or link). */
interface UsedInputFile {
  /** The file as the user gave it; `archive.tar.gz!name.csv` for a payload member. */
  source: string;
  /** The plain nise-named CSV the readers open. */
  staged: string;
  reportType: ReportType;
  clusterId: string;
  /** Filled in by whoever reads the rows. */
  rows?: number;
}

export interface SkippedInputFile {
  source: string;
  reason: string;
}

export interface StagedInput {
  /** Folder of plain nise CSV files: the input folder itself when it needed no change. */
  dir: string;
  used: UsedInputFile[];
  skipped: SkippedInputFile[];
}

// ---------------------------------------------------------------------------------------------
// Report type from the header (Koku: masu/util/ocp/common.py detect_type compares the header with
// each report type's columns). The distinguishing columns, checked in this order:

const HEADER_TYPES: { type: string; columns: string[] }[] = [
  { type: "ocp_pod_usage", columns: ["pod_usage_cpu_core_seconds", "pod_usage_memory_byte_seconds"] },
  { type: "ocp_storage_usage", columns: ["persistentvolumeclaim_capacity_bytes", "persistentvolume"] },
  { type: "ocp_node_label", columns: ["node", "node_labels"] },
  { type: "ocp_namespace_label", columns: ["namespace", "namespace_labels"] },
  { type: "ocp_vm_usage", columns: ["vm_name"] },
  { type: "ocp_gpu_usage", columns: ["gpu_uuid"] },
  { type: "ocp_ros_usage", columns: ["container_name", "cpu_usage_container_avg"] },
  { type: "ocp_ros_namespace_usage", columns: ["cpu_usage_namespace_avg"] },
];

const TYPE_NAMES: Record<string, string> = {
  ocp_vm_usage: "virtual machines, VM",
  ocp_gpu_usage: "GPUs",
  ocp_ros_usage: "resource optimization, ROS",
  ocp_ros_namespace_usage: "resource optimization per namespace, ROS",
};

export type HeaderVerdict = { used: true; type: ReportType } | { used: false; reason: string };

/** What a CSV header line says the file is. */
export function reportTypeOfHeader(headerLine: string): HeaderVerdict {
  const columns = new Set(
    headerLine
      .replace(/^\uFEFF/, "")
      .split(",")
      .map((c) => c.trim().replace(/^"|"$/g, "")),
  );
  const hit = HEADER_TYPES.find((t) => t.columns.every((c) => columns.has(c)));
  if (hit && (REPORT_TYPES as readonly string[]).includes(hit.type)) return { used: true, type: hit.type as ReportType };
  if (hit) return { used: false, reason: `OCP report type ${hit.type} (${TYPE_NAMES[hit.type]}): not used by the daily usage summary` };
  if (columns.has("interval_start") || columns.has("report_period_start")) {
    return { used: false, reason: "an OCP report of a type the daily usage summary does not use (header matches no known report type)" };
  }
  return { used: false, reason: "not OCP data: the header has no interval_start or report_period_start column" };
}

function firstLineOfBuffer(buf: Buffer): string {
  const end = buf.indexOf(0x0a);
  return buf.subarray(0, end < 0 ? Math.min(buf.length, 64 * 1024) : end).toString("utf8").replace(/\r$/, "");
}

/** The first `bytes` of a file; a file that cannot be read is a DataError naming it. */
function readHead(path: string, source: string, bytes = 256 * 1024): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new DataError(`${source}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, source);
  }
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The month (1-12, year) of a CSV's first data row (report_period_start or interval_start); a month outside 1-12 is a DataError naming the file. */
function monthOfFirstRow(data: Buffer, source: string): { year: number; month: number } | null {
  const lines = data.subarray(0, 256 * 1024).toString("utf8").split(/\r?\n/);
  const header = lines[0]?.split(",") ?? [];
  const col = Math.max(header.indexOf("report_period_start"), header.indexOf("interval_start"));
  const first = lines[1]?.split(",")[col];
  const m = first ? /^(\d{4})-(\d{2})-/.exec(first) : null;
  if (m && (Number(m[2]) < 1 || Number(m[2]) > 12)) throw new DataError(`${source}: line 2, column "${header[col]}": "${first}" is not a date (month 01-12)`, source, 2, header[col]);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

// ---------------------------------------------------------------------------------------------
// Candidates: every CSV found, with what is known of it before its header is read.

interface Candidate {
  source: string;
  /** The CSV: the user's file (linked when staged), or a copy unpacked into the stage folder. */
  path: string;
  gz?: boolean;
  /** `path` is a copy in the stage folder (a payload member, a decompressed file): moved, not linked. */
  inStage?: boolean;
  /** From the nise file name, or from a payload manifest. */
  clusterId?: string;
  year?: number;
  month?: number;
  /** Split part from the nise name, or the payload's file number; orders the parts of one type. */
  order: [string, number];
  /** The key that identifies the same CSV seen twice (payload uuid + member name). */
  identity?: string;
}

interface PayloadManifest {
  cluster_id?: string;
  uuid?: string;
  date?: string;
  start?: string;
  files?: string[];
}

function parseManifest(text: string, where: string): PayloadManifest {
  let m: PayloadManifest;
  try {
    m = JSON.parse(text) as PayloadManifest;
    if (typeof m !== "object" || m === null) throw new Error("not an object");
  } catch (e) {
    throw new DataError(`${where}: manifest.json is not valid JSON (${(e as Error).message})`, where);
  }
  checkClusterId(m.cluster_id, where);
  monthOfManifest(m, where);
  return m;
}

/** An extracted payload's manifest.json, bounded as a payload's is (stage-files.ts). */
function readManifest(path: string): string {
  const size = statSync(path).size;
  if (size > MAX_MANIFEST_BYTES) throw new DataError(`${path}: manifest.json of ${size} bytes (at most ${MAX_MANIFEST_BYTES})`, path);
  return readFileSync(path, "utf8");
}

function checkClusterId(id: unknown, where: string): void {
  if (id === undefined) throw new DataError(`${where}: manifest.json has no cluster_id`, where);
  if (typeof id !== "string" || !CLUSTER_ID.test(id)) {
    throw new DataError(
      `${where}: manifest.json cluster_id ${JSON.stringify(id)} is not a cluster id (letters, digits, ".", "_" and "-" only; no "/", ".." or control characters)`,
      where,
    );
  }
}

/** The manifest's month (start, else date); null when it gives neither; a DataError when it is not a month. */
function monthOfManifest(m: PayloadManifest, where: string): { year: number; month: number } | null {
  const field = m.start !== undefined ? "start" : "date";
  const s = m[field];
  if (s === undefined) return null;
  const hit = typeof s === "string" ? /^(\d{4})-(\d{2})-(\d{2})/.exec(s) : null;
  if (!hit || Number(hit[2]) < 1 || Number(hit[2]) > 12 || Number(hit[3]) < 1 || Number(hit[3]) > 31) {
    throw new DataError(`${where}: manifest.json ${field} ${JSON.stringify(s)} is not a date (YYYY-MM-DD..., month 01-12)`, where);
  }
  return { year: Number(hit[1]), month: Number(hit[2]) };
}

const OPERATOR_CSV = /^(.*)_openshift_report\.(\d+)\.csv$/;

function payloadCandidates(m: PayloadManifest, where: string, members: { name: string; source: string; path: string; inStage?: boolean }[]): Candidate[] {
  const when = monthOfManifest(m, where);
  return members.map((f) => {
    const n = OPERATOR_CSV.exec(f.name);
    return {
      source: f.source,
      path: f.path,
      inStage: f.inStage,
      clusterId: m.cluster_id,
      year: when?.year,
      month: when?.month,
      order: [m.uuid ?? "", n ? Number(n[2]) : 0],
      identity: `${m.uuid ?? where}/${f.name}`,
    };
  });
}

const isTarball = (name: string) => /\.(tar\.gz|tgz|tar)$/i.test(name);

const MEMBER_KINDS: Record<string, string> = { symlink: "a symbolic link", hardlink: "a hard link", other: "not a regular file" };

/** A payload tarball streamed into the stage folder: its CSV members as candidates, every other member skipped with the reason. */
async function payloadOfTarball(f: string, stage: Stage, skipped: SkippedInputFile[]): Promise<Candidate[]> {
  mkdirSync(stage.dir, { recursive: true });
  const members = await extractPayload(f, (i) => join(stage.dir, `.payload-${stage.next++}-${i}.csv`), stage.budget);
  const manifest = members.find((e) => e.manifest);
  const csvs = members.filter((e) => e.staged !== undefined);
  for (const e of members) {
    if (e === manifest || e.staged !== undefined || e.member.kind === "directory") continue;
    const why = MEMBER_KINDS[e.member.kind] ?? (basename(e.member.name) === "manifest.json" ? "a second manifest.json: the payload's first is read" : "not a CSV file (payloads hold manifest.json and CSVs)");
    skipped.push({ source: `${f}!${e.member.name}`, reason: e.member.kind === "file" ? why : `${why}: payload members are read only as regular files` });
  }
  if (!manifest) {
    for (const e of csvs) skipped.push({ source: `${f}!${e.member.name}`, reason: "payload without manifest.json: cluster id unknown" });
    return [];
  }
  const m = parseManifest(manifest.text!, f);
  return payloadCandidates(m, f, csvs.map((e) => ({ name: basename(e.member.name), source: `${f}!${e.member.name}`, path: e.staged!, inStage: true })));
}

/** The stage folder of one input, the bytes it may still take, and a counter for unique names in it. */
interface Stage {
  dir: string;
  budget: StageBudget;
  next: number;
}

/** A plain or gzipped CSV file found in the input: a candidate, or skipped with the reason. */
function candidateOfCsv(f: string, manifest: PayloadManifest | undefined, skipped: SkippedInputFile[]): Candidate | null {
  const name = basename(f);
  const gz = /\.csv\.gz$/i.test(name);
  const csvName = gz ? name.slice(0, -3) : name;
  const nise = NISE_CSV_NAME.exec(csvName);
  if (manifest) return { ...payloadCandidates(manifest, join(dirname(f), "manifest.json"), [{ name: csvName, source: f, path: f }])[0], gz };
  if (nise) {
    return { source: f, path: f, gz, clusterId: nise[3], year: Number(nise[2]), month: MONTHS.indexOf(nise[1]) + 1, order: ["", nise[5] === undefined ? 0 : Number(nise[5])] };
  }
  skipped.push({ source: f, reason: "a CSV neither named as nise names it (<Month>-<Year>-<cluster>-<report_type>.csv) nor beside a payload manifest.json: cluster and month unknown" });
  return null;
}

const PARQUET_HERE = "a parquet file: a Koku parquet tree is read from s3://bucket/prefix (run, aggregate) or from a folder of its own (aggregate), not among CSV input";

/** Every CSV the input holds (payload members already streamed into the stage folder), and the files skipped before their header is read. */
async function collect(input: string, stage: Stage): Promise<{ candidates: Candidate[]; skipped: SkippedInputFile[]; plainFolder: boolean }> {
  const candidates: Candidate[] = [];
  const st = statOrFail(input);
  if (!st.isDirectory() && !st.isFile()) throw new DataError(`--input ${input}: not a regular file or folder (a named pipe, device or socket)`, input);
  const { files, skipped } = st.isDirectory() ? walkInputFolder(input) : { files: [input], skipped: [] };
  // a folder holding manifest.json is an extracted payload: its CSVs take the manifest's cluster and month
  const manifests = new Map<string, PayloadManifest>();
  for (const f of files) if (basename(f) === "manifest.json") manifests.set(dirname(f), parseManifest(readManifest(f), f));
  // read in place only when the walk passed over nothing: the readers list the folder themselves
  let plainFolder = st.isDirectory() && skipped.length === 0;
  for (const f of files) {
    const name = basename(f);
    if (name === "manifest.json" || isTarball(name)) {
      plainFolder = false;
      if (isTarball(name)) candidates.push(...(await payloadOfTarball(f, stage, skipped)));
      continue;
    }
    if (!/\.csv(\.gz)?$/i.test(name)) {
      skipped.push({ source: f, reason: name.endsWith(".parquet") ? PARQUET_HERE : "not OCP data (neither a CSV, a .csv.gz nor a .tar.gz payload)" });
      continue;
    }
    const c = candidateOfCsv(f, manifests.get(dirname(f)), skipped);
    if (c === null || c.gz || dirname(f) !== input) plainFolder = false;
    if (c !== null) candidates.push(c);
  }
  return { candidates, skipped, plainFolder };
}

type Kept = Candidate & { type: ReportType };

/** Read a candidate's header (gunzipping it into the stage first): kept with its report type, or skipped with the reason. */
async function classify(c: Candidate, stage: Stage, skipped: SkippedInputFile[]): Promise<Kept | null> {
  if (c.gz) {
    mkdirSync(stage.dir, { recursive: true });
    const plain = join(stage.dir, `.gunzip-${stage.next++}.csv`);
    await gunzipToStage(c.path, plain, stage.budget);
    c.path = plain;
    c.inStage = true;
  }
  const head = readHead(c.path, c.source);
  const verdict = reportTypeOfHeader(firstLineOfBuffer(head));
  if (!verdict.used) {
    skipped.push({ source: c.source, reason: verdict.reason });
    return null;
  }
  if (c.year === undefined || c.month === undefined) {
    const when = monthOfFirstRow(head, c.source);
    if (!when) {
      skipped.push({ source: c.source, reason: "no month: the manifest has no start date and the file has no data row (header only)" });
      return null;
    }
    c.year = when.year;
    c.month = when.month;
  }
  return { ...c, type: verdict.type };
}

/** `run` reads a Koku parquet tree only from S3 (`aggregate` reads a local one where it is). */
export function parquetTreeRefused(input: string): DataError {
  return new DataError(
    `--input ${input}: a Koku parquet tree, which run reads only from S3: upload it and give --input s3://bucket/prefix (aggregate --input reads the folder itself)`,
    input,
  );
}

/**
 * Make `input` (a folder, or one payload .tar.gz) into a folder of plain nise CSV files. Uses
 * `input` itself when it already is one; otherwise writes into `stageDir` (created; the caller
 * removes it): gzipped files decompressed, payload members extracted, plain files linked.
 */
export async function stageUserInput(input: string, stageDir: string): Promise<StagedInput> {
  input = resolve(input);
  if (!existsSync(input)) throw new DataError(`--input ${input}: no such file or folder`, input);
  const stage: Stage = { dir: resolve(stageDir), budget: new StageBudget(), next: 0 };
  const { candidates, skipped, plainFolder } = await collect(input, stage);
  const seen = new Map<string, string>();
  const kept: Kept[] = [];
  for (const c of candidates) {
    if (c.identity) {
      const first = seen.get(c.identity);
      if (first !== undefined) {
        skipped.push({ source: c.source, reason: `the same payload CSV as ${first} (used once)` });
        continue;
      }
      seen.set(c.identity, c.source);
    }
    const k = await classify(c, stage, skipped);
    if (k) kept.push(k);
  }
  if (kept.length === 0 && skipped.length > 0 && skipped.every((x) => x.reason === PARQUET_HERE)) {
    throw parquetTreeRefused(input);
  }
  if (!kept.some((c) => c.type === "ocp_pod_usage")) {
    const why = skipped.slice(0, 3).map((x) => `${basename(x.source)}: ${x.reason}`).join("; ");
    throw new DataError(
      `--input ${input}: no pod usage CSV found (the daily summary needs ocp_pod_usage)` + (skipped.length > 0 ? `; skipped ${skipped.length} file(s), e.g. ${why}` : ""),
      input,
    );
  }
  // a plain folder whose file names agree with their headers is read where it is
  const namesAgree = kept.every((c) => !c.inStage && NISE_CSV_NAME.exec(basename(c.path))?.[4] === c.type);
  if (plainFolder && namesAgree) {
    return { dir: input, used: kept.map((c) => ({ source: c.source, staged: c.path, reportType: c.type, clusterId: c.clusterId! })), skipped };
  }
  return { dir: stage.dir, used: placeInStage(kept, stage.dir), skipped };
}

/** Staged names: <Month>-<Year>-<cluster>-<type>-<part>.csv, parts in the order of the originals; unpacked copies moved, the user's files linked. */
function placeInStage(kept: Kept[], stageDir: string): UsedInputFile[] {
  mkdirSync(stageDir, { recursive: true });
  const groups = new Map<string, Kept[]>();
  for (const c of kept) {
    const key = `${MONTHS[c.month! - 1]}-${c.year}-${c.clusterId}-${c.type}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(c);
  }
  const used: UsedInputFile[] = [];
  for (const [key, group] of groups) {
    group.sort((a, b) => (a.order[0] < b.order[0] ? -1 : a.order[0] > b.order[0] ? 1 : a.order[1] - b.order[1]));
    for (const [i, c] of group.entries()) {
      const staged = join(stageDir, `${key}-${i + 1}.csv`);
      // (cluster ids are checked; this holds whatever a name is made of)
      if (dirname(staged) !== stageDir) throw new DataError(`${c.source}: staged name ${JSON.stringify(basename(staged))} would leave the stage folder`, c.source);
      if (c.inStage) renameSync(c.path, staged);
      else symlinkSync(c.path, staged);
      used.push({ source: c.source, staged, reportType: c.type, clusterId: c.clusterId! });
    }
  }
  return used;
}

/** One line per skipped file, for logs and stderr. */
export function describeSkipped(skipped: SkippedInputFile[], root?: string): string[] {
  return skipped.map((s) => `skipped ${root ? relative(root, s.source.split("!")[0]) + (s.source.includes("!") ? "!" + s.source.split("!").slice(1).join("!") : "") : s.source}: ${s.reason}`);
}

/** A file a reader read, with its rows: the staged path as read, or the user's file as given. */
interface FileRead {
  source: string;
  /** Its nise report type, e.g. "ocp_pod_usage". */
  type: string;
  rows: number;
}

/** Files read from the stage, named as the user gave them (a payload member as `archive.tar.gz!name.csv`), with their report type. */
export function readAsGiven(staged: StagedInput, read: readonly FileRead[]): FileRead[] {
  const byStaged = new Map(staged.used.map((u) => [u.staged, u]));
  return read.map((r) => {
    const u = byStaged.get(r.source);
    return u ? { source: u.source, type: u.reportType, rows: r.rows } : r;
  });
}

/**
 * An error about a staged copy, reworded to name the file the user gave: the stage folder is removed
 * when the command ends, so "<stage>/January-2024-c1-ocp_pod_usage-1.csv:2681" would point nowhere.
 * Line numbers stay true (a staged copy holds the same lines). Returns the same error object.
 */
export function namingSources<E>(e: E, staged: StagedInput): E {
  if (!(e instanceof Error)) return e;
  for (const u of staged.used) if (u.staged !== u.source) e.message = e.message.split(u.staged).join(u.source);
  return e;
}
