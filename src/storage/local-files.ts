// The files of a local folder as the input readers list them (the polars child's parquet discovery,
// the staging of a user's input). A leaf module with no S3 in it, so a child loads no SDK for it.
// The upload's walkFiles (upload.ts) differs on purpose: it skips hidden files, reads sizes and
// orders by whole relative path, for the objects it puts under a prefix.
import { readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.ts";

/** A file or folder of the input that was not read, and why. */
export interface SkippedLocalFile {
  source: string;
  reason: string;
}

/**
 * The regular files below `dir`, links followed, each folder's entries in name order, each file and
 * folder taken once: a folder or file reached again through a link (or a link loop) is listed as
 * skipped, so nothing is read twice; a named pipe, device or socket is listed as skipped, never
 * opened (a pipe would block the read).
 */
export function walkInputFolder(dir: string): { files: string[]; skipped: SkippedLocalFile[] } {
  const found = { files: [] as string[], skipped: [] as SkippedLocalFile[] };
  walkFiles(dir, found.files, found.skipped, new Map([[realpathSync(dir), dir]]));
  return found;
}

/** `seen`: real path -> the path it was first reached by. */
function walkFiles(dir: string, out: string[], skipped: SkippedLocalFile[], seen: Map<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statOrFail(p);
    const real = realpathSync(p);
    const first = seen.get(real);
    if (first !== undefined) {
      skipped.push({ source: p, reason: `the same ${st.isDirectory() ? "folder" : "file"} as ${first} (reached through a link): read once` });
      continue;
    }
    seen.set(real, p);
    if (st.isDirectory()) walkFiles(p, out, skipped, seen);
    else if (st.isFile()) out.push(p);
    else skipped.push({ source: p, reason: "not a regular file (a named pipe, device or socket): not read" });
  }
}

/** A path's status, links followed; a link that leads nowhere (or in a loop) is a DataError naming it. */
export function statOrFail(p: string): Stats {
  try {
    return statSync(p);
  } catch (e) {
    throw new DataError(`${p}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, p);
  }
}
