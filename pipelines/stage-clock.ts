// Where the child's time and memory go, stage by stage (bench/aggregate.ts prints it). Off by
// default: a job with `profile: true` asks for it. Each stage's queries are timed on their own, and
// the stage's peak RSS is read after resetting the process's high-water mark (Linux: writing "5" to
// /proc/self/clear_refs resets VmHWM), so a stage's peak is what the process held at most while it
// ran, the earlier stages' results included. The pod scans of a stage are counted in each query's
// optimized plan (the pod parquet SCAN, or in-memory the pod DataFrame it reads). What a stage
// holds afterwards is recorded beside its peak: the rows and estimated bytes of its results, and the
// anonymous RSS the process still held when it ended (its results plus what the allocator kept).
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

/** A line of /proc/self/status in MB (e.g. VmHWM, RssAnon), or undefined off Linux. */
function statusMb(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return undefined;
}

/** The process's peak RSS (VmHWM) since the last reset, MB. */
export function peakMb(): number {
  return statusMb("VmHWM") ?? process.resourceUsage().maxRSS / 1024;
}

/**
 * Estimated bytes of a frame's buffers: 16 bytes a string (polars' string view) plus its
 * characters (longer than 12 they live in a separate buffer; characters, not UTF-8 bytes),
 * 4 a categorical code, 4 or 8 a number or date by its width, 1 a boolean. An estimate to say
 * what a stage hands on, not an allocator figure.
 */
export function frameBytes(df: DataFrame): number {
  let bytes = 0;
  for (const s of df.getColumns()) {
    const kind = s.dtype.variant;
    if (kind === "String") bytes += 16 * s.length + Number(s.str.lengths().sum() ?? 0);
    else if (kind === "Bool") bytes += s.length;
    else if (["Categorical", "Int32", "UInt32", "Float32", "Date"].includes(kind)) bytes += 4 * s.length;
    else bytes += 8 * s.length;
  }
  return bytes;
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
    if (this.enabled) this.record(stage, ms, start.cpu, scans, queries.length, out);
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

  private record(stage: string, ms: number, cpuStart: NodeJS.CpuUsage, podScans: number, queries: number, out: DataFrame[] = []): void {
    const peak = peakMb();
    const heldAnonMb = statusMb("RssAnon");
    const rowsOut = out.reduce((n, df) => n + df.height, 0);
    const bytesOutMb = out.reduce((n, df) => n + frameBytes(df), 0) / 2 ** 20;
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
      seen.heldAnonMb = heldAnonMb;
      seen.rowsOut = (seen.rowsOut ?? 0) + rowsOut;
      seen.bytesOutMb = (seen.bytesOutMb ?? 0) + bytesOutMb;
    } else {
      this.stages.push({ stage, ms, cpuMs, peakMb: peak, podScans, queries, heldAnonMb, rowsOut, bytesOutMb });
    }
  }
}
