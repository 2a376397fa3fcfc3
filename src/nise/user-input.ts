// The data a user brings with --input, as it arrives, made into one folder of plain nise CSV files
// that every reader (the polars modes' discovery, the reference's CSV reader, the run's parquet
// conversion) already reads:
//   - nise CSV files (`<Month>-<Year>-<cluster>-<report_type>[-<n>].csv`), plain or gzipped (.csv.gz),
//     split parts mixed;
//   - koku-metrics-operator / nise upload payloads: `.tar.gz` holding manifest.json and CSVs named
//     `<uuid>_openshift_report.<n>.csv`, or their extracted folders (manifest.json beside the CSVs);
//     the cluster id and month come from the manifest;
//   - a folder holding any mix of these, at any depth.
// The report type of every CSV is recognised from its header, as Koku does (masu's detect_type), not
// from its name. Files the daily summary does not use (other report types: VM, GPU, ROS) and files
// that are not OCP data are listed as skipped, with the reason; nothing is dropped silently. A CSV
// seen twice (a payload and its extracted folder) is used once.

import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { closeSync, openSync, readSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { DataError } from "../errors.ts";
import { NISE_CSV_NAME, REPORT_TYPE, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";
import { readTar } from "./tar.ts";
import { filesUnder } from "../storage/local-files.ts";

/** The nise report type (file-name suffix) of a table the summary reads, e.g. "ocp_pod_usage". */
export type ReportType = (typeof REPORT_TYPE)[TableKey];
const REPORT_TYPES: readonly ReportType[] = TABLE_KEYS.map((key) => REPORT_TYPE[key]);

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A CSV the summary reads: where it came from, and its staged plain copy (or link). */
export interface UsedInputFile {
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

function readHead(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(256 * 1024);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

function firstLineOfFile(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return firstLineOfBuffer(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** The month (1-12, year) of a CSV's first data row (report_period_start or interval_start). */
function monthOfFirstRow(data: Buffer): { year: number; month: number } | null {
  const lines = data.subarray(0, 256 * 1024).toString("utf8").split(/\r?\n/);
  const header = lines[0]?.split(",") ?? [];
  const col = Math.max(header.indexOf("report_period_start"), header.indexOf("interval_start"));
  const first = lines[1]?.split(",")[col];
  const m = first ? /^(\d{4})-(\d{2})-/.exec(first) : null;
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

// ---------------------------------------------------------------------------------------------
// Candidates: every CSV found, with what is known of it before its header is read.

interface Candidate {
  source: string;
  /** The CSV bytes (payload members, gzipped files once decompressed) or a plain file to link. */
  data?: Buffer;
  path?: string;
  gz?: boolean;
  /** `path` is a decompressed copy in the stage folder (moved, not linked). */
  decompressed?: boolean;
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
  try {
    const m = JSON.parse(text) as PayloadManifest;
    if (typeof m !== "object" || m === null) throw new Error("not an object");
    return m;
  } catch (e) {
    throw new DataError(`${where}: manifest.json is not valid JSON (${(e as Error).message})`, where);
  }
}

function monthOfManifest(m: PayloadManifest): { year: number; month: number } | null {
  const s = m.start ?? m.date;
  const hit = s ? /^(\d{4})-(\d{2})-/.exec(s) : null;
  return hit ? { year: Number(hit[1]), month: Number(hit[2]) } : null;
}

const OPERATOR_CSV = /^(.*)_openshift_report\.(\d+)\.csv$/;

function payloadCandidates(m: PayloadManifest, where: string, members: { name: string; source: string; data?: Buffer; path?: string }[]): Candidate[] {
  if (!m.cluster_id) throw new DataError(`${where}: manifest.json has no cluster_id`, where);
  const when = monthOfManifest(m);
  return members.map((f) => {
    const n = OPERATOR_CSV.exec(f.name);
    return {
      source: f.source,
      data: f.data,
      path: f.path,
      clusterId: m.cluster_id,
      year: when?.year,
      month: when?.month,
      order: [m.uuid ?? "", n ? Number(n[2]) : 0],
      identity: `${m.uuid ?? where}/${f.name}`,
    };
  });
}

const isTarball = (name: string) => /\.(tar\.gz|tgz|tar)$/i.test(name);

/** Every CSV the input holds, and the files that are skipped before their header is read. */
function collect(input: string): { candidates: Candidate[]; skipped: SkippedInputFile[]; plainFolder: boolean } {
  const candidates: Candidate[] = [];
  const skipped: SkippedInputFile[] = [];
  const st = statSync(input);
  const files = st.isDirectory() ? filesUnder(input) : [input];
  // a folder holding manifest.json is an extracted payload: its CSVs take the manifest's cluster and month
  const manifests = new Map<string, PayloadManifest>();
  for (const f of files) if (basename(f) === "manifest.json") manifests.set(dirname(f), parseManifest(readFileSync(f, "utf8"), f));
  let plainFolder = st.isDirectory();
  for (const f of files) {
    const name = basename(f);
    const inTop = dirname(f) === input;
    if (name === "manifest.json") {
      plainFolder = false;
      continue;
    }
    if (isTarball(name)) {
      plainFolder = false;
      let entries;
      try {
        entries = readTar(readFileSync(f));
      } catch (e) {
        skipped.push({ source: f, reason: `not a readable tar.gz payload (${(e as Error).message})` });
        continue;
      }
      const manifestEntry = entries.find((e) => basename(e.name) === "manifest.json");
      const csvs = entries.filter((e) => /\.csv$/i.test(e.name));
      for (const e of entries) {
        if (e !== manifestEntry && !/\.csv$/i.test(e.name)) skipped.push({ source: `${f}!${e.name}`, reason: "not a CSV file (payloads hold manifest.json and CSVs)" });
      }
      if (!manifestEntry) {
        for (const e of csvs) skipped.push({ source: `${f}!${e.name}`, reason: "payload without manifest.json: cluster id unknown" });
        continue;
      }
      const m = parseManifest(manifestEntry.data.toString("utf8"), f);
      candidates.push(...payloadCandidates(m, f, csvs.map((e) => ({ name: basename(e.name), source: `${f}!${e.name}`, data: e.data }))));
      continue;
    }
    const gz = /\.csv\.gz$/i.test(name);
    if (!gz && !/\.csv$/i.test(name)) {
      skipped.push({ source: f, reason: name.endsWith(".parquet") ? "a parquet file among CSV input (give the Koku parquet tree on its own)" : "not OCP data (neither a CSV, a .csv.gz nor a .tar.gz payload)" });
      continue;
    }
    if (gz || !inTop) plainFolder = false;
    const csvName = gz ? name.slice(0, -3) : name;
    const manifest = manifests.get(dirname(f));
    const nise = NISE_CSV_NAME.exec(csvName);
    if (manifest) {
      candidates.push(...payloadCandidates(manifest, join(dirname(f), "manifest.json"), [{ name: csvName, source: f, path: f }]).map((c) => ({ ...c, gz })));
    } else if (nise) {
      candidates.push({
        source: f,
        path: f,
        gz,
        clusterId: nise[3],
        year: Number(nise[2]),
        month: MONTHS.indexOf(nise[1]) + 1,
        order: ["", nise[5] === undefined ? 0 : Number(nise[5])],
      });
    } else {
      plainFolder = false;
      skipped.push({ source: f, reason: "a CSV neither named as nise names it (<Month>-<Year>-<cluster>-<report_type>.csv) nor beside a payload manifest.json: cluster and month unknown" });
    }
  }
  return { candidates, skipped, plainFolder };
}

/**
 * Make `input` (a folder, or one payload .tar.gz) into a folder of plain nise CSV files. Uses
 * `input` itself when it already is one; otherwise writes into `stageDir` (created; the caller
 * removes it): gzipped files decompressed, payload members extracted, plain files linked.
 */
export async function stageUserInput(input: string, stageDir: string): Promise<StagedInput> {
  input = resolve(input);
  if (!existsSync(input)) throw new DataError(`--input ${input}: no such file or folder`, input);
  const { candidates, skipped, plainFolder } = collect(input);
  // bytes and header of every candidate; plain files are read for their header only
  const seen = new Map<string, string>();
  const kept: (Candidate & { type: ReportType })[] = [];
  for (const c of candidates) {
    if (c.identity) {
      const first = seen.get(c.identity);
      if (first !== undefined) {
        skipped.push({ source: c.source, reason: `the same payload CSV as ${first} (used once)` });
        continue;
      }
      seen.set(c.identity, c.source);
    }
    if (c.gz && c.path) {
      // decompressed by streaming into the stage folder (a gzipped file may be larger than memory)
      mkdirSync(stageDir, { recursive: true });
      const plain = join(stageDir, `.gunzip-${kept.length}-${skipped.length}.csv`);
      try {
        await gunzipFile(c.path, plain);
      } catch (e) {
        rmSync(plain, { force: true });
        skipped.push({ source: c.source, reason: `not a readable gzip file (${(e as Error).message})` });
        continue;
      }
      c.path = plain;
      c.decompressed = true;
    }
    const header = c.data ? firstLineOfBuffer(c.data) : firstLineOfFile(c.path!);
    const verdict = reportTypeOfHeader(header);
    if (!verdict.used) {
      skipped.push({ source: c.source, reason: verdict.reason });
      continue;
    }
    if (c.year === undefined || c.month === undefined) {
      const when = monthOfFirstRow(c.data ?? readHead(c.path!));
      if (!when) {
        skipped.push({ source: c.source, reason: "no month: the manifest has no start date and the file has no data row (header only)" });
        continue;
      }
      c.year = when.year;
      c.month = when.month;
    }
    kept.push({ ...c, type: verdict.type });
  }
  if (!kept.some((c) => c.type === "ocp_pod_usage")) {
    const why = skipped.slice(0, 3).map((x) => `${basename(x.source)}: ${x.reason}`).join("; ");
    throw new DataError(
      `--input ${input}: no pod usage CSV found (the daily summary needs ocp_pod_usage)` + (skipped.length > 0 ? `; skipped ${skipped.length} file(s), e.g. ${why}` : ""),
      input,
    );
  }
  // a plain folder whose file names agree with their headers is read where it is
  const namesAgree = kept.every((c) => c.path && !c.data && !c.decompressed && NISE_CSV_NAME.exec(basename(c.path))?.[4] === c.type);
  if (plainFolder && namesAgree) {
    return { dir: input, used: kept.map((c) => ({ source: c.source, staged: c.path!, reportType: c.type, clusterId: c.clusterId! })), skipped };
  }
  // staged names: <Month>-<Year>-<cluster>-<type>-<part>.csv, parts in the order of the originals
  mkdirSync(stageDir, { recursive: true });
  const groups = new Map<string, (Candidate & { type: ReportType })[]>();
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
      if (c.data) writeFileSync(staged, c.data);
      else if (c.decompressed) renameSync(c.path!, staged);
      else symlinkSync(c.path!, staged);
      used.push({ source: c.source, staged, reportType: c.type, clusterId: c.clusterId! });
    }
  }
  return { dir: stageDir, used, skipped };
}

/** One line per skipped file, for logs and stderr. */
export function describeSkipped(skipped: SkippedInputFile[], root?: string): string[] {
  return skipped.map((s) => `skipped ${root ? relative(root, s.source.split("!")[0]) + (s.source.includes("!") ? "!" + s.source.split("!").slice(1).join("!") : "") : s.source}: ${s.reason}`);
}

async function gunzipFile(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createGunzip(), createWriteStream(to));
}
