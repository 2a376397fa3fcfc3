// The compiled pipeline entry (src/child/compiled-entry.ts: plain JavaScript run with plain node) does what
// the TypeScript entry does, is rebuilt whenever a source changes, and when it cannot be built the
// pipeline still runs, from the source.
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Job, JobInput, Mode } from "../../src/contract/job.ts";
import { runChild } from "../../src/child/spawn.ts";
import { buildPipelineBundle, cachedPipelineBundle, compiledPipelineEntry } from "../../src/child/compiled-entry.ts";
import { pipelineCommand, pipelineEntry, pipelineStartCommand, runPipeline } from "../../src/child/launcher.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { csvFixtureToParquet, FIXTURE_NAMES, FIXTURES, removeDir, tempDir } from "../pipelines/helpers.ts";

const MODES: Mode[] = ["in-memory", "streaming"];

async function runWith(command: { command: string; args: string[] }, output: string) {
  const outcome = await runChild(command.command, command.args);
  const report = outcome.report as { ok: boolean; error?: string; rowsOut?: number; rowsIn?: unknown } | null;
  if (outcome.exitCode !== 0 || !report?.ok) throw new Error(`exit ${outcome.exitCode}: ${report?.error ?? outcome.stderr}`);
  const rows = (await readSummaryParquet(output)).map((r) => JSON.stringify(r)).sort();
  return { rowsIn: report.rowsIn, rowsOut: report.rowsOut, rows };
}

// Fallback test first (serial tests run before the others): it points the cache at an unusable path
// through the environment, which the other tests must not see.
test.serial("when the entry cannot be compiled, the pipeline runs from the TypeScript source and says why", async (t) => {
  const dir = tempDir("compile-fallback");
  const saved = process.env.STREAMBENCH_PIPELINE_CACHE;
  try {
    const file = join(dir, "a-file");
    writeFileSync(file, "not a folder\n");
    process.env.STREAMBENCH_PIPELINE_CACHE = join(file, "cache"); // a folder cannot be made under a file
    const start = await pipelineStartCommand("in-memory");
    t.is(start.how, "source");
    t.deepEqual(start.args.slice(-1), [pipelineEntry("in-memory")]);
    t.truthy(start.fallbackReason);

    const lines: string[] = [];
    const job: Job = { mode: "in-memory", input: { kind: "csv", dir: join(FIXTURES, "random-defaults") }, output: join(dir, "out.parquet"), enabledTagKeys: null };
    const { report } = await runPipeline(job, { onLine: (line) => lines.push(line) });
    t.true(report.ok);
    t.true(report.rowsOut > 0);
    t.true(lines.some((l) => l.includes("could not compile pipelines/in-memory.ts") && l.includes("--import tsx")), lines.join("\n"));
  } finally {
    if (saved === undefined) delete process.env.STREAMBENCH_PIPELINE_CACHE;
    else process.env.STREAMBENCH_PIPELINE_CACHE = saved;
    removeDir(dir);
  }
});

for (const fixture of FIXTURE_NAMES) {
  for (const kind of ["csv", "parquet"] as const) {
    test(`${fixture} (${kind} input): the compiled entry writes the same summary as the TypeScript entry, in both modes`, async (t) => {
      const csvDir = join(FIXTURES, fixture);
      const parquetDir = kind === "parquet" ? csvFixtureToParquet(csvDir) : null;
      const out = tempDir("compiled-vs-source");
      try {
        const input: JobInput = parquetDir ? { kind: "parquet", dir: parquetDir } : { kind: "csv", dir: csvDir };
        for (const mode of MODES) {
          const job = (name: string): string => JSON.stringify({ mode, input, output: join(out, `${mode}-${name}.parquet`), enabledTagKeys: null });
          const compiled = await pipelineStartCommand(mode, [job("compiled")]);
          t.is(compiled.how, "compiled", compiled.fallbackReason);
          t.is(compiled.command, process.execPath);
          t.false(compiled.args.some((a) => a.includes("tsx")));
          const fromJs = await runWith(compiled, join(out, `${mode}-compiled.parquet`));
          const fromTs = await runWith(pipelineCommand(mode, [job("source")]), join(out, `${mode}-source.parquet`));
          t.true(fromTs.rows.length > 0);
          t.deepEqual(fromJs, fromTs, `${mode}`);
        }
      } finally {
        removeDir(out);
        if (parquetDir) removeDir(parquetDir);
      }
    });
  }
}

