// The run's results folder: results/streaming_comparison_<YYYYmmdd_HHMMSS>/ and the latest link.
import { mkdirSync, readlinkSync, rmSync, symlinkSync, renameSync } from "node:fs";
import { join, basename } from "node:path";

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
