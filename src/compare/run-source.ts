// BASE and NEW as the user names them: a run folder, `latest` (the results folder's latest link),
// or a summary.json path. Read defensively: older summaries lack fields added since (limits,
// phases), which the comparison treats as not recorded; a file that is not a summary is a usage
// error naming it (exit 2).
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import type { RunReport } from "../records/run-report.ts";
import { parseSummaryJson } from "../report/summary-json.ts";
import { REPORT_FILES } from "../report/write.ts";
import { LATEST_LINK, latestSummaryJson } from "../records/results-folder-names.ts";

export interface LoadedRun {
  /** The summary.json read. */
  path: string;
  report: RunReport;
}

/** The summary.json a BASE or NEW argument names (`latest` under resultsRoot), links resolved: `latest` moves, the folder it named does not. */
export function summaryPathOf(arg: string, resultsRoot: string, what: string): string {
  const path = arg === LATEST_LINK ? latestSummaryJson(resultsRoot) : resolve(arg);
  if (!existsSync(path)) {
    throw new UsageError(`${what}: ${arg === LATEST_LINK ? `no earlier run: ${path} does not exist` : `${path} does not exist`}`);
  }
  if (statSync(path).isDirectory()) {
    const inside = join(path, REPORT_FILES.summaryJson);
    if (!existsSync(inside)) throw new UsageError(`${what}: ${path} is a folder without a ${REPORT_FILES.summaryJson} (not a streambench run folder)`);
    return realpathSync(inside);
  }
  return realpathSync(path);
}

/** Reads a run (see the top of this file); every problem names the argument and the file. */
export function loadRun(arg: string, resultsRoot: string, what: string): LoadedRun {
  const path = summaryPathOf(arg, resultsRoot, what);
  let report: RunReport;
  try {
    report = parseSummaryJson(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`${what}: ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(report.scales) || report.scales.some((s) => typeof s?.scale !== "string" || !Array.isArray(s.runs))) {
    throw new UsageError(`${what}: ${path}: report.scales is not a list of scales with their runs`);
  }
  return { path, report };
}

/** "results/x/summary.json (started 2026-12-04T18:00:00Z, node v20.20.2, PASS)". */
export function describeRun(run: LoadedRun): string {
  const r = run.report;
  return `${run.path} (started ${r.startedAt ?? "?"}, ${r.environment?.runtime ?? "runtime not recorded"}, ${r.status ?? "?"})`;
}
