// crossover.svg: a sweep's two panels, duration and peak memory against input rows, both axes
// logarithmic. Per mode: the median at each size with a min–max bar over the repetitions, and the
// fitted straight line (dashed when it does not fit); the crossover as a vertical line with its 95%
// interval shaded, or a note that there is none in range.
import { ALL_MODES, type Mode } from "../contract/job.ts";
import { POLARS_MODES } from "../contract/job.ts";
import { MODE_COLORS, escapeXml } from "./charts.ts";
import { lineAt, type CrossoverResult, type Metric, type ModeFit, type SweepAnalysis } from "./crossover.ts";
import { compact } from "../stats/number-text.ts";
import { crossoverLabel } from "./crossover-report.ts";

const W = 860;
const PANEL_H = 360;
const TITLE_H = 44;
const LEGEND_H = 40;
const H = TITLE_H + 2 * PANEL_H + LEGEND_H;
const M = { left: 80, right: 30, top: 62, bottom: 52 };
const PW = W - M.left - M.right;
const PH = PANEL_H - M.top - M.bottom;
const CROSS_COLOR = "#2ca02c";

const f = (n: number) => n.toFixed(1);

export interface LogAxis {
  lo: number;
  hi: number;
  ticks: number[];
  /** Value -> pixel offset in 0..length. */
  at(v: number, length: number): number;
}

/** A log axis padded around [min, max], ticks at 1-2-5 × 10^k (only 1 × 10^k when that would crowd). */
export function logAxis(min: number, max: number, pad = 1.25): LogAxis {
  const positive = min > 0 && Number.isFinite(min) ? min : 1;
  const lo = positive / pad;
  const hi = (max > positive && Number.isFinite(max) ? max : positive * 10) * pad;
  const ticksOf = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  let ticks = ticksOf([1, 2, 5]);
  if (ticks.length > 12) ticks = ticksOf([1]);
  if (ticks.length < 3) ticks = ticksOf([1, 1.5, 2, 3, 5, 7]);
  if (ticks.length < 3) ticks = ticksOf([1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9]);
  const span = Math.log(hi) - Math.log(lo);
  return { lo, hi, ticks, at: (v, length) => ((Math.log(v) - Math.log(lo)) / span) * length };
}

interface PanelData {
  metric: Metric;
  title: string;
  unit: string;
  points: { mode: Mode; rows: number; median: number; min: number; max: number; scale: string }[];
  fits: Partial<Record<Mode, ModeFit>>;
  crossover: CrossoverResult;
}

function panelData(a: SweepAnalysis, metric: Metric): PanelData {
  const points: PanelData["points"] = [];
  for (const s of a.sizes) {
    for (const mode of ALL_MODES) {
      const st = s[metric][mode];
      if (st) points.push({ mode, rows: s.rows, median: st.median, min: st.min, max: st.max, scale: s.scale });
    }
  }
  return {
    metric,
    title: metric === "time" ? "Duration against input rows" : "Peak memory against input rows",
    unit: metric === "time" ? "s" : "MB",
    points,
    fits: a.fits[metric],
    crossover: a.crossover[metric],
  };
}

function yLabel(v: number): string {
  return v >= 1000 ? v.toLocaleString("en-US") : String(Number(v.toPrecision(3)));
}

/** Each mode's sizes: the median as a point, the min-max spread of its repetitions as a bar. */
function pointSeries(d: PanelData, X: (v: number) => number, Y: (v: number) => number): string[] {
  const o: string[] = [];
  const digits = d.metric === "time" ? 3 : 1;
  for (const mode of ALL_MODES) {
    const mine = d.points.filter((p) => p.mode === mode);
    if (mine.length === 0) continue;
    o.push(`<g class="series" data-mode="${mode}">`);
    for (const p of mine) {
      // streaming a hair to the right so the two modes' bars do not hide each other
      const x = X(p.rows) + (mode === "streaming" ? 3 : -3);
      if (p.max > p.min) {
        o.push(`<line x1="${f(x)}" y1="${f(Y(p.min))}" x2="${f(x)}" y2="${f(Y(p.max))}" stroke="${MODE_COLORS[mode]}" stroke-width="1.5"/>`);
        for (const v of [p.min, p.max]) o.push(`<line x1="${f(x - 3)}" y1="${f(Y(v))}" x2="${f(x + 3)}" y2="${f(Y(v))}" stroke="${MODE_COLORS[mode]}" stroke-width="1.5"/>`);
      }
      o.push(`<circle cx="${f(x)}" cy="${f(Y(p.median))}" r="4" fill="${MODE_COLORS[mode]}">`);
      o.push(
        `<title>${escapeXml(`${mode}, ${p.scale} (${p.rows.toLocaleString("en-US")} rows): ${p.median.toFixed(digits)} ${d.unit}` + (p.max > p.min ? ` (${p.min.toFixed(digits)}–${p.max.toFixed(digits)})` : ""))}</title>`,
      );
      o.push(`</circle>`);
    }
    o.push(`</g>`);
  }

  return o;
}

