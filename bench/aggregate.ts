// npm run bench:aggregate -- --scale NAME [--runs N] [--modes in-memory,streaming] [--input DIR]
//
// Figures, not a test: for one scale, generate the parquet input into a temp folder (src/nise +
// src/scales.ts), then run each mode in a fresh child process (interleaved when --runs > 1) and
// print per mode: time split (read / plan build / execution / write), the child's own peak RSS
// (maxRSS), the parent's sampled peak anonymous RSS (polars memory-maps local parquet, so part of
// RSS is page cache), and input rows per second of aggregation. The outputs are also compared.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobInput, JobReport, Mode } from "../src/contract/job.ts";
import { detectInput } from "../src/commands/aggregate.ts";
import { runPipeline } from "../src/pipeline-child.ts";
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

async function main(): Promise<void> {
  const flags = parseFlags(
    process.argv.slice(2),
    { scale: { type: "string" }, runs: { type: "string" }, modes: { type: "string" }, input: { type: "string" } },
    "bench:aggregate",
  );
  const runs = flags.runs ? positiveInteger(flags.runs as string, "--runs") : 1;
  const modes = ((flags.modes as string | undefined) ?? "in-memory,streaming").split(",") as Mode[];
  const work = mkdtempSync(join(tmpdir(), "streambench-bench-"));
  try {
    let input: JobInput;
    let label: string;
    if (flags.input) {
      input = detectInput(flags.input as string);
      label = flags.input as string;
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
      for (const mode of modes) {
        const output = join(work, `summary-${mode}.parquet`);
        outputs.set(mode, output);
        const { report, outcome } = await runPipeline({ mode, input, output, enabledTagKeys: null });
        const anon = Math.max(0, ...outcome.samples.map((s) => s.rssAnonBytes)) / 2 ** 20;
        results.push({ mode, report, sampledPeakAnonMb: anon });
        const r = report;
        console.log(
          `  run ${rep} ${mode.padEnd(9)} total ${fmt(r.timings.total)} ms  aggregate ${fmt(r.timings.aggregate)} ms ` +
            `(plan build ${fmt(r.timings.plan ?? 0)} ms)  peak RSS ${fmt(mb(r.maxRSSKb))} MB`,
        );
      }
    }

    console.log(`\n${label}${runs > 1 ? ` — medians of ${runs} runs` : ""}; 2 shared cores, other work running: figures are noisy`);
    console.log(
      "mode       rows in     read ms  plan ms  exec ms  write ms  total ms  peak RSS MB  peak anon MB  rows/s (exec)  rows/s (aggregate)",
    );
    for (const mode of modes) {
      const rs = results.filter((x) => x.mode === mode);
      const r0 = rs[0].report;
      const rowsIn = r0.rowsIn.pod + r0.rowsIn.storage + r0.rowsIn.nodeLabels + r0.rowsIn.namespaceLabels;
      const read = median(rs.map((x) => x.report.timings.read));
      const plan = median(rs.map((x) => x.report.timings.plan ?? 0));
      const agg = median(rs.map((x) => x.report.timings.aggregate));
      const exec = median(rs.map((x) => x.report.timings.aggregate - (x.report.timings.plan ?? 0)));
      const write = median(rs.map((x) => x.report.timings.write));
      const total = median(rs.map((x) => x.report.timings.total));
      const rss = median(rs.map((x) => mb(x.report.maxRSSKb)));
      const anon = median(rs.map((x) => x.sampledPeakAnonMb));
      console.log(
        [
          mode.padEnd(9),
          fmt(rowsIn).padStart(10),
          fmt(read).padStart(10),
          fmt(plan).padStart(8),
          fmt(exec).padStart(8),
          fmt(write).padStart(9),
          fmt(total).padStart(9),
          fmt(rss).padStart(12),
          fmt(anon).padStart(13),
          fmt(rowsIn / ((exec + read) / 1000)).padStart(14),
          fmt(rowsIn / ((agg + read) / 1000)).padStart(19),
        ].join(" "),
      );
    }
    if (outputs.has("in-memory") && outputs.has("streaming")) {
      const a = await readSummaryParquet(outputs.get("in-memory")!);
      const b = await readSummaryParquet(outputs.get("streaming")!);
      const v = compareSummaries(a, b, DEFAULT_TOLERANCE);
      console.log(`\nin-memory vs streaming: ${v.verdict} (${a.length} rows, max rel diff ${v.maxRelDiff.toExponential(2)})`);
    }
    console.log("rows/s = all input rows (pod+storage+label rows) / (read + execution, or read + aggregate incl. plan build)");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
