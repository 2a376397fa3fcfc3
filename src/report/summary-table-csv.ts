// SUMMARY.csv: one row per (scale, mode), median figures over the measured repetitions (warm-ups
// left out). The first eight columns are the earlier benchmark's (spec/poc-benchmark.md §5.3), so
// existing tooling keeps reading it; the spread follows them: runs, then min and max of duration
// and peak memory.
import type { RunReport } from "../records/run-report.ts";
import { summariseReport } from "./mode-summary.ts";
import { csvField } from "../contract/csv-field.ts";

export const SUMMARY_TABLE_HEADER =
  "scale,mode,status,duration_seconds,peak_memory_mb,input_rows,output_rows,validation_status," +
  "runs,duration_min_seconds,duration_max_seconds,peak_memory_min_mb,peak_memory_max_mb";

function num(n: number, decimals: number): string {
  return Number.isFinite(n) ? n.toFixed(decimals) : "";
}

export function summaryTableCsv(report: RunReport): string {
  const lines = [SUMMARY_TABLE_HEADER];
  for (const m of summariseReport(report)) {
    lines.push(
      [
        csvField(m.scale),
        m.mode,
        m.status,
        num(m.duration.median, 3),
        num(m.peakMemoryMb.median, 1),
        String(m.inputRows),
        String(m.outputRows),
        m.validation,
        String(m.runs),
        num(m.duration.min, 3),
        num(m.duration.max, 3),
        num(m.peakMemoryMb.min, 1),
        num(m.peakMemoryMb.max, 1),
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}
