// history_<scale>.svg: a scale's duration and peak memory over the runs in history.csv, one line
// per mode (median, with a bar from the fastest to the slowest run), a dashed line where the
// environment changed from the run before (runtime, polars, machine, limits, services), labelled
// with what changed. Drawn with the report's own line chart (report/charts.ts).
import { join } from "node:path";
import { isMode } from "../contract/job.ts";
import { OutputError } from "../errors.ts";
import { lineChartSvg, MODE_COLORS, type ChartSeries } from "../report/charts.ts";
import { writeFileAtomic } from "../report/write.ts";
import type { HistoryRow } from "./history.ts";

const ENVIRONMENT_FIELDS = ["runtime", "polars", "machine", "limits", "s3", "postgres"] as const;

/** The runs of a scale in time order: each distinct start time is one run, numbered from 1. */
export function runsOf(rows: readonly HistoryRow[], scale: string): string[] {
  return [...new Set(rows.filter((r) => r.scale === scale).map((r) => r.time))].sort();
}

/** Where the environment changed from the run before: the run's number and what changed ("runtime, polars"). */
export function environmentChanges(rows: readonly HistoryRow[], scale: string): { x: number; label: string }[] {
  const times = runsOf(rows, scale);
  const first = (time: string) => rows.find((r) => r.scale === scale && r.time === time)!;
  const marks: { x: number; label: string }[] = [];
  for (let i = 1; i < times.length; i++) {
    const [before, now] = [first(times[i - 1]), first(times[i])];
    const changed = ENVIRONMENT_FIELDS.filter((f) => before[f] !== now[f]);
    if (changed.length > 0) marks.push({ x: i + 1, label: changed.join(", ") });
  }
  return marks;
}

function series(rows: readonly HistoryRow[], scale: string, figure: "duration" | "peak"): ChartSeries[] {
  const times = runsOf(rows, scale);
  const modes = [...new Set(rows.filter((r) => r.scale === scale).map((r) => r.mode))].filter(isMode);
  const col = figure === "duration" ? (["duration_median_s", "duration_min_s", "duration_max_s"] as const) : (["peak_memory_median_mb", "peak_memory_min_mb", "peak_memory_max_mb"] as const);
  const unit = figure === "duration" ? "s" : "MB";
  return modes.map((mode) => ({
    name: mode,
    color: MODE_COLORS[mode],
    points: rows
      .filter((r) => r.scale === scale && r.mode === mode)
      .map((r) => ({
        x: times.indexOf(r.time) + 1,
        y: Number(r[col[0]]),
        yMin: Number(r[col[1]]),
        yMax: Number(r[col[2]]),
        label: `${mode}, run ${times.indexOf(r.time) + 1} (${r.time}, ${r.git_commit}, ${r.runtime}): ${r[col[0]]} ${unit}, ${r.runs} runs`,
      })),
  }));
}

/** Both charts of a scale, one above the other, in one SVG. */
export function historyChartSvg(rows: readonly HistoryRow[], scale: string): string {
  const marks = environmentChanges(rows, scale);
  const subtitle = `${runsOf(rows, scale).length} runs from history.csv; dashed: the environment changed`;
  const duration = lineChartSvg({ title: `${scale}: duration over runs`, subtitle, xLabel: "Run (oldest first)", yLabel: "Duration (s, median)", series: series(rows, scale, "duration"), xScale: "linear", xIntegers: true, marks });
  const memory = lineChartSvg({ title: `${scale}: peak memory over runs`, subtitle, xLabel: "Run (oldest first)", yLabel: "Peak memory (MB, median)", series: series(rows, scale, "peak"), xScale: "linear", xIntegers: true, marks });
  const size = /width="(\d+)" height="(\d+)"/.exec(duration)!;
  const [w, h] = [Number(size[1]), Number(size[2])];
  const inner = (svg: string, y: number) => svg.replace("<svg ", `<svg x="0" y="${y}" `);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${2 * h}" viewBox="0 0 ${w} ${2 * h}">\n${inner(duration, 0)}${inner(memory, h)}</svg>\n`;
}

/** File name of a scale's history chart: history_<scale>.svg (unsafe characters become _). */
function historyChartName(scale: string): string {
  return `history_${scale.replace(/[^A-Za-z0-9._-]/g, "_")}.svg`;
}

/** Writes a scale's history chart into folder (beside history.csv), atomically as the reports are; its path. */
export async function writeHistoryChart(folder: string, rows: readonly HistoryRow[], scale: string): Promise<string> {
  const chart = join(folder, historyChartName(scale));
  await writeFileAtomic(chart, historyChartSvg(rows, scale)).catch((error) => {
    throw OutputError.from(error, "cannot write the chart", chart);
  });
  return chart;
}
