import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NISE_FIXTURES } from "../fixtures-path.ts";

export const FIXTURES = NISE_FIXTURES;

/** A fresh parent folder; the generator's --out goes inside it (it must not exist yet). */
export function scratch(): { parent: string; out: string; cleanup: () => void } {
  const parent = mkdtempSync(join(tmpdir(), "streambench-nise-"));
  return { parent, out: join(parent, "out"), cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

export const csvFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();

/** Lines of a nise CSV (which always ends with \r\n); asserts the terminator by splitting on it. */
export function csvLines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\r\n");
  if (lines.pop() !== "") throw new Error(`${path} does not end with \\r\\n`);
  return lines;
}
