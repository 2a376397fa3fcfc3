// results/history.csv: one line per validated (scale, mode) of every run, appended when the run
// ends, so runs can be followed over time (`streambench history`) without keeping their folders.
// Each line carries what the run was measured on (commit, runtime, polars, machine, limits,
// services), its data (profile, seed, rows), the medians and ranges, and every run's duration and
// peak (space-separated), so two lines can still be compared with the same statistics as
// `compare`. Columns are read by name: a later version may add some.
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.ts";
import type { RunReport } from "../records/run-report.ts";
import { measuredRuns, summariseReport, validated } from "../report/mode-summary.ts";
import { csvField } from "../contract/csv-field.ts";
import { scanCsvFile } from "../contract/csv-scan.ts";
import { limitsText, serviceKind } from "./like-with-like.ts";

export const HISTORY_FILE = "history.csv";

export const HISTORY_COLUMNS = [
  "time",
  "git_commit",
  "runtime",
  "polars",
  "machine",
  "limits",
  "s3",
  "postgres",
  "profile",
  "seed",
  "scale",
  "input_rows",
  "mode",
  "runs",
  "duration_median_s",
  "duration_min_s",
  "duration_max_s",
  "peak_memory_median_mb",
  "peak_memory_min_mb",
  "peak_memory_max_mb",
  "durations_s",
  "peak_memories_mb",
  "folder",
] as const;

export type HistoryRow = Record<(typeof HISTORY_COLUMNS)[number], string>;

/** The environment of a line in one string: a change of it is marked on the chart. */
export function environmentKey(row: Pick<HistoryRow, "runtime" | "polars" | "machine" | "limits" | "s3" | "postgres">): string {
  return [row.runtime, `polars ${row.polars}`, row.machine, `limits ${row.limits}`, `S3 ${row.s3}`, `PostgreSQL ${row.postgres}`].join("; ");
}


/** The lines a finished run adds: one per (scale, mode) whose runs were all validated. */
export function historyRows(report: RunReport, folder: string): HistoryRow[] {
  const env = report.environment;
  const s = report.settings ?? {};
  const numbers = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(" ");
  return summariseReport(report)
    .filter(validated)
    .map((m) => {
      const runs = measuredRuns(report.scales.find((x) => x.scale === m.scale)?.runs ?? []).filter((r) => r.mode === m.mode && r.status === "SUCCESS");
      return {
        time: report.startedAt,
        git_commit: env.gitCommit,
        runtime: env.runtime,
        polars: env.versions["nodejs-polars"] ?? "",
        machine: `${env.cpu}, ${env.cores} cores, ${env.ramGb} GB`,
        limits: limitsText(s.limits) ?? "none",
        s3: serviceKind(s.s3) ?? "",
        postgres: serviceKind(s.postgres) ?? "",
        profile: String(s.profile ?? ""),
        seed: String(s.seed ?? ""),
        scale: m.scale,
        input_rows: String(m.inputRows),
        mode: m.mode,
        runs: String(m.runs),
        duration_median_s: m.duration.median.toFixed(4),
        duration_min_s: m.duration.min.toFixed(4),
        duration_max_s: m.duration.max.toFixed(4),
        peak_memory_median_mb: m.peakMemoryMb.median.toFixed(1),
        peak_memory_min_mb: m.peakMemoryMb.min.toFixed(1),
        peak_memory_max_mb: m.peakMemoryMb.max.toFixed(1),
        durations_s: numbers(runs.map((r) => r.durationSeconds), 4),
        peak_memories_mb: numbers(runs.map((r) => r.peakMemoryMb), 1),
        folder,
      };
    });
}

/** Appends a run's lines to <outRoot>/history.csv (the header first when the file is new); how many. */
export function appendHistory(outRoot: string, report: RunReport, folder: string): number {
  const rows = historyRows(report, folder);
  if (rows.length === 0) return 0;
  const path = join(outRoot, HISTORY_FILE);
  const header = existsSync(path) ? "" : HISTORY_COLUMNS.join(",") + "\n";
  appendFileSync(path, header + rows.map((r) => HISTORY_COLUMNS.map((c) => csvField(r[c])).join(",")).join("\n") + "\n");
  return rows.length;
}

/** Reads history.csv by its header's column names; a column a line lacks reads "". */
export async function readHistory(path: string): Promise<HistoryRow[]> {
  const records: string[][] = [];
  await scanCsvFile(path, (rec) => {
    records.push(Array.from({ length: rec.count }, (_, i) => rec.buf.toString("utf8", rec.starts[i], rec.ends[i])));
  }, (message, line) => new DataError(message, path, line));
  const [header, ...lines] = records;
  if (!header || !header.includes("scale") || !header.includes("mode") || !header.includes("time")) {
    throw new DataError(`${path}:1: not a streambench history (the header lacks time, scale and mode)`, path, 1);
  }
  return lines.map((fields) => Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, fields[header.indexOf(c)] ?? ""])) as HistoryRow);
}
