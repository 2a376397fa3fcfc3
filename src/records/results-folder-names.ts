// Where the runs' records are found: the names of the results folder under --out, the rule
// run/results-folder.ts makes folders by and compare/run-source.ts finds a run by (`latest`).
//
//   <outRoot>/streaming_comparison_<YYYYmmdd_HHMMSS>[_N]/summary.json   one folder per run
//   <outRoot>/latest -> the newest folder that holds a summary.json
//
// Names only: nothing here touches the disk.
import { join } from "node:path";

/** Every run folder's name starts so; the rest is its start time (timestampName), sorting oldest first. */
const RUN_FOLDER_PREFIX = "streaming_comparison_";
/** The link to the newest run folder, and the word `compare` and `--baseline` take for it. */
export const LATEST_LINK = "latest";
/** The run's whole record (report/summary-json.ts writes it, REPORT_FILES.summaryJson). */
export const SUMMARY_JSON = "summary.json";

/** Local time as YYYYmmdd_HHMMSS. */
export function timestampName(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** The folder of a run started at `date`; the nth of that second (n > 1) gains "_n". */
export function runFolderName(date: Date, n = 1): string {
  return `${RUN_FOLDER_PREFIX}${timestampName(date)}${n > 1 ? `_${n}` : ""}`;
}

export function isRunFolderName(name: string): boolean {
  return name.startsWith(RUN_FOLDER_PREFIX);
}

/** The summary.json of the newest earlier run under outRoot (through the latest link). */
export function latestSummaryJson(outRoot: string): string {
  return join(outRoot, LATEST_LINK, SUMMARY_JSON);
}
