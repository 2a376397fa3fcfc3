// npm run bench:aggregate -- --scale NAME [--runs N] [--modes in-memory,streaming] [--input DIR] [--plain] [--minimal]
//
// Figures, not a test: for one scale, generate the parquet input into a temp folder (src/nise +
// src/scales.ts), or take --input DIR (e.g. a folder `streambench generate` wrote, to skip the
// generation), then run each mode in a fresh child process (modes alternated A B B A ... when
// --runs > 1) and print per mode: time split (ready / read / plan build / execution / write), the
// child's own peak RSS (VmHWM), the parent's sampled peak anonymous RSS (polars memory-maps local
// parquet, so part of RSS is page cache), and input rows per second. The outputs are compared.
//
// Per stage (unless --plain): every run is profiled (Job.profile, pipelines/stage-clock.ts): each
// stage's queries run on their own, with the time, the peak RSS while it ran, how many times it
// read the hourly pod table (counted in the optimized plans) and how many polars queries it ran.
// A profiled run collects the summary's sections one by one, so its total can differ a little from
// a plain run's; --plain gives the plain figures. Beside each stage's peak: the anonymous RSS the
// child still held when the stage ended, and the rows and estimated MB of the frames it hands on
// (what a stage holds vs what the allocator keeps).
// --minimal: also run the Pod roll-up as the shortest polars query (bench/minimal-rollup.ts, text
// keys as strings and as categoricals), each in a child of its own, and print its peak beside ours.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JobInput, JobReport, Mode, StageTiming } from "../src/contract/job.ts";
import { jobInputOf, openInput, s3AccessFromEnv } from "../src/input/open-input.ts";
import { childEnvironment, runPipeline } from "../src/child/launcher.ts";
import { parseFlags, positiveInteger } from "../src/commands/flags.ts";
import { generate } from "../src/nise/generate.ts";
import { readSummaryParquet } from "../src/report/canonical-summary-csv.ts";
import { scaleInfo, scaleManifest } from "../src/scales.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../src/validate/index.ts";

interface Measured {
  mode: Mode;
  report: JobReport;
  sampledPeakAnonMb: number;
}

const mb = (kb: number) => kb / 1024;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number, d = 0) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

/** Per mode, per stage: medians over the runs of time, peak RSS, pod scans and queries. */
function printStages(modes: Mode[], results: Measured[], runs: number): void {
  for (const mode of modes) {
    const rs = results.filter((x) => x.mode === mode);
    const names: string[] = [];
    for (const r of rs) for (const s of r.report.stages ?? []) if (!names.includes(s.stage)) names.push(s.stage);
    const pick = (r: Measured, name: string): StageTiming | undefined => r.report.stages?.find((s) => s.stage === name);
    console.log(`\n${mode}: per stage${runs > 1 ? ` (medians of ${runs} runs)` : ""}`);
    console.log("  stage                                    ms    cpu ms  peak RSS MB  pod scans  queries  held anon MB    rows out  est. MB out");
    const row = (name: string, ms: number, cpu: string, peak: string, scans: string, queries: string, held = "", rowsOut = "", mbOut = "") =>
      console.log(
        `  ${name.padEnd(36)} ${fmt(ms).padStart(8)} ${cpu.padStart(9)} ${peak.padStart(12)} ${scans.padStart(10)} ${queries.padStart(8)}` +
          ` ${held.padStart(13)} ${rowsOut.padStart(11)} ${mbOut.padStart(12)}`,
      );
    const opt = (xs: (number | undefined)[], d = 0) => {
      const got = xs.filter((x): x is number => x !== undefined);
      return got.length > 0 ? fmt(median(got), d) : "";
    };
    row("read (input opened / loaded)", median(rs.map((r) => r.report.timings.read)), "", "", "", "");
    row("plan building (JS, all stages)", median(rs.map((r) => r.report.timings.plan)), "", "", "", "");
    let scans = 0;
    for (const name of names) {
      const got = rs.map((r) => pick(r, name)).filter((s): s is StageTiming => s !== undefined);
      const podScans = median(got.map((s) => s.podScans));
      scans += podScans;
      row(
        name,
        median(got.map((s) => s.ms)),
        fmt(median(got.map((s) => s.cpuMs))),
        fmt(median(got.map((s) => s.peakMb))),
        fmt(podScans),
        fmt(median(got.map((s) => s.queries))),
        opt(got.map((s) => s.heldAnonMb)),
        opt(got.map((s) => s.rowsOut)),
        opt(got.map((s) => s.bytesOutMb), 1),
      );
    }
    const cpu = median(rs.map((r) => (r.report.cpu.user + r.report.cpu.system) / 1000));
    row("total (read + plan + execute + write)", median(rs.map((r) => r.report.timings.total)), `${fmt(cpu)}*`, fmt(median(rs.map((r) => mb(r.report.maxRSSKb)))), fmt(scans), "");
    console.log("  (* cpu of the whole child, start-up included)");
  }
}