function panel(d: PanelData, top: number): string[] {
  const o: string[] = [];
  const x0 = M.left;
  const y0 = top + M.top;
  const rows = d.points.map((p) => p.rows);
  const xa = logAxis(Math.min(...rows), Math.max(...rows));
  const fitValues = ALL_MODES.flatMap((mode) => {
    const fit = d.fits[mode];
    return fit ? [lineAt(fit.line, xa.lo), lineAt(fit.line, xa.hi)].filter((v) => v > 0) : [];
  });
  const ys = [...d.points.flatMap((p) => [p.min, p.max]), ...fitValues.filter((v) => v < 3 * Math.max(...d.points.map((p) => p.max)))];
  const ya = logAxis(Math.min(...ys), Math.max(...ys), 1.15);
  const X = (v: number) => x0 + xa.at(v, PW);
  const Y = (v: number) => y0 + PH - ya.at(v, PH);
  const inX = (v: number) => v >= xa.lo && v <= xa.hi;

  o.push(`<g class="panel" data-metric="${d.metric}">`);
  o.push(`<text x="${x0 + PW / 2}" y="${top + 28}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(d.title)}</text>`);
  o.push(`<defs><clipPath id="clip-${d.metric}"><rect x="${x0}" y="${y0}" width="${PW}" height="${PH}"/></clipPath></defs>`);

  // crossover interval band and line (under the data)
  const c = d.crossover;
  if (c.outcome === "crossover" && c.rows !== null) {
    if (c.interval) {
      const lo = Math.max(xa.lo, Number.isFinite(c.interval.low) ? c.interval.low : xa.lo);
      const hi = Math.min(xa.hi, Number.isFinite(c.interval.high) ? c.interval.high : xa.hi);
      if (hi > lo) o.push(`<rect class="crossover-interval" x="${f(X(lo))}" y="${y0}" width="${f(X(hi) - X(lo))}" height="${PH}" fill="${CROSS_COLOR}" fill-opacity="0.13"/>`);
    }
    if (inX(c.rows)) {
      o.push(`<line class="crossover" x1="${f(X(c.rows))}" y1="${y0}" x2="${f(X(c.rows))}" y2="${y0 + PH}" stroke="${CROSS_COLOR}" stroke-width="2" stroke-dasharray="6 3"/>`);
    }
  }

  // grid, axes, ticks
  o.push(`<g stroke="#e3e3e3" stroke-width="1">`);
  for (const t of ya.ticks) o.push(`<line x1="${x0}" y1="${f(Y(t))}" x2="${x0 + PW}" y2="${f(Y(t))}"/>`);
  for (const t of xa.ticks) o.push(`<line x1="${f(X(t))}" y1="${y0}" x2="${f(X(t))}" y2="${y0 + PH}"/>`);
  o.push(`</g>`);
  o.push(`<rect x="${x0}" y="${y0}" width="${PW}" height="${PH}" fill="none" stroke="#333333" stroke-width="1"/>`);
  o.push(`<g fill="#333333">`);
  for (const t of xa.ticks) o.push(`<text x="${f(X(t))}" y="${y0 + PH + 18}" text-anchor="middle">${escapeXml(compact(t))}</text>`);
  for (const t of ya.ticks) o.push(`<text x="${x0 - 8}" y="${f(Y(t) + 4)}" text-anchor="end">${escapeXml(yLabel(t))}</text>`);
  o.push(`</g>`);
  o.push(`<text x="${x0 + PW / 2}" y="${y0 + PH + 40}" text-anchor="middle">Input rows (pod usage, log scale)</text>`);
  const yMid = y0 + PH / 2;
  const yText = d.metric === "time" ? "Duration (s, log scale)" : "Peak memory (MB, log scale)";
  o.push(`<text x="22" y="${yMid}" text-anchor="middle" transform="rotate(-90 22 ${yMid})">${escapeXml(yText)}</text>`);

  // fitted lines, clipped to the plot
  o.push(`<g clip-path="url(#clip-${d.metric})">`);
  for (const mode of ALL_MODES) {
    const fit = d.fits[mode];
    if (!fit) continue;
    const samples: string[] = [];
    for (let k = 0; k <= 80; k++) {
      const x = xa.lo * (xa.hi / xa.lo) ** (k / 80);
      const y = lineAt(fit.line, x);
      if (y > 0) samples.push(`${f(X(x))},${f(Y(Math.max(y, ya.lo / 2)))}`);
    }
    if (samples.length > 1) {
      const dash = fit.judged && !fit.straight ? ` stroke-dasharray="5 4"` : "";
      o.push(`<polyline class="fit" data-mode="${mode}" fill="none" stroke="${MODE_COLORS[mode]}" stroke-width="1.6" stroke-opacity="0.8"${dash} points="${samples.join(" ")}"/>`);
    }
    // The bracket method reads the crossover from the medians: join them so the reader sees it.
    if (c.method === "bracket") {
      const mine = d.points.filter((p) => p.mode === mode);
      o.push(`<polyline class="medians" fill="none" stroke="${MODE_COLORS[mode]}" stroke-width="1" stroke-opacity="0.6" points="${mine.map((p) => `${f(X(p.rows))},${f(Y(p.median))}`).join(" ")}"/>`);
    }
  }
  o.push(`</g>`);

  o.push(...pointSeries(d, X, Y));

  // the crossover in words, under the panel's title
  o.push(
    `<text class="crossover-label" x="${x0 + PW / 2}" y="${top + 48}" text-anchor="middle" fill="${c.outcome === "crossover" ? "#1b6e1b" : "#555555"}" font-weight="bold">` +
      `${escapeXml(crossoverLabel(c))}</text>`,
  );
  o.push(`</g>`);
  return o;
}

