// How long a pipeline child takes to start, compiled entry (plain node) vs TypeScript source
// (node --import tsx), interleaved: each run is a small job (a nise fixture folder), and the start
// cost is the parent's wall time of the child minus the child's own total (timings.total, measured
// inside the child from the job parsed to the report). Prints medians and min-max per way.
// Usage: node --import tsx bench/child-start.ts [runs per way, default 6] [mode, default in-memory]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mode } from "../src/contract/job.ts";
import { pipelineStartCommand, runPipeline } from "../src/child/launcher.ts";
import { NISE_FIXTURES } from "../test/fixtures-path.ts";

const runs = Number(process.argv[2] ?? 6);
const mode = (process.argv[3] ?? "in-memory") as Mode;
const input = { kind: "csv" as const, dir: join(NISE_FIXTURES, "random-defaults") };
const out = mkdtempSync(join(tmpdir(), "streambench-child-start-"));

const t0 = performance.now();
const first = await pipelineStartCommand(mode);
console.log(`compiled entry ready in ${(performance.now() - t0).toFixed(0)} ms (${first.how}${first.fallbackReason ? `: ${first.fallbackReason}` : ""})`);

type Way = "compiled" | "source";
const figures: Record<Way, { start: number[]; wall: number[]; total: number[]; cpu: number[] }> = {
  compiled: { start: [], wall: [], total: [], cpu: [] },
  source: { start: [], wall: [], total: [], cpu: [] },
};
for (let i = 0; i < runs; i++) {
  for (const way of (i % 2 ? ["source", "compiled"] : ["compiled", "source"]) as Way[]) {
    if (way === "source") process.env.STREAMBENCH_PIPELINE_COMPILE = "0";
    else delete process.env.STREAMBENCH_PIPELINE_COMPILE;
    const { report, outcome } = await runPipeline({ mode, input, output: join(out, `${way}-${i}.parquet`), enabledTagKeys: null });
    const f = figures[way];
    f.wall.push(outcome.wallMs);
    f.total.push(report.timings.total);
    f.start.push(outcome.wallMs - report.timings.total);
    f.cpu.push((report.cpu.user + report.cpu.system) / 1000);
  }
}
rmSync(out, { recursive: true, force: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const show = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
console.log(`${mode}, ${runs} runs per way, interleaved`);
for (const way of ["source", "compiled"] as Way[]) {
  const f = figures[way];
  console.log(`${way.padEnd(8)} start ${show(f.start)}  wall ${show(f.wall)}  child total ${show(f.total)}  child cpu ${show(f.cpu)}`);
}
console.log(`start saved per child: ${(median(figures.source.start) - median(figures.compiled.start)).toFixed(0)} ms (median)`);
