import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkImports,
  checkProject,
  describeResult,
  importsOf,
  parseRules,
  PROJECT_ROOT,
  roomOf,
  type RoomRule,
} from "./import-rules.ts";

const RULES: RoomRule[] = [
  { room: "src/contract/", mayImport: [], neverPackages: [] },
  { room: "src/reference/", mayImport: ["src/contract/"], neverPackages: ["nodejs-polars"] },
  { room: "src/run/", mayImport: ["src/contract/"], neverPackages: [] },
  { room: "tui/", mayImport: ["src/run/events.ts"], neverPackages: [] },
];

test("every import in src/, pipelines/, tui/ and bench/ keeps ARCHITECTURE.md's rules, known exceptions aside", (t) => {
  const problems = describeResult(checkProject());
  t.deepEqual(problems, [], problems.join("\n"));
});

test("an import outside the importing room's list is reported with the importing file and line, the imported file and the rule", (t) => {
  const imports = importsOf("tui/App.tsx", 'import type { RunEvent } from "../src/run/events.ts";\nimport { Benchmark } from "../src/run/benchmark.ts";\n');
  const { violations } = checkImports(imports, RULES, []);
  t.deepEqual(
    violations.map((v) => [v.file, v.line, v.target, v.rule]),
    [["tui/App.tsx", 2, "src/run/benchmark.ts", "tui/ may import only src/run/events.ts"]],
  );
});

test("a room that may import nothing of the project is told so", (t) => {
  const { violations } = checkImports(importsOf("src/contract/job.ts", 'import { UsageError } from "../errors.ts";\n'), RULES, []);
  t.deepEqual(violations.map((v) => v.rule), ["src/contract/ may import nothing of the project"]);
});

test("a package the room never imports is reported; other packages and its own room pass", (t) => {
  const text = 'import pl from "nodejs-polars";\nimport { Worker } from "node:worker_threads";\nimport { parse } from "./labels.ts";\n';
  const { violations } = checkImports(importsOf("src/reference/summary.ts", text), RULES, []);
  t.deepEqual(violations.map((v) => [v.line, v.rule]), [[1, "src/reference/ never imports the package nodejs-polars"]]);
});

test("a project file in 'never imports' is refused though its room may be imported: the child keeps its own CSV check", (t) => {
  const rules: RoomRule[] = [
    { room: "src/contract/", mayImport: [], neverPackages: [] },
    { room: "pipelines/", mayImport: ["src/contract/"], neverPackages: ["src/contract/csv-scan.ts"] },
  ];
  const text = 'import { csvField } from "../src/contract/csv-field.ts";\nimport { scanCsvFile } from "../src/contract/csv-scan.ts";\n';
  const { violations } = checkImports(importsOf("pipelines/csv-check.ts", text), rules, []);
  t.deepEqual(violations.map((v) => [v.line, v.rule]), [[2, "pipelines/ never imports src/contract/csv-scan.ts"]]);
  t.true(parseRules(readFileSync(join(PROJECT_ROOT, "ARCHITECTURE.md"), "utf8")).find((r) => r.room === "pipelines/")!.neverPackages.includes("src/contract/csv-scan.ts"), "ARCHITECTURE.md says it");
});

test("a known exception passes, and an exception whose import is gone is reported as stale", (t) => {
  const imports = importsOf("tui/ScaleTable.tsx", 'import { median } from "../src/run/stats.ts";\n');
  const used = { from: "tui/ScaleTable.tsx", to: "src/run/stats.ts", reason: "statistics" };
  const gone = { from: "tui/App.tsx", to: "src/run/benchmark.ts", reason: "moved since" };
  const result = checkImports(imports, RULES, [used, gone]);
  t.deepEqual(result.violations, []);
  t.deepEqual(result.staleExceptions, [gone]);
  t.deepEqual(describeResult(result), ["tui/App.tsx no longer imports src/run/benchmark.ts: remove this known exception from test/architecture/import-rules.ts"]);
});

test("a file under no room of the table is reported once, so a new folder must be given its rules", (t) => {
  const text = 'import { readFileSync } from "node:fs";\nimport { x } from "../contract/job.ts";\n';
  const { violations } = checkImports(importsOf("src/cache/store.ts", text), RULES, []);
  t.deepEqual(violations.map((v) => v.rule), ["src/cache/store.ts belongs to no room of ARCHITECTURE.md's import rules (add its folder there)"]);
});

test("imports are found across lines, in export-from, side-effect and literal import(), and not in comments", (t) => {
  const text = [
    "import {",
    "  a,",
    "  type B,",
    '} from "./a.ts";',
    'export { c } from "../c.ts";',
    'export * from "./d.ts";',
    '// import { no } from "./commented.ts";',
    ' * import { no } from "./doc-comment.ts";',
    'const m = await import("./lazy.ts");',
    'import "./side.ts";',
    "export function f() {",
    '  return "from here";',
    "}",
  ].join("\n");
  const found = importsOf("src/run/x.ts", text);
  t.deepEqual(
    found.map((i) => [i.line, i.target]).sort((x, y) => (x[0] as number) - (y[0] as number)),
    [
      [4, "src/run/a.ts"],
      [5, "src/c.ts"],
      [6, "src/run/d.ts"],
      [9, "src/run/lazy.ts"],
      [10, "src/run/side.ts"],
    ],
  );
});

test("a file belongs to the room of the longest matching path", (t) => {
  const rules: RoomRule[] = [
    { room: "src/", mayImport: [], neverPackages: [] },
    { room: "src/run/", mayImport: [], neverPackages: [] },
    { room: "src/run/events.ts", mayImport: [], neverPackages: [] },
  ];
  t.is(roomOf("src/run/events.ts", rules)?.room, "src/run/events.ts");
  t.is(roomOf("src/run/benchmark.ts", rules)?.room, "src/run/");
  t.is(roomOf("src/main.ts", rules)?.room, "src/");
  t.is(roomOf("tui/App.tsx", rules), undefined);
});

test("ARCHITECTURE.md's rules run downhill: no room may import, directly or through others, a room that may import it", (t) => {
  const rules = parseRules(readFileSync(join(PROJECT_ROOT, "ARCHITECTURE.md"), "utf8"));
  // A "may import" path reaches every room inside it (src/ reaches src/run/) and the room it lies in (tui/render.tsx reaches tui/).
  const reaches = (path: string) => rules.filter((r) => r.room.startsWith(path) || path.startsWith(r.room)).map((r) => r.room);
  const edges = new Map(rules.map((r) => [r.room, r.mayImport.flatMap(reaches).filter((to) => to !== r.room)]));
  const cycles: string[] = [];
  const visit = (room: string, path: string[]) => {
    if (path.includes(room)) return void cycles.push([...path.slice(path.indexOf(room)), room].join(" -> "));
    for (const next of edges.get(room) ?? []) visit(next, [...path, room]);
  };
  for (const r of rules) visit(r.room, []);
  t.true(rules.length >= 15, "the table was read");
  t.deepEqual(cycles, []);
});
