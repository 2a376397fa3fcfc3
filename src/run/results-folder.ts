// The results folder, in one place: where a run's folder goes, the latest link, and the name of
// every file and scratch folder in it.
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
import { mkdirSync, readlinkSync, rmSync, symlinkSync, renameSync } from "node:fs";
import { join, basename } from "node:path";
import type { Mode } from "../contract/job.ts";
import { REPORT_FILES } from "../report/write.ts";

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

/** Removes the run's bulky scratch folders: generated data, the embedded S3 server's objects, child outputs. */
export function removeScratch(dir: string): void {
  const files = runFiles(dir);
  for (const path of [files.s3Dir, files.workDir, join(dir, "data")]) rmSync(path, { recursive: true, force: true });
}

/** The summary.json of the newest earlier run under outRoot (through the latest link). */
export function latestSummaryJson(outRoot: string): string {
  return join(outRoot, "latest", REPORT_FILES.summaryJson);
}

export function timestampName(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** Creates the run folder and points latest at it; previousLatest lets a run that never started undo that. */
export function createRunFolder(outRoot: string, now = new Date()): { dir: string; previousLatest: string | null } {
  mkdirSync(outRoot, { recursive: true });
  let previousLatest: string | null = null;
  try {
    previousLatest = readlinkSync(join(outRoot, "latest"));
  } catch {
    previousLatest = null;
  }
  let dir = join(outRoot, `streaming_comparison_${timestampName(now)}`);
  // Two runs started in the same second get distinct folders.
  for (let n = 2; ; n++) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      dir = join(outRoot, `streaming_comparison_${timestampName(now)}_${n}`);
    }
  }
  pointLatestAt(outRoot, dir);
  return { dir, previousLatest };
}

export function restoreLatest(outRoot: string, previousLatest: string | null): void {
  if (previousLatest === null) rmSync(join(outRoot, "latest"), { force: true });
  else pointLatestAt(outRoot, join(outRoot, previousLatest));
}

/** results/latest -> the newest run folder, replaced atomically (a relative link, so the folder can move). */
function pointLatestAt(outRoot: string, dir: string): void {
  const temp = join(outRoot, `.latest-${process.pid}`);
  rmSync(temp, { force: true });
  symlinkSync(basename(dir), temp);
  renameSync(temp, join(outRoot, "latest"));
}
