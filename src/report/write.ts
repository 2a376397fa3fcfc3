// Writing the reports: each file goes to a temporary name in the same folder and is renamed into
// place, so a reader (or a run cut off mid-write) never sees half a file.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RunReport } from "../records/run-report.ts";
import { SUMMARY_JSON } from "../records/results-folder-names.ts";
import { summaryTableCsv } from "./summary-table-csv.ts";
import { comparisonReport } from "./comparison-report.ts";
import { summaryJson } from "./summary-json.ts";
import { durationChartSvg, memoryChartSvg, memoryOverTimeChartName, memoryOverTimeSvg } from "./charts.ts";
import { measuredRuns } from "./mode-summary.ts";
import { analyseSweep } from "./crossover.ts";
import { crossoverChartSvg } from "./crossover-chart.ts";
import { hasLimitSection, OUTCOME_CHART } from "./limits-report.ts";
import { outcomeChartSvg } from "./outcome-chart.ts";

export const REPORT_FILES = {
  summaryCsv: "SUMMARY.csv",
  comparison: "COMPARISON_REPORT.md",
  summaryJson: SUMMARY_JSON,
  memoryChart: "memory_vs_rows.svg",
  durationChart: "duration_vs_rows.svg",
  /** A sweep's only. */
  crossoverChart: "crossover.svg",
} as const;

let counter = 0;

/** Writes text to path atomically: a temp file beside it, then rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  try {
    await writeFile(tmp, text, "utf8");
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/**
 * Writes SUMMARY.csv, COMPARISON_REPORT.md, summary.json and both charts (names: REPORT_FILES) into
 * dir, a memory-over-time chart per scale that has a successful run (memoryOverTimeChartName), and
 * for a sweep crossover.svg.
 */
export async function writeReports(dir: string, report: RunReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [REPORT_FILES.summaryCsv, summaryTableCsv(report)],
    [REPORT_FILES.comparison, comparisonReport(report)],
    [REPORT_FILES.summaryJson, summaryJson(report)],
    [REPORT_FILES.memoryChart, memoryChartSvg(report)],
    [REPORT_FILES.durationChart, durationChartSvg(report)],
  ];
  for (const sc of report.scales) {
    if (measuredRuns(sc.runs).some((r) => r.status === "SUCCESS" && r.memorySeries.length > 0)) {
      files.push([memoryOverTimeChartName(sc.scale), memoryOverTimeSvg(report, sc.scale)]);
    }
  }
  if (report.sweep) files.push([REPORT_FILES.crossoverChart, crossoverChartSvg(analyseSweep(report))]);
  if (hasLimitSection(report)) files.push([OUTCOME_CHART, outcomeChartSvg(report)]);
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
}
