import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REQUIRED_COLUMNS } from "../../src/nise/csv-import.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";

export const FIXTURES = NISE_FIXTURES;

/** A fresh temp folder and the function that removes it. */
export function tempFolder(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `streambench-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh parent folder; the generator's --out goes inside it (it must not exist yet). */
export function scratch(): { parent: string; out: string; cleanup: () => void } {
  const { dir: parent, cleanup } = tempFolder("nise");
  return { parent, out: join(parent, "out"), cleanup };
}

/** The header of a user's pod usage CSV (the columns the importer requires), and one hourly row under it: p1 in ns1 on node alpha, 2024-01-01 00:00. */
export const POD_HEADER = REQUIRED_COLUMNS.pod.join(",");
export const POD_ROW = "2024-01-01 00:00:00 +0000 UTC,2024-02-01 00:00:00 +0000 UTC,2024-01-01 00:00:00 +0000 UTC,2024-01-01 00:59:59 +0000 UTC,p1,ns1,alpha,i-1,1,1,2,3,4,5,4,14400,5,18000,label_app:x";

export const csvFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();

/** Lines of a nise CSV (which always ends with \r\n); asserts the terminator by splitting on it. */
export function csvLines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\r\n");
  if (lines.pop() !== "") throw new Error(`${path} does not end with \\r\\n`);
  return lines;
}
