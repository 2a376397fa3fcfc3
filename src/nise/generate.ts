// The generator: a Manifest → nise's monthly CSVs and/or Koku-layout parquet, plus the same rows to an
// optional RowSink. Month by month, generator by generator, a day at a time, so memory stays bounded
// by one day of one generator plus the parquet buffers. Output goes to a temporary folder beside
// `outDir` that is renamed into place at the end (and removed on failure).

import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { hourStarts, monthList, nextMonthStart, MONTH_NAMES } from "./calendar.ts";
import { MonthCsvWriter } from "./csv-writer.ts";
import { buildGenerator, type GeneratorInstance } from "./entities.ts";
import type { Manifest } from "./manifest.ts";
import { kokuMonthDir, MonthParquetWriter } from "./parquet-writer.ts";
import { Prng } from "./prng.ts";
import { EntityTables, generateDay, hoursByDay } from "./rowgen.ts";
import type { RowSink } from "./rows.ts";
import { deliverBatch, type BatchSink, type EntityTexts } from "./batch-rows.ts";
import { CLUSTER_ID, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";

export type OutputFormat = "csv" | "parquet" | "both";

export interface GenerateOptions {
  clusterId: string;
  outDir: string;
  format: OutputFormat;
  /** nise --file-row-limit (CSV only). Default 100000. */
  fileRowLimit?: number;
  /** Seed of the PRNG for every value the manifest leaves out. Default 0. */
  seed?: number;
  /** Koku source UUID for the parquet path; default derived from clusterId and seed. */
  sourceUuid?: string;
  /** Koku org for the parquet path. Default "1234567". */
  org?: string;
  /** Receives every row as it is produced. */
  sink?: RowSink;
  /** Receives every row a batch at a time, columnar (a sink on another thread). */
  batchSink?: BatchSink;
  /** Called after each chunk with rows done and rows in total (all four report types). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Also write header-only ocp_vm_usage / ocp_gpu_usage CSVs, as nise does when a manifest has no VMs
   * or GPUs. Default true. A file is left out when the manifest has VMs (resp. GPUs), whose rows are
   * not generated. */
  headerOnlyExtras?: boolean;
  /** Rows per parquet file (row groups stay ≤ 100,000). Default 500,000. */
  parquetRowsPerFile?: number;
}

export interface GenerateSummary {
  outDir: string;
  clusterId: string;
  sourceUuid: string;
  org: string;
  /** Files written, relative to outDir, in writing order. */
  files: string[];
  /** Rows generated per report type (each is written once per format). */
  rows: Record<TableKey, number>;
  /** Months covered, e.g. ["January-2024", "February-2024"]. */
  months: string[];
  seconds: number;
}

export const DEFAULT_SEED = 0;
export const DEFAULT_ORG = "1234567";
export const DEFAULT_FILE_ROW_LIMIT = 100_000;

/** A stable UUID (version-5 layout) from the cluster id and seed. */
export function deriveSourceUuid(clusterId: string, seed: number): string {
  const h = createHash("sha1").update(`streambench:${clusterId}:${seed}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const genSeed = (seed: number, month: number, gen: number) =>
  (seed ^ Math.imul(month + 1, 0x9e3779b1) ^ Math.imul(gen + 1, 0x85ebca77)) >>> 0;

export interface PlannedGenerator {
  index: number;
  start: number;
  end: number;
}

export interface PlannedMonth {
  name: string;
  year: number;
  month1: number;
  gens: PlannedGenerator[];
}

/** nise's month loop: which generators run in which month, over which hours (spec §2.2). */
export function plan(manifest: Manifest): PlannedMonth[] {
  return monthList(manifest.runStart, manifest.runEnd).map((m) => {
    const trueEnd = nextMonthStart(m.start);
    const gens: PlannedGenerator[] = [];
    manifest.generators.forEach((g, index) => {
      if (g.end < m.start || g.start > m.end) return;
      gens.push({ index, start: Math.max(g.start, m.start), end: Math.min(g.end, trueEnd) });
    });
    return { name: m.name, year: m.year, month1: MONTH_NAMES.indexOf(m.name as (typeof MONTH_NAMES)[number]) + 1, gens };
  });
}

function instance(manifest: Manifest, seed: number, mi: number, g: PlannedGenerator): { inst: GeneratorInstance; rng: Prng } {
  const rng = new Prng(genSeed(seed, mi, g.index));
  const inst = buildGenerator(manifest.generators[g.index], rng);
  return { inst, rng };
}

/** The report types nise writes that are not generated here, and that this manifest leaves empty. */
function headerOnlyExtras(manifest: Manifest): string[] {
  const nodes = manifest.generators.flatMap((g) => g.nodes);
  const namespaces = nodes.flatMap((n) => n.namespaces);
  const random = manifest.generators.some((g) => g.nodes.length === 0) || nodes.some((n) => n.namespaces.length === 0);
  const vms = random || namespaces.some((ns) => ns.virtual_machines.length > 0 || ns.pods.some((p) => (p.labels ?? "").includes("label_vm_kubevirt_io_name:")));
  const gpus = random || namespaces.some((ns) => ns.pods.some((p) => (p.gpus ?? 0) > 0));
  return [...(vms ? [] : ["ocp_vm_usage"]), ...(gpus ? [] : ["ocp_gpu_usage"])];
}

function prepareOut(outDir: string): { finalDir: string; tmpDir: string; createdParent: string | undefined } {
  const finalDir = resolve(outDir);
  if (existsSync(finalDir)) {
    if (!statSync(finalDir).isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a folder`);
    if (readdirSync(finalDir).length > 0) throw new UsageError(`--out ${outDir}: folder exists and is not empty; choose a new folder`);
  }
  const parent = dirname(finalDir);
  let createdParent: string | undefined;
  try {
    createdParent = mkdirSync(parent, { recursive: true });
    accessSync(parent, constants.W_OK);
  } catch (e) {
    throw new UsageError(`--out ${outDir}: cannot write in ${parent} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const tmpDir = join(parent, `.${basename(finalDir)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    mkdirSync(tmpDir);
  } catch (e) {
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw new UsageError(`--out ${outDir}: cannot create a folder in ${parent} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { finalDir, tmpDir, createdParent };
}

/** Generate nise's OCP report rows for a manifest, writing CSV and/or parquet and feeding `sink`. */
export async function generate(manifest: Manifest, opts: GenerateOptions): Promise<GenerateSummary> {
  const t0 = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const limit = opts.fileRowLimit ?? DEFAULT_FILE_ROW_LIMIT;
  const org = opts.org ?? DEFAULT_ORG;
  // it names the files and --insights-upload DIR/<cluster>/ (".." would write beside DIR), and the payloads' manifests, which --input reads
  if (!opts.clusterId || opts.clusterId.length > 50 || !CLUSTER_ID.test(opts.clusterId)) {
    throw new UsageError(`--ocp-cluster-id: must be 1 to 50 letters, digits, ".", "_" or "-" (nise allows 50), not starting with ".", got ${JSON.stringify(opts.clusterId)}`);
  }
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--file-row-limit: must be a positive whole number, got ${limit}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed: must be a whole number from 0 to 4294967295, got ${seed}`);
  if (!["csv", "parquet", "both"].includes(opts.format)) throw new UsageError(`--format: must be csv, parquet or both, got ${opts.format}`);
  const sourceUuid = opts.sourceUuid ?? deriveSourceUuid(opts.clusterId, seed);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sourceUuid)) {
    throw new UsageError(`--source-uuid: ${JSON.stringify(sourceUuid)} is not a UUID`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(org)) throw new UsageError(`--org: ${JSON.stringify(org)} must be letters, digits, "-" or "_"`);

  const months = plan(manifest);
  const extras = headerOnlyExtras(manifest);
  // rows in total, for progress (entity counts need the instances; building them is cheap)
  let total = 0;
  months.forEach((m, mi) => {
    for (const g of m.gens) {
      const { inst } = instance(manifest, seed, mi, g);
      const h = hourStarts(g.start, g.end).length;
      total += h * (inst.pods.length + inst.storage.length + inst.nodes.length + inst.namespaces.length);
    }
  });

  const { finalDir, tmpDir, createdParent } = prepareOut(opts.outDir);
  const wantCsv = opts.format !== "parquet";
  const wantParquet = opts.format !== "csv";
  const rows: Record<TableKey, number> = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
  const files: string[] = [];
  let done = 0;
  let csv: MonthCsvWriter | null = null;
  let pq: MonthParquetWriter | null = null;
  try {
    for (let mi = 0; mi < months.length; mi++) {
      const m = months[mi];
      const tables = new EntityTables();
      csv = wantCsv ? new MonthCsvWriter(tmpDir, m.name, m.year, opts.clusterId, limit, opts.headerOnlyExtras === false ? [] : extras) : null;
      pq = wantParquet ? new MonthParquetWriter(tmpDir, kokuMonthDir(tmpDir, org, sourceUuid, m.year, m.month1), tables, opts.parquetRowsPerFile) : null;
      const periodStart = Date.UTC(m.year, m.month1 - 1, 1);
      const periodEnd = Date.UTC(m.year, m.month1, 1);
      opts.batchSink?.month();
      for (const g of m.gens) {
        const { inst, rng } = instance(manifest, seed, mi, g);
        const base = tables.add(inst);
        if (opts.batchSink) {
          const added = Object.fromEntries(TABLE_KEYS.map((t) => [t, tables.text[t].slice(base[t])])) as EntityTexts;
          opts.batchSink.entities(added);
        }
        for (const d of hoursByDay(hourStarts(g.start, g.end))) {
          const batches = generateDay(inst, base, d.hours, d.day, periodStart, periodEnd, rng);
          for (const t of TABLE_KEYS) {
            const b = batches[t];
            if (b.n === 0) continue;
            rows[t] += b.n;
            done += b.n;
            if (csv) csv.write(b, tables);
            if (pq) await pq.write(b);
            if (opts.sink) deliverBatch(opts.sink, b, tables.text);
            if (opts.batchSink) await opts.batchSink.batch(b);
          }
          opts.onProgress?.(done, total);
        }
      }
      if (csv) files.push(...csv.close());
      csv = null;
      if (pq) files.push(...(await pq.close()));
      pq = null;
    }
    if (done !== total) opts.onProgress?.(done, done); // random-mode pods report in random subsets
    if (existsSync(finalDir)) rmSync(finalDir, { recursive: true });
    renameSync(tmpDir, finalDir);
  } catch (e) {
    csv?.abort();
    await pq?.settle().catch(() => undefined); // a file still being written, before its folder goes
    rmSync(tmpDir, { recursive: true, force: true });
    if (createdParent) rmSync(createdParent, { recursive: true, force: true }); // folders made for --out
    throw e;
  }
  return {
    outDir: finalDir,
    clusterId: opts.clusterId,
    sourceUuid,
    org,
    files,
    rows,
    months: months.map((m) => `${m.name}-${m.year}`),
    seconds: (performance.now() - t0) / 1000,
  };
}
