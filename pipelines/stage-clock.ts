// Where the child's time and memory go, stage by stage (bench/aggregate.ts prints it). Off by
// default: a job with `profile: true` asks for it. Each stage's queries are timed on their own, and
// the stage's peak RSS is read after resetting the process's high-water mark (Linux: writing "5" to
// /proc/self/clear_refs resets VmHWM), so a stage's peak is what the process held at most while it
// ran, the earlier stages' results included. The pod scans of a stage are counted in each query's
// optimized plan (the pod parquet SCAN, or in-memory the pod DataFrame it reads).
import { readFileSync, writeFileSync } from "node:fs";
import type { DataFrame, LazyDataFrame } from "nodejs-polars";
import type { StageTiming } from "../src/contract/job.ts";

/** An optimized-plan line that reads the hourly pod table (parquet, CSV, or the eager DataFrame). */
const POD_SCAN = /openshift_pod_usage_line_items|ocp_pod_usage|DF \["interval_start", "pod", "namespace", "node"/;

export function podScansOf(plan: string): number {
  return plan.split("\n").filter((line) => POD_SCAN.test(line)).length;
}

function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux: the peak then stays the process's peak so far
  }
}

/** The process's peak RSS (VmHWM) since the last reset, MB. */
export function peakMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

export class StageClock {
  readonly stages: StageTiming[] = [];
  /** Milliseconds spent in collect() so far (the caller subtracts it from its plan-building time). */
  collectMs = 0;
  /** The highest peak seen by any stage, MB: resetting VmHWM loses the process's peak otherwise. */
  maxPeakMb = 0;

  constructor(readonly enabled: boolean) {}

  /** Run the queries of one stage (in order) on the engine; recorded when enabled. */
  collect(stage: string, queries: LazyDataFrame[], engine: "in-memory" | "streaming"): DataFrame[] {
    const scans = this.enabled ? queries.reduce((n, q) => n + podScansOf(q.describeOptimizedPlan()), 0) : 0;
    const start = this.begin();
    const out = queries.map((q) => q.collectSync({ engine }));
    const ms = performance.now() - start.t;
    this.collectMs += ms;
    if (this.enabled) this.record(stage, ms, start.cpu, scans, queries.length);
    return out;
  }

  /** Time a step that is not a polars query (e.g. writing the summary file). */
  time<T>(stage: string, work: () => T): T {
    const start = this.begin();
    const out = work();
    if (this.enabled) this.record(stage, performance.now() - start.t, start.cpu, 0, 0);
    return out;
  }

  private begin(): { t: number; cpu: NodeJS.CpuUsage } {
    if (this.enabled) {
      this.maxPeakMb = Math.max(this.maxPeakMb, peakMb()); // the peak before this stage
      resetPeak();
    }
    return { t: performance.now(), cpu: process.cpuUsage() };
  }

  private record(stage: string, ms: number, cpuStart: NodeJS.CpuUsage, podScans: number, queries: number): void {
    const peak = peakMb();
    this.maxPeakMb = Math.max(this.maxPeakMb, peak);
    const used = process.cpuUsage(cpuStart);
    const cpuMs = (used.user + used.system) / 1000;
    const seen = this.stages.find((s) => s.stage === stage);
    if (seen) {
      seen.ms += ms;
      seen.cpuMs += cpuMs;
      seen.peakMb = Math.max(seen.peakMb, peak);
      seen.podScans += podScans;
      seen.queries += queries;
    } else {
      this.stages.push({ stage, ms, cpuMs, peakMb: peak, podScans, queries });
    }
  }
}