/** crossover.svg for a sweep's analysis. */
export function crossoverChartSvg(a: SweepAnalysis): string {
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<title>Where streaming starts to pay: time and peak memory against input rows</title>`);
  o.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  o.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">Where streaming starts to pay</text>`);
  if (a.sizes.length === 0) {
    o.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888888">no size passed validation in both modes yet</text>`);
  } else {
    o.push(...panel(panelData(a, "time"), TITLE_H));
    o.push(...panel(panelData(a, "memory"), TITLE_H + PANEL_H));
  }
  // legend
  const ly = H - LEGEND_H / 2;
  let lx = M.left;
  const textWidth = (text: string) => 6.2 * text.length;
  o.push(`<g class="legend">`);
  // the modes this sweep measured (both polars modes when nothing passed yet)
  const measured = ALL_MODES.filter((mode) => a.sizes.some((s) => s.time[mode] || s.memory[mode]));
  for (const mode of measured.length > 0 ? measured : POLARS_MODES) {
    o.push(`<circle cx="${lx + 12}" cy="${ly}" r="4" fill="${MODE_COLORS[mode]}"/>`);
    o.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${MODE_COLORS[mode]}" stroke-width="1.6"/>`);
    o.push(`<text x="${lx + 30}" y="${ly + 4}">${mode}</text>`);
    lx += 30 + textWidth(mode) + 24;
  }
  const note = "median, min–max, fitted line (dashed: not straight)";
  o.push(`<text x="${lx}" y="${ly + 4}" fill="#555555">${escapeXml(note)}</text>`);
  lx += textWidth(note) + 24;
  o.push(`<rect x="${lx}" y="${ly - 7}" width="24" height="14" fill="${CROSS_COLOR}" fill-opacity="0.13"/>`);
  o.push(`<line x1="${lx + 12}" y1="${ly - 9}" x2="${lx + 12}" y2="${ly + 9}" stroke="${CROSS_COLOR}" stroke-width="2" stroke-dasharray="6 3"/>`);
  o.push(`<text x="${lx + 30}" y="${ly + 4}">crossover, 95% interval</text>`);
  o.push(`</g>`);
  o.push(`</svg>`);
  return o.join("\n") + "\n";
}
