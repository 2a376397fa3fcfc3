// The import-rule check: every import in src/, pipelines/, tui/ and bench/ against the rules table
// of ARCHITECTURE.md ("## Import rules"), which is the one place the rules are written. A file
// belongs to the room of the longest prefix in the table that matches its path; it may import its
// own room, the prefixes its room lists, and packages except those its room names as never.
// KNOWN_EXCEPTIONS below are the imports that break a rule today, each with why; the follow-up of
// issue 21 empties it. An exception that no longer happens is reported too, so the list shrinks.
//
//   node --import tsx test/architecture/import-rules.ts    prints every broken rule, exit 1 if any
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CHECKED_FOLDERS = ["src", "pipelines", "tui", "bench"] as const;

export interface RoomRule {
  /** A folder ("src/run/") or a file ("src/errors.ts"), relative to the project root. */
  room: string;
  /** Prefixes of project files it may import besides its own room. */
  mayImport: string[];
  /** Packages it must never import (e.g. the reference and nodejs-polars), and project files (a path with "/") inside rooms it may import. */
  neverPackages: string[];
}

export interface ImportException {
  from: string;
  to: string;
  reason: string;
}

/** Imports that break a rule today, with why. Emptied by the structure work of issue 21. */
export const KNOWN_EXCEPTIONS: readonly ImportException[] = [
];

/** The rules table of ARCHITECTURE.md: the rows of the table under "## Import rules". */
export function parseRules(markdown: string): RoomRule[] {
  const section = /^## Import rules\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!section) throw new Error('ARCHITECTURE.md has no "## Import rules" section');
  const rows = section[1].split("\n").filter((line) => /^\|\s*`/.test(line));
  if (rows.length === 0) throw new Error('ARCHITECTURE.md: the "## Import rules" section has no table rows starting with a `room`');
  return rows.map((line) => {
    const cells = line.split("|").slice(1, -1);
    if (cells.length < 4) throw new Error(`ARCHITECTURE.md: an import rule row needs 4 cells (room | holds | may import | never imports), got: ${line}`);
    const paths = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const [room] = paths(cells[0]);
    return { room, mayImport: paths(cells[2]), neverPackages: paths(cells[3]) };
  });
}

export interface FoundImport {
  /** The importing file, relative to the project root with "/" separators. */
  file: string;
  line: number;
  /** As written in the source. */
  specifier: string;
  /** The imported project file (relative to the root) or, for a package, null. */
  target: string | null;
}

const STATIC = /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w*${},\s]*?\s*from\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /^(?![ \t]*(?:\/\/|\*)).*?\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** Every import, export-from and literal import() of one source text. */
export function importsOf(file: string, text: string): FoundImport[] {
  const found: FoundImport[] = [];
  for (const pattern of [STATIC, SIDE_EFFECT, DYNAMIC]) {
    for (const m of text.matchAll(pattern)) {
      const specifier = m[1];
      const line = text.slice(0, m.index! + m[0].length).split("\n").length;
      const target = specifier.startsWith(".") ? posix.normalize(posix.join(posix.dirname(file), specifier)) : null;
      found.push({ file, line, specifier, target });
    }
  }
  return found;
}

/** The package an import names: "nodejs-polars", "@aws-sdk/client-s3", "node:fs". */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

export function roomOf(file: string, rules: readonly RoomRule[]): RoomRule | undefined {
  return rules.filter((r) => file === r.room || (r.room.endsWith("/") && file.startsWith(r.room))).sort((a, b) => b.room.length - a.room.length)[0];
}

const matches = (file: string, prefix: string) => file === prefix || (prefix.endsWith("/") && file.startsWith(prefix));

/** The rule one import breaks, in words, or null when it keeps them. */
export function brokenRule(imp: FoundImport, rules: readonly RoomRule[]): string | null {
  const room = roomOf(imp.file, rules);
  if (!room) return `${imp.file} belongs to no room of ARCHITECTURE.md's import rules (add its folder there)`;
  if (imp.target === null) {
    const name = packageName(imp.specifier);
    return room.neverPackages.includes(name) ? `${room.room} never imports the package ${name}` : null;
  }
  // a project file in "never imports": one file of a room it may import that it must not use
  const denied = room.neverPackages.find((p) => p.includes("/") && matches(imp.target!, p));
  if (denied) return `${room.room} never imports ${denied}`;
  if (matches(imp.target, room.room)) return null;
  if (room.mayImport.some((p) => matches(imp.target!, p))) return null;
  return room.mayImport.length > 0 ? `${room.room} may import only ${room.mayImport.join(", ")}` : `${room.room} may import nothing of the project`;
}

export interface Violation extends FoundImport {
  rule: string;
}

export interface CheckResult {
  violations: Violation[];
  /** Known exceptions whose import is gone: to be removed from the list. */
  staleExceptions: ImportException[];
}

/** Checks the given imports; an import listed in `exceptions` passes. */
export function checkImports(imports: readonly FoundImport[], rules: readonly RoomRule[], exceptions: readonly ImportException[]): CheckResult {
  const used = new Set<ImportException>();
  const violations: Violation[] = [];
  const roomless = new Set<string>();
  for (const imp of imports) {
    const rule = brokenRule(imp, rules);
    if (rule === null) continue;
    if (!roomOf(imp.file, rules)) {
      if (roomless.has(imp.file)) continue; // said once per file
      roomless.add(imp.file);
    }
    const known = exceptions.find((e) => e.from === imp.file && e.to === imp.target);
    if (known) used.add(known);
    else violations.push({ ...imp, rule });
  }
  return { violations, staleExceptions: exceptions.filter((e) => !used.has(e)) };
}

function sourceFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(join(root, folder));
  return out.sort();
}

/** Every import of the checked folders under `root`. */
export function projectImports(root = PROJECT_ROOT): FoundImport[] {
  return CHECKED_FOLDERS.flatMap((folder) => sourceFiles(root, folder)).flatMap((file) => importsOf(file, readFileSync(join(root, file), "utf8")));
}

/** The project's check: its imports against ARCHITECTURE.md's rules and the known exceptions. */
export function checkProject(root = PROJECT_ROOT): CheckResult {
  const rules = parseRules(readFileSync(join(root, "ARCHITECTURE.md"), "utf8"));
  return checkImports(projectImports(root), rules, KNOWN_EXCEPTIONS);
}

/** One line per problem: importing file:line, imported file, the rule broken. */
export function describeResult(result: CheckResult): string[] {
  return [
    ...result.violations.map((v) => `${v.file}:${v.line} imports ${v.target ?? v.specifier} (${v.specifier}): ${v.rule}`),
    ...result.staleExceptions.map((e) => `${e.from} no longer imports ${e.to}: remove this known exception from test/architecture/import-rules.ts`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const lines = describeResult(checkProject());
  for (const line of lines) console.error(line);
  console.error(lines.length === 0 ? "imports keep ARCHITECTURE.md's rules" : `${lines.length} import rule problem(s)`);
  process.exit(lines.length === 0 ? 0 : 1);
}