/** The engine's floor: the minimal roll-up query (bench/minimal-rollup.ts) in a child per key type, with an engine child's environment. */
function printMinimal(dir: string): void {
  const script = join(dirname(fileURLToPath(import.meta.url)), "minimal-rollup.ts");
  console.log("\nminimal polars query (scan -> group by day, namespace, node, pod_labels -> 6 sums; streaming engine):");
  for (const keys of ["string", "categorical"]) {
    const run = spawnSync(process.execPath, [...process.execArgv, script, dir, keys], { encoding: "utf8", env: childEnvironment(process.env) });
    const line = run.stdout.trim().split("\n").pop() ?? "";
    if (run.status !== 0 || !line.startsWith("{")) {
      console.log(`  ${keys} keys: failed (exit ${run.status}): ${run.stderr.trim().split("\n").pop() ?? ""}`);
      continue;
    }
    const r = JSON.parse(line) as { rows: number; peakMb: number; heldAnonMb: number; settings: string[] };
    console.log(
      `  ${keys.padEnd(11)} keys: ${fmt(r.rows)} rows, peak RSS ${fmt(r.peakMb)} MB, held anon after ${fmt(r.heldAnonMb)} MB` +
        (r.settings.length > 0 ? ` (${r.settings.join(" ")})` : ""),
    );
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(
    process.argv.slice(2),
    {
      scale: { type: "string" },
      runs: { type: "string" },
      modes: { type: "string" },
      input: { type: "string" },
      plain: { type: "boolean" },
      minimal: { type: "boolean" },
    },
    "bench:aggregate",
  );
  const runs = flags.runs ? positiveInteger(flags.runs as string, "--runs") : 1;
  const modes = ((flags.modes as string | undefined) ?? "in-memory,streaming").split(",") as Mode[];
  const profile = flags.plain !== true;
  const work = mkdtempSync(join(tmpdir(), "streambench-bench-"));
  try {
    let input: JobInput;
    let label: string;
    if (flags.input) {
      // the same one entry as aggregate and run: CSV input staged once, here, before any child
      const given = flags.input as string;
      const opened = await openInput(given, join(work, "input-stage"));
      input = jobInputOf(opened, opened.kind === "s3" ? s3AccessFromEnv(given, opened) : null);
      label = given;
    } else {
      const name = (flags.scale as string | undefined) ?? "large";
      const info = scaleInfo(name);
      label = `${name}: ${info.description}`;
      const t0 = performance.now();
      const gen = await generate(scaleManifest(name), { clusterId: `bench-${name}`, outDir: join(work, "input"), format: "parquet" });
      console.log(`generated ${label} in ${fmt((performance.now() - t0) / 1000, 1)} s (${gen.files.length} parquet files)`);
      input = { kind: "parquet", dir: gen.outDir };
    }

    const results: Measured[] = [];
    const outputs = new Map<Mode, string>();
    for (let rep = 1; rep <= runs; rep++) {
      // A B, B A, A B ...: drift on the shared machine hits both modes alike
      for (const mode of rep % 2 === 1 ? modes : [...modes].reverse()) {
        const output = join(work, `summary-${mode}.parquet`);
        outputs.set(mode, output);
        const { report, outcome } = await runPipeline({ mode, input, output, enabledTagKeys: null, profile });
        const anon = Math.max(0, ...outcome.samples.map((s) => s.rssAnonBytes)) / 2 ** 20;
        results.push({ mode, report, sampledPeakAnonMb: anon });
        const r = report;
        console.log(
          `  run ${rep} ${mode.padEnd(9)} total ${fmt(r.timings.total)} ms (read ${fmt(r.timings.read)}, plan ${fmt(r.timings.plan)}, ` +
            `execute ${fmt(r.timings.execute)}, write ${fmt(r.timings.write)}; ready after ${fmt(r.timings.ready)})  ` +
            `peak RSS ${fmt(mb(r.maxRSSKb))} MB  cpu ${fmt((r.cpu.user + r.cpu.system) / 1e6, 1)} s`,
        );
      }
    }

    if (profile) printStages(modes, results, runs);
    if (flags.minimal === true && input.kind === "parquet") printMinimal(input.dir);
    console.log(`\n${label}${runs > 1 ? ` — medians of ${runs} runs (min-max)` : ""}; 2 shared cores, other work running: figures are noisy`);
    console.log(
      "mode       rows in   ready ms  read ms  plan ms  exec ms  write ms  total ms  peak RSS MB  peak anon MB  rows/s (exec)  rows/s (total)",
    );
    for (const mode of modes) {
      const rs = results.filter((x) => x.mode === mode);
      const r0 = rs[0].report;
      const rowsIn = r0.rowsIn.pod + r0.rowsIn.storage + r0.rowsIn.nodeLabels + r0.rowsIn.namespaceLabels;
      const ready = median(rs.map((x) => x.report.timings.ready));
      const read = median(rs.map((x) => x.report.timings.read));
      const plan = median(rs.map((x) => x.report.timings.plan));
      const exec = median(rs.map((x) => x.report.timings.execute));
      const write = median(rs.map((x) => x.report.timings.write));
      const totals = rs.map((x) => x.report.timings.total);
      const total = median(totals);
      const rsss = rs.map((x) => mb(x.report.maxRSSKb));
      const rss = median(rsss);
      const anon = median(rs.map((x) => x.sampledPeakAnonMb));
      const spread = (xs: number[]) => (xs.length > 1 ? ` (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})` : "");
      console.log(
        [
          mode.padEnd(9),
          fmt(rowsIn).padStart(10),
          fmt(ready).padStart(9),
          fmt(read).padStart(8),
          fmt(plan).padStart(8),
          fmt(exec).padStart(8),
          fmt(write).padStart(9),
          fmt(total).padStart(9),
          fmt(rss).padStart(12),
          fmt(anon).padStart(13),
          fmt(rowsIn / ((exec + read) / 1000)).padStart(14),
          fmt(rowsIn / (total / 1000)).padStart(15),
        ].join(" ") + (runs > 1 ? `   total${spread(totals)} peak${spread(rsss)}` : ""),
      );
    }
    if (outputs.has("in-memory") && outputs.has("streaming")) {
      const a = await readSummaryParquet(outputs.get("in-memory")!);
      const b = await readSummaryParquet(outputs.get("streaming")!);
      const v = compareSummaries(a, b, DEFAULT_TOLERANCE);
      console.log(`\nin-memory vs streaming: ${v.verdict} (${a.length} rows, max rel diff ${v.maxRelDiff.toExponential(2)})`);
    }
    console.log("rows/s = all input rows (pod+storage+label rows) / (read + execution, or the child's total)");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
