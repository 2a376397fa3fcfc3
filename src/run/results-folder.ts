// The results folder, in one place: where a run's folder goes, the latest link, and the name of
// every file and scratch folder in it (the folders' own names and the link's: records/results-folder-names.ts).
//
//   <outRoot>/streaming_comparison_<YYYYmmdd_HHMMSS>/   one per run; <outRoot>/latest links to the newest
//     SUMMARY.csv, COMPARISON_REPORT.md, summary.json, *.svg   the reports (names: REPORT_FILES, report/write.ts)
//     benchmark.log                                            the live log, every event
//     <scale>_<mode>.log                                       a mode's runs: child output, the write
//     <scale>_<mode>_validation.log                            a mode's validation against the reference
//     <scale>_modes_validation.log                             in-memory against streaming
//     summary_<scale>_<mode>.csv, summary_<scale>_reference.csv  summaries in the canonical CSV form
//     s3/  work/  data/<scale>/                                scratch (embedded S3 objects, child
//                                                              outputs, generated data), removed at the end
//     .streambench-run.json                                    the in-progress marker (below)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, renameSync, writeFileSync } from "node:fs";
import { join, basename, dirname } from "node:path";
import { mkdirFailure, OutputError } from "../errors.ts";
import type { Mode } from "../contract/job.ts";
import { REPORT_FILES } from "../report/write.ts";
import { isRunFolderName, LATEST_LINK, runFolderName } from "../records/results-folder-names.ts";

/** The paths inside one run's folder. */
export function runFiles(dir: string) {
  return {
    dir,
    liveLog: join(dir, "benchmark.log"),
    modeLog: (scale: string, mode: Mode) => join(dir, `${scale}_${mode}.log`),
    validationLog: (scale: string, mode: Mode) => join(dir, `${scale}_${mode}_validation.log`),
    modesValidationLog: (scale: string) => join(dir, `${scale}_modes_validation.log`),
    summaryCsv: (scale: string, side: Mode | "reference") => join(dir, `summary_${scale}_${side}.csv`),
    /** Scratch: the embedded S3 server's objects. */
    s3Dir: join(dir, "s3"),
    /** Scratch: the children's summary parquet files. */
    workDir: join(dir, "work"),
    childOutput: (scale: string, mode: Mode, rep: number) => join(dir, "work", `${scale}_${mode}_${rep}.parquet`),
    /** Scratch: a scale's generated (or converted) input. */
    dataDir: (scale: string) => join(dir, "data", scale),
  };
}
export type RunFiles = ReturnType<typeof runFiles>;

/** The summary.json of the newest `count` earlier run folders under outRoot that have one, newest first (the ETA's history). */
export function recentSummaryJsons(outRoot: string, count = 5): string[] {
  let names: string[];
  try {
    names = readdirSync(outRoot).filter(isRunFolderName);
  } catch {
    return [];
  }
  // the folder names are timestamps (timestampName): newest sort last
  return names.sort().reverse().map((n) => join(outRoot, n, REPORT_FILES.summaryJson)).filter((p) => existsSync(p)).slice(0, count);
}

/**
 * Creates the run folder (not yet the latest link: that moves only once the folder holds a
 * summary.json, see pointLatestAt). A folder that cannot be made is an OutputError naming it.
 */
export function createRunFolder(outRoot: string, now = new Date()): { dir: string } {
  // --out DIR is made when missing, its parents never (a typo in them is a usage error, exit 2)
  if (!existsSync(outRoot) && !existsSync(dirname(outRoot))) {
    throw new OutputError(`--out ${outRoot}: its parent folder ${dirname(outRoot)} does not exist (create it first, or give a folder whose parent exists)`, "ENOENT");
  }
  try {
    mkdirSync(outRoot, { recursive: true });
  } catch (error) {
    throw mkdirFailure(error, "--out: cannot create the results folder", outRoot);
  }
  let dir = join(outRoot, runFolderName(now));
  // Two runs started in the same second get distinct folders.
  for (let n = 2; ; n++) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw OutputError.from(error, "--out: cannot create the run folder", dir);
      dir = join(outRoot, runFolderName(now, n));
    }
  }
  return { dir };
}

/** results/latest -> the run folder, replaced atomically (a relative link, so the folder can move). */
export function pointLatestAt(outRoot: string, dir: string): void {
  const temp = join(outRoot, `.latest-${process.pid}`);
  rmSync(temp, { force: true });
  symlinkSync(basename(dir), temp);
  renameSync(temp, join(outRoot, LATEST_LINK));
}