test("a failing job reports the same error from the compiled entry as from the TypeScript entry", async (t) => {
  const out = tempDir("compiled-failure");
  try {
    const job = JSON.stringify({ mode: "streaming", input: { kind: "csv", dir: join(out, "no-such-folder") }, output: join(out, "s.parquet"), enabledTagKeys: null });
    const compiled = await pipelineStartCommand("streaming", [job]);
    t.is(compiled.how, "compiled");
    const a = await runChild(compiled.command, compiled.args);
    const source = pipelineCommand("streaming", [job]);
    const b = await runChild(source.command, source.args);
    t.is(a.exitCode, b.exitCode);
    t.not(a.exitCode, 0);
    t.deepEqual(a.report, b.report);
    t.is((a.report as { ok: boolean }).ok, false);
  } finally {
    removeDir(out);
  }
});

test("packages stay out of the bundle: they load from node_modules as under tsx", async (t) => {
  const bundle = readFileSync(await compiledPipelineEntry(pipelineEntry("in-memory")), "utf8");
  t.regex(bundle, /from "nodejs-polars"/);
  t.notRegex(bundle, /^\/\/ node_modules\//m); // no package's source is copied in (esbuild heads each module with its path)
  t.regex(bundle, /^\/\/ pipelines\/run-job\.ts$/m); // the project's own code is
});

/** A two-file project in a temp folder: entry.ts prints what lib.ts exports. */
function project(): { dir: string; entry: string; lib: string; cache: string } {
  const dir = tempDir("compile-project");
  const entry = join(dir, "entry.ts");
  const lib = join(dir, "lib.ts");
  writeFileSync(entry, 'import { word } from "./lib.ts";\nconst n: number = 1;\nconsole.log(`${word} ${n}`);\n');
  writeFileSync(lib, 'export const word: string = "first";\n');
  const cache = join(dir, "cache");
  mkdirSync(cache);
  return { dir, entry, lib, cache };
}

const runNode = (file: string) => execFileSync(process.execPath, [file], { encoding: "utf8" }).trim();

test("a changed source gives a new cache entry and the new code; the old sources find their old bundle again", async (t) => {
  const p = project();
  try {
    t.is(cachedPipelineBundle(p.entry, p.cache), null); // nothing built yet
    const first = await compiledPipelineEntry(p.entry, p.cache);
    t.is(runNode(first), "first 1");
    t.is(cachedPipelineBundle(p.entry, p.cache), first); // found again without a build

    writeFileSync(p.lib, 'export const word: string = "second";\n'); // an imported file, not the entry
    t.is(cachedPipelineBundle(p.entry, p.cache), null, "a changed import must not find the old bundle");
    const second = await compiledPipelineEntry(p.entry, p.cache);
    t.not(second, first);
    t.is(runNode(second), "second 1");

    writeFileSync(p.lib, 'export const word: string = "first";\n');
    t.is(cachedPipelineBundle(p.entry, p.cache), first);
  } finally {
    removeDir(p.dir);
  }
});

test("a source that is gone means no cache hit", async (t) => {
  const p = project();
  try {
    await compiledPipelineEntry(p.entry, p.cache);
    writeFileSync(p.entry, 'console.log("no import now");\n');
    t.is(cachedPipelineBundle(p.entry, p.cache), null);
    const bundle = await compiledPipelineEntry(p.entry, p.cache);
    t.is(runNode(bundle), "no import now");
    removeDir(p.lib);
    t.is(cachedPipelineBundle(p.entry, p.cache), bundle, "lib.ts is no longer an input");
    removeDir(p.entry);
    t.is(cachedPipelineBundle(p.entry, p.cache), null);
  } finally {
    removeDir(p.dir);
  }
});

test("concurrent builds of one entry into one cache end with one whole bundle and no temp files", async (t) => {
  const p = project();
  try {
    const paths = await Promise.all([1, 2, 3, 4].map(() => buildPipelineBundle(p.entry, p.cache)));
    t.is(new Set(paths).size, 1);
    t.is(runNode(paths[0]), "first 1");
    t.deepEqual(readdirSync(p.cache).filter((f) => f.includes(".tmp-")), []);
    t.is(cachedPipelineBundle(p.entry, p.cache), paths[0]);
  } finally {
    removeDir(p.dir);
  }
});

test("a source that does not compile is an error from the build, not a bundle", async (t) => {
  const p = project();
  try {
    writeFileSync(p.lib, "export const word: string = ;\n");
    await t.throwsAsync(() => compiledPipelineEntry(p.entry, p.cache));
    t.is(cachedPipelineBundle(p.entry, p.cache), null);
  } finally {
    removeDir(p.dir);
  }
});
