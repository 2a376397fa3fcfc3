// Generator speed: for each scale, a fresh child process generates it (parquet by default, as the
// benchmark uses it) and reports time, rows/s and peak RSS (its own VmHWM: ru_maxrss would carry the parent's size).
//   node --import tsx bench/generate.ts [--format csv|parquet|both] [--sink | --reference] [--runs N] [scale ...]   (default: large production-large)
//   --sink also delivers every row to a RowSink that only counts (the reference's path).
//   --reference delivers every row to the reference (DailySummaryReference) and runs its finish(),
//   as `run` does for small scales; --reference-thread computes it on a worker thread, as `run`
//   does from 1 M pod rows: the "generate" phase's real cost.
// Targets on the 2-core machine: large < 5 s; production-large < 120 s with peak RSS < 1.5 GB.

import { spawnSync } from "node:child_process";
import { readProcMemory } from "../src/child/proc-status.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate, type OutputFormat } from "../src/nise/generate.ts";
import { scaleManifest, scaleInfo } from "../src/scales.ts";
import { DailySummaryReference } from "../src/reference/summary.ts";
import { ReferenceThread } from "../src/reference/thread.ts";

interface Result {
  scale: string;
  format: OutputFormat;
  rows: number;
  podRows: number;
  seconds: number;
  maxRssMb: number;
  files: number;
  /** reference.finish() alone (--reference), included in seconds. */
  finishSeconds: number;
  summaryRows: number;
  cpuSeconds: number;
}

const TARGETS: Record<string, { seconds: number; rssMb?: number }> = {
  large: { seconds: 5 },
  "production-large": { seconds: 15 }, // with --reference (issue 11); the generator alone ~12 s
};

type SinkKind = "none" | "count" | "reference" | "thread";

async function child(scale: string, format: OutputFormat, sinkKind: SinkKind): Promise<void> {
  const parent = mkdtempSync(join(tmpdir(), "streambench-bench-gen-"));
  try {
    const t0 = performance.now();
    let seen = 0;
    const count = () => void seen++;
    const reference = sinkKind === "reference" ? new DailySummaryReference({ enabledTagKeys: null }) : undefined;
    const thread = sinkKind === "thread" ? ReferenceThread.start({ enabledTagKeys: null }) : null;
    if (sinkKind === "thread" && !thread) throw new Error("no reference thread in this runtime");
    const sink = reference ?? (sinkKind === "count" ? { pod: count, storage: count, nodeLabel: count, namespaceLabel: count } : undefined);
    const summary = await generate(scaleManifest(scale), { clusterId: `bench-${scale}`, outDir: join(parent, "out"), format, sink, ...(thread ? { batchSink: thread } : {}) });
    const tFinish = performance.now();
    const summaryRows = reference ? reference.finish().length : thread ? (await thread.finish()).length : 0;
    const finishSeconds = (performance.now() - tFinish) / 1000;
    if (sinkKind === "count" && seen !== Object.values(summary.rows).reduce((a, b) => a + b, 0)) throw new Error("sink saw a different row count");
    const seconds = (performance.now() - t0) / 1000;
    const r: Result = {
      scale,
      format,
      rows: Object.values(summary.rows).reduce((a, b) => a + b, 0),
      podRows: summary.rows.pod,
      seconds,
      maxRssMb: (readProcMemory(process.pid)?.hwmBytes ?? process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      files: summary.files.length,
      finishSeconds,
      summaryRows,
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    };
    process.stdout.write(JSON.stringify(r) + "\n");
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

function runChild(scale: string, format: OutputFormat, withSink: SinkKind): { result: Result; wall: number } {
  const script = fileURLToPath(import.meta.url);
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
  const args = isDeno ? ["run", "-A", script, "--child", scale, format, String(withSink)] : [...process.execArgv, script, "--child", scale, format, String(withSink)];
  const t0 = performance.now();
  const p = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`child for ${scale} failed with status ${p.status}`);
  const line = p.stdout.trim().split("\n").pop()!;
  return { result: JSON.parse(line) as Result, wall };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv[1], argv[2] as OutputFormat, argv[3] as SinkKind);
  let format: OutputFormat = "parquet";
  let withSink: SinkKind = "none";
  let runs = 1;
  const scales: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--format") format = argv[++i] as OutputFormat;
    else if (argv[i] === "--sink") withSink = "count";
    else if (argv[i] === "--reference") withSink = "reference";
    else if (argv[i] === "--reference-thread") withSink = "thread";
    else if (argv[i] === "--runs") runs = Number(argv[++i]);
    else scales.push(argv[i]);
  }
  if (scales.length === 0) scales.push("large", "production-large");
  for (const s of scales) scaleInfo(s); // unknown names fail before any work
  const sinkText = { none: "", count: ", rows also to a counting RowSink", reference: ", rows also to the reference + its finish()", thread: ", the reference on a worker thread + its finish()" }[withSink];
  console.log(`generator benchmark (${format}${sinkText}), one fresh child process per scale and run; ${runs} run(s)`);
  console.log("scale              pod rows     all rows   generate s  (finish s)  child wall s   cpu s   rows/s (all)   peak RSS MB  target");
  for (const s of scales) {
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { result: r, wall } = runChild(s, format, withSink);
      seconds.push(r.seconds);
      const target = TARGETS[s];
      const verdict = target
        ? `${r.seconds <= target.seconds ? "ok" : "MISSED"} (< ${target.seconds} s${target.rssMb ? `, < ${target.rssMb} MB` : ""}${target.rssMb && r.maxRssMb > target.rssMb ? " RSS MISSED" : ""})`
        : "";
      console.log(
        `${s.padEnd(18)} ${r.podRows.toLocaleString("en-US").padStart(11)} ${r.rows.toLocaleString("en-US").padStart(12)} ` +
          `${r.seconds.toFixed(2).padStart(11)} ${r.finishSeconds.toFixed(2).padStart(11)} ${wall.toFixed(2).padStart(13)} ${r.cpuSeconds.toFixed(1).padStart(7)} ` +
          `${Math.round(r.rows / r.seconds).toLocaleString("en-US").padStart(14)} ${r.maxRssMb.toFixed(0).padStart(13)}  ${verdict}`,
      );
    }
    if (runs > 1) {
      const sorted = [...seconds].sort((a, b) => a - b);
      const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      console.log(`${s.padEnd(18)} median ${median.toFixed(2)} s (min ${sorted[0].toFixed(2)}, max ${sorted[sorted.length - 1].toFixed(2)}) over ${runs} runs`);
    }
  }
}

await main(process.argv.slice(2));
