// `streambench history [--scale S] [--mode M]`: the runs so far, from <results>/history.csv, as a
// table (a "*" where the environment changed from the run before), and a chart per scale shown
// (history_<scale>.svg beside history.csv): duration and peak memory over the runs, one line per mode.
import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { parseFlags } from "./flags.ts";
import { environmentKey, HISTORY_FILE, readHistory, type HistoryRow } from "../compare/history.ts";
import { writeHistoryChart } from "../compare/history-chart.ts";

export const HISTORY_HELP = `Usage: streambench history [--scale S] [--mode M] [--results DIR]

Every run appends one line per validated (scale, mode) to <results>/history.csv: time, commit,
runtime, polars, machine, limits, S3/PostgreSQL kind, profile, seed, rows, runs, medians and
ranges of duration and peak memory, and each run's figures. This prints it and writes
history_<scale>.svg beside it: duration and peak memory over the runs, one line per mode, a dashed
line where the environment changed.

Flags:
  --scale S        only this scale
  --mode M         only this mode
  --results DIR    the results folder (default results)
  -h, --help       this text
`;

const FLAGS = { scale: { type: "string" }, mode: { type: "string" }, results: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

const COLUMNS = ["", "time", "commit", "runtime", "polars", "limits", "scale", "mode", "runs", "duration s (min-max)", "peak MB (min-max)"];

function cells(row: HistoryRow, changed: boolean): string[] {
  return [
    changed ? "*" : "",
    row.time.replace(/\.\d+Z$/, "Z"),
    row.git_commit,
    row.runtime,
    row.polars,
    row.limits,
    row.scale,
    row.mode,
    row.runs,
    `${row.duration_median_s} (${row.duration_min_s}-${row.duration_max_s})`,
    `${row.peak_memory_median_mb} (${row.peak_memory_min_mb}-${row.peak_memory_max_mb})`,
  ];
}

/** The table, oldest first; "*" marks a line whose environment differs from its (scale, mode)'s line before. */
export function historyTable(rows: readonly HistoryRow[]): string {
  const previous = new Map<string, string>();
  const body = rows.map((r) => {
    const key = `${r.scale}\u0000${r.mode}`;
    const changed = previous.has(key) && previous.get(key) !== environmentKey(r);
    previous.set(key, environmentKey(r));
    return cells(r, changed);
  });
  const all = [COLUMNS, ...body];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((c) => c[i].length)));
  return all.map((c) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}

export async function runHistoryCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS, "history");
  if (flags.help) {
    process.stdout.write(HISTORY_HELP);
    return 0;
  }
  const root = resolve(flags.results ?? "results");
  const path = join(root, HISTORY_FILE);
  if (!existsSync(path)) throw new UsageError(`--results: no history yet: ${path} does not exist (every run appends to it)`);
  const all = await readHistory(path);
  const rows = all.filter((r) => (flags.scale === undefined || r.scale === flags.scale) && (flags.mode === undefined || r.mode === flags.mode));
  if (rows.length === 0) throw new UsageError(`${path} has no line${flags.scale ? ` for --scale ${flags.scale}` : ""}${flags.mode ? ` for --mode ${flags.mode}` : ""}`);
  process.stdout.write(historyTable(rows));
  for (const scale of [...new Set(rows.map((r) => r.scale))]) {
    const chart = await writeHistoryChart(root, rows, scale);
    process.stdout.write(`chart: ${chart}\n`);
  }
  return 0;
}
