// Hand-written SVG line charts: peak memory and duration against input rows, one polyline with
// points per mode (medians; a vertical bar shows min..max when repetitions differ). The x axis
// turns logarithmic when the input rows span more than two decades.
import { ALL_MODES, type Mode } from "../contract/job.ts";
import type { RunReport } from "../records/run-report.ts";
import { scaleInputRows } from "./analysis.ts";
import { measuredRuns, modeSummary, validated } from "./mode-summary.ts";
import { median, type Stat } from "../stats/statistics.ts";
import { compact, mb } from "../stats/number-text.ts";

export const MODE_COLORS: Record<Mode, string> = { "in-memory": "#1f77b4", streaming: "#d62728", duckdb: "#2ca02c", postgres: "#9467bd" };

export interface ChartPoint {
  x: number;
  y: number;
  yMin?: number;
  yMax?: number;
  /** Tooltip text. */
  label?: string;
}

export interface ChartSeries {
  name: string;
  color: string;
  points: ChartPoint[];
  /** Line opacity, 1 unless set (faint context lines). */
  opacity?: number;
  /** Line width, 2 unless set. */
  strokeWidth?: number;
  /** Dots at the points (default true; off for dense series such as memory samples). */
  markers?: boolean;
  /** Listed in the legend (default true). */
  legend?: boolean;
  /** A second, smaller legend line under the name. */
  legendDetail?: string;
  /** SVG stroke-dasharray of the line (e.g. "6 4" for a level marked across the chart). */
  dash?: string;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** "auto" (default): logarithmic when x spans more than two decades; "linear": always linear from 0. */
  xScale?: "auto" | "linear";
  /** A line of small print under the title. */
  subtitle?: string;
  /** x counts something (runs): ticks only at whole numbers. */
  xIntegers?: boolean;
  /** Vertical dashed lines at these x values, each with a short label at its top (e.g. an environment change). */
  marks?: { x: number; label: string }[];
}

const W = 760;
const H = 460;
const M = { left: 84, right: 170, top: 52, bottom: 64 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** Round ticks covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep((hi - lo) / count);
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

interface Axis {
  ticks: number[];
  map: (v: number) => number;
  log: boolean;
}

/** A linear x axis from 0 to a round number above the data (time axes). */
export function linearXAxis(xs: readonly number[]): Axis {
  const max = Math.max(0, ...xs.filter(Number.isFinite));
  const ticks = niceTicks(0, max > 0 ? max : 1);
  const top = ticks[ticks.length - 1];
  return { ticks, log: false, map: (v) => M.left + (v / top) * PW };
}

/** X axis over the data's x values; log when max/min > 100. */
export function xAxis(xs: readonly number[]): Axis {
  const pos = xs.filter((x) => Number.isFinite(x) && x > 0);
  const min = pos.length ? Math.min(...pos) : 1;
  const max = pos.length ? Math.max(...pos) : 1;
  if (max / min > 100) {
    const lo = Math.floor(Math.log10(min));
    const hi = Math.ceil(Math.log10(max));
    const ticks: number[] = [];
    for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
    return { ticks, log: true, map: (v) => M.left + ((Math.log10(v) - lo) / (hi - lo)) * PW };
  }
  let lo: number;
  let hi: number;
  if (max === min) {
    lo = 0;
    hi = 2 * max;
  } else {
    const pad = (max - min) * 0.1;
    lo = Math.max(0, min - pad);
    hi = max + pad;
  }
  const ticks = niceTicks(lo, hi);
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  return { ticks, log: false, map: (v) => M.left + ((v - a) / (b - a)) * PW };
}

/** Y axis from 0 to a round number above the data. */
export function yAxis(ys: readonly number[]): Axis {
  const max = Math.max(0, ...ys.filter(Number.isFinite));
  const ticks = niceTicks(0, max > 0 ? max * 1.05 : 1);
  const top = ticks[ticks.length - 1];
  return { ticks, log: false, map: (v) => M.top + PH - (v / top) * PH };
}

const f = (n: number) => n.toFixed(1);

/** Y tick label: plain figure with separators ("2,000", "0.5"). */
const yTick = (n: number) => Number(n.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });

