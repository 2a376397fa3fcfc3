// The files of a local folder as the input readers list them (the polars child's parquet discovery,
// the staging of a user's input). A leaf module with no S3 in it, so a child loads no SDK for it.
// The upload's walkFiles (upload.ts) differs on purpose: it skips hidden files, reads sizes and
// orders by whole relative path, for the objects it puts under a prefix.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file below dir at any depth (links followed), each folder's entries in name order. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const p = join(at, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}