// ---------------------------------------------------------------------------------------------
// The in-progress marker: <run folder>/.streambench-run.json, written when the run starts,
// updated as it uploads to an S3 server that outlives it, removed when it ends. A marker whose
// process is gone means the run was killed (kill -9, power loss): its scratch folders and uploads
// are leftovers the next run removes.

export const RUN_MARKER = ".streambench-run.json";
/** The bulky scratch folders of a run: generated data, the embedded S3 server's objects, child outputs. */
export const SCRATCH_FOLDERS = ["data", "s3", "work"] as const;

export interface RunMarker {
  pid: number;
  startedAt: string;
  /** Objects uploaded to a lasting (not embedded) S3 server and not yet removed. */
  uploads: { endpoint: string; bucket: string; prefix: string }[];
}

export function writeRunMarker(dir: string, marker: RunMarker): void {
  const path = join(dir, RUN_MARKER);
  try {
    writeFileSync(`${path}.tmp`, JSON.stringify(marker) + "\n");
    renameSync(`${path}.tmp`, path);
  } catch (error) {
    throw OutputError.from(error, "cannot write the run marker", path);
  }
}

export function removeRunMarker(dir: string): void {
  rmSync(join(dir, RUN_MARKER), { force: true });
}

export function removeScratch(runDir: string): void {
  for (const name of SCRATCH_FOLDERS) rmSync(join(runDir, name), { recursive: true, force: true });
}

export interface StaleRun {
  dir: string;
  pid: number;
  /** Scratch folders found, with their size in bytes. */
  scratch: { name: string; bytes: number }[];
  uploads: RunMarker["uploads"];
  /** Entries of its marker's uploads that are not a run's (isRunUpload): not removed. */
  untrusted: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sizeOf(path: string): number {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const s = statSync(p);
      if (s.isDirectory()) for (const n of readdirSync(p)) stack.push(join(p, n));
      else total += s.size;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The one shape of prefix a run uploads under (real-parts.ts): data/<org>/OCP/source=<uuid>. */
const RUN_UPLOAD_PREFIX = /^data\/[^/]+\/OCP\/source=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A marker is a file in the folder --out names, so what it lists is removed only when it has the
 * shape of a run's own upload: a bare "data" (all of Koku's parquet in that bucket) or a malformed
 * entry is left alone.
 */
function isRunUpload(u: unknown): u is RunMarker["uploads"][number] {
  const e = u as Partial<RunMarker["uploads"][number]> | null;
  return typeof e?.endpoint === "string" && typeof e.bucket === "string" && typeof e.prefix === "string" && RUN_UPLOAD_PREFIX.test(e.prefix);
}

/** Run folders under outRoot whose marker names a process that no longer runs. */
export function findStaleRuns(outRoot: string): StaleRun[] {
  let names: string[];
  try {
    names = readdirSync(outRoot);
  } catch {
    return [];
  }
  const out: StaleRun[] = [];
  for (const name of names.sort()) {
    if (!isRunFolderName(name)) continue;
    const dir = join(outRoot, name);
    let marker: RunMarker;
    try {
      marker = JSON.parse(readFileSync(join(dir, RUN_MARKER), "utf8")) as RunMarker;
    } catch {
      continue; // no marker: a finished run (or one from before markers)
    }
    if (marker.pid === process.pid || alive(marker.pid)) continue;
    const scratch = SCRATCH_FOLDERS.filter((n) => existsSync(join(dir, n))).map((n) => ({ name: n, bytes: sizeOf(join(dir, n)) }));
    const listed: unknown[] = Array.isArray(marker.uploads) ? marker.uploads : [];
    const uploads = listed.filter(isRunUpload);
    out.push({ dir, pid: marker.pid, scratch, uploads, untrusted: listed.length - uploads.length });
  }
  return out;
}

/** Removes a stale run's scratch folders and its marker (its uploads are the caller's, who holds S3). */
export function removeStaleRun(stale: StaleRun): void {
  removeScratch(stale.dir);
  removeRunMarker(stale.dir);
}

export function describeStaleRun(stale: StaleRun): string {
  const mb = stale.scratch.reduce((sum, s) => sum + s.bytes, 0) / (1024 * 1024);
  const what = stale.scratch.length > 0 ? `${stale.scratch.map((s) => `${s.name}/`).join(", ")} (${mb.toFixed(1)} MB)` : "its marker";
  const left = stale.untrusted > 0 ? `; its marker also listed ${stale.untrusted} upload(s) not of the form data/<org>/OCP/source=<uuid>, left alone` : "";
  return `removed the leftovers of a run that was killed (pid ${stale.pid}): ${stale.dir}: ${what}${left}`;
}