export function lineChartSvg(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const xa = chart.xScale === "linear" ? linearXAxis(all.map((p) => p.x)) : xAxis(all.map((p) => p.x));
  if (chart.xIntegers) xa.ticks = xa.ticks.filter(Number.isInteger);
  const ya = yAxis(all.flatMap((p) => [p.y, p.yMax ?? p.y]));
  const o: string[] = [];
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  o.push(`<title>${escapeXml(chart.title)}</title>`);
  o.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  o.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle) o.push(`<text x="${W / 2}" y="44" text-anchor="middle" font-size="11" fill="#555555">${escapeXml(chart.subtitle)}</text>`);

  // grid and ticks
  o.push(`<g stroke="#e3e3e3" stroke-width="1">`);
  for (const t of ya.ticks) o.push(`<line x1="${M.left}" y1="${f(ya.map(t))}" x2="${M.left + PW}" y2="${f(ya.map(t))}"/>`);
  for (const t of xa.ticks) o.push(`<line x1="${f(xa.map(t))}" y1="${M.top}" x2="${f(xa.map(t))}" y2="${M.top + PH}"/>`);
  o.push(`</g>`);
  o.push(`<g stroke="#333333" stroke-width="1">`);
  o.push(`<line x1="${M.left}" y1="${M.top + PH}" x2="${M.left + PW}" y2="${M.top + PH}"/>`);
  o.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}"/>`);
  for (const t of xa.ticks) o.push(`<line x1="${f(xa.map(t))}" y1="${M.top + PH}" x2="${f(xa.map(t))}" y2="${M.top + PH + 5}"/>`);
  for (const t of ya.ticks) o.push(`<line x1="${M.left - 5}" y1="${f(ya.map(t))}" x2="${M.left}" y2="${f(ya.map(t))}"/>`);
  o.push(`</g>`);
  o.push(`<g fill="#333333">`);
  for (const t of xa.ticks) {
    o.push(`<text x="${f(xa.map(t))}" y="${M.top + PH + 20}" text-anchor="middle">${escapeXml(compact(t))}</text>`);
  }
  for (const t of ya.ticks) {
    o.push(`<text x="${M.left - 9}" y="${f(ya.map(t) + 4)}" text-anchor="end">${escapeXml(yTick(t))}</text>`);
  }
  o.push(`</g>`);
  const xl = chart.xLabel + (xa.log ? " (log scale)" : "");
  o.push(`<text x="${M.left + PW / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(xl)}</text>`);
  o.push(
    `<text x="20" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 20 ${M.top + PH / 2})">` +
      `${escapeXml(chart.yLabel)}</text>`,
  );
  if (all.length === 0) {
    o.push(`<text x="${M.left + PW / 2}" y="${M.top + PH / 2}" text-anchor="middle" fill="#888888">no completed runs</text>`);
  }

  // series
  for (const s of chart.series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const opacity = s.opacity !== undefined && s.opacity < 1 ? ` stroke-opacity="${s.opacity}"` : "";
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    o.push(`<g class="series" data-mode="${escapeXml(s.name)}">`);
    o.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="${s.strokeWidth ?? 2}"${opacity}${dash} points="${pts
        .map((p) => `${f(xa.map(p.x))},${f(ya.map(p.y))}`)
        .join(" ")}"/>`,
    );
    for (const p of s.markers === false ? [] : pts) {
      const x = f(xa.map(p.x));
      if (p.yMin !== undefined && p.yMax !== undefined && p.yMax > p.yMin) {
        o.push(`<line x1="${x}" y1="${f(ya.map(p.yMin))}" x2="${x}" y2="${f(ya.map(p.yMax))}" stroke="${s.color}" stroke-width="1"/>`);
      }
      o.push(`<circle cx="${x}" cy="${f(ya.map(p.y))}" r="4" fill="${s.color}">`);
      o.push(`<title>${escapeXml(p.label ?? `${s.name}: ${p.y}`)}</title>`);
      o.push(`</circle>`);
    }
    o.push(`</g>`);
  }

  for (const m of chart.marks ?? []) {
    const x = f(xa.map(m.x));
    o.push(`<g class="mark"><line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + PH}" stroke="#888888" stroke-dasharray="4 3"/>`);
    o.push(`<text x="${x}" y="${M.top - 4}" text-anchor="middle" font-size="10" fill="#555555">${escapeXml(m.label)}</text></g>`);
  }

  // legend
  const lx = M.left + PW + 20;
  o.push(`<g class="legend">`);
  const step = chart.series.some((s) => s.legendDetail) ? 36 : 22;
  chart.series.filter((s) => s.legend !== false).forEach((s, i) => {
    const ly = M.top + 10 + i * step;
    if (s.legendDetail) o.push(`<text x="${lx + 32}" y="${ly + 18}" font-size="10" fill="#555555">${escapeXml(s.legendDetail)}</text>`);
    o.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    if (s.markers !== false) o.push(`<circle cx="${lx + 12}" cy="${ly}" r="4" fill="${s.color}"/>`);
    o.push(`<text x="${lx + 32}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  o.push(`</g>`);
  o.push(`</svg>`);
  return o.join("\n") + "\n";
}

function seriesFor(report: RunReport, pick: (s: { duration: Stat; peakMemoryMb: Stat }) => Stat, unit: string): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const mode of ALL_MODES) {
    const points: ChartPoint[] = [];
    for (const sc of report.scales) {
      const m = modeSummary(sc, mode);
      if (!validated(m)) continue;
      const st = pick(m);
      const x = scaleInputRows(report, sc.scale);
      points.push({
        x,
        y: st.median,
        yMin: st.min,
        yMax: st.max,
        label: `${mode}, ${sc.scale} (${x.toLocaleString("en-US")} rows): ${st.median.toFixed(unit === "s" ? 3 : 1)} ${unit}` +
          (st.n > 1 ? ` (median of ${st.n}, ${st.min.toFixed(unit === "s" ? 3 : 1)}–${st.max.toFixed(unit === "s" ? 3 : 1)})` : ""),
      });
    }
    if (points.length > 0) out.push({ name: mode, color: MODE_COLORS[mode], points });
  }
  return out;
}

/** memory_vs_rows.svg */
export function memoryChartSvg(report: RunReport): string {
  return lineChartSvg({
    title: "Peak memory against input rows",
    xLabel: "Input rows (pod usage)",
    yLabel: "Peak memory (MB, child peak RSS)",
    series: seriesFor(report, (m) => m.peakMemoryMb, "MB"),
  });
}

/** duration_vs_rows.svg */
export function durationChartSvg(report: RunReport): string {
  return lineChartSvg({
    title: "Duration against input rows",
    xLabel: "Input rows (pod usage)",
    yLabel: "Duration (s)",
    series: seriesFor(report, (m) => m.duration, "s"),
  });
}

/** File name of a scale's memory-over-time chart: memory_over_time_<scale>.svg (unsafe characters become _). */
export function memoryOverTimeChartName(scale: string): string {
  return `memory_over_time_${scale.replace(/[^A-Za-z0-9._-]/g, "_")}.svg`;
}

/**
 * memory_over_time_<scale>.svg: the child's RSS against seconds since it started, both modes on
 * one time axis. Per mode, the measured run of median duration is drawn bold (with an even count,
 * the one nearer the median, the earlier on a tie); the other runs faintly behind it. A dashed
 * line per mode marks its peak as the results table gives it: the median of the runs' VmHWM (the
 * kernel's own peak, which the sampled curve may miss by a few MB between two samples); the
 * legend gives that same figure. Failed runs and warm-ups are left out.
 */
export function memoryOverTimeSvg(report: RunReport, scale: string): string {
  const sc = report.scales.find((s) => s.scale === scale);
  const series: ChartSeries[] = [];
  const behind: ChartSeries[] = [];
  const drawn = (sc ? measuredRuns(sc.runs) : []).filter((r) => r.status === "SUCCESS" && r.memorySeries.length > 0);
  const endSeconds = Math.max(0, ...drawn.flatMap((r) => r.memorySeries.map((p) => p.tMs / 1000)));
  for (const mode of ALL_MODES) {
    const runs = drawn.filter((r) => r.mode === mode);
    if (runs.length === 0) continue;
    const mid = median(runs.map((r) => r.durationSeconds));
    const typical = runs.reduce((a, b) => (Math.abs(b.durationSeconds - mid) < Math.abs(a.durationSeconds - mid) ? b : a));
    const points = (r: (typeof runs)[number]) => r.memorySeries.map((p) => ({ x: p.tMs / 1000, y: p.rssMb }));
    for (const r of runs) {
      if (r !== typical) behind.push({ name: `${mode} run ${r.rep}`, color: MODE_COLORS[mode], points: points(r), opacity: 0.3, strokeWidth: 1, markers: false, legend: false });
    }
    // the table's figure (comparison-report: median of the validated runs' peakMemoryMb)
    const peak = modeSummary(sc!, mode)?.peakMemoryMb;
    let peakText = "";
    if (peak && Number.isFinite(peak.median)) {
      const level = [{ x: 0, y: peak.median }, { x: endSeconds, y: peak.median }];
      behind.push({ name: `${mode} VmHWM`, color: MODE_COLORS[mode], points: level, strokeWidth: 1, dash: "6 4", markers: false, legend: false });
      peakText = runs.length > 1 ? `; median peak ${mb(peak.median)} MB` : `; peak ${mb(peak.median)} MB`;
    }
    series.push({ name: mode, color: MODE_COLORS[mode], points: points(typical), markers: false, legendDetail: `run ${typical.rep}${peakText}` });
  }
  const others = drawn.length > series.length ? "; faint: the other runs" : "";
  return lineChartSvg({
    title: `Memory over time at ${scale}`,
    subtitle: series.length > 0 ? `RSS sampled by the parent; bold: each mode's run of median duration${others}; dashed: the peak (VmHWM, median of the runs) as in the table` : undefined,
    xLabel: "Seconds since the child process started",
    yLabel: "Child RSS (MB)",
    xScale: "linear",
    series: [...behind, ...series],
  });
}
