// SUMMARY.csv: one row per (scale, mode), median figures over the repetitions. The header is the
// earlier benchmark's (spec/poc-benchmark.md §5.3), so existing tooling keeps reading it.
import type { RunReport } from "./model.ts";
import { summariseReport } from "./stats.ts";

export const SUMMARY_TABLE_HEADER =
  "scale,mode,status,duration_seconds,peak_memory_mb,input_rows,output_rows,validation_status";

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function num(n: number, decimals: number): string {
  return Number.isFinite(n) ? n.toFixed(decimals) : "";
}

export function summaryTableCsv(report: RunReport): string {
  const lines = [SUMMARY_TABLE_HEADER];
  for (const m of summariseReport(report)) {
    lines.push(
      [
        field(m.scale),
        m.mode,
        m.status,
        num(m.duration.median, 3),
        num(m.peakMemoryMb.median, 1),
        String(m.inputRows),
        String(m.outputRows),
        m.validation,
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}
