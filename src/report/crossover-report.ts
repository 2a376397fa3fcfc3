// The sweep's words: COMPARISON_REPORT.md's sweep section, the headline, and the one-line live
// estimate the monitor shows. Every figure comes from analyseSweep (crossover.ts).
import { ALL_MODES } from "../contract/job.ts";
import type { RunReport } from "../records/run-report.ts";
import {
  analyseSweep,
  LINE_TOLERANCE,
  MIN_RUNS_FOR_INTERVAL,
  type CrossoverResult,
  type Interval,
  type Metric,
  type ModeFit,
  type SweepAnalysis,
} from "./crossover.ts";
import { int, mb, secs, times } from "../stats/number-text.ts";
import { formatLimitBytes } from "../limits/limit-settings.ts";

/** Crossover rows to 3 significant figures: an estimate, not a count. */
export function approxRows(rows: number): string {
  return int(Number(rows.toPrecision(3)));
}

/** Compact rows for one-line displays: 312000 -> "312k", 2350000 -> "2.35M". */
export function shortRows(rows: number): string {
  const r = Number(rows.toPrecision(3));
  if (r >= 1e6) return `${Number((r / 1e6).toPrecision(3))}M`;
  if (r >= 1e3) return `${Number((r / 1e3).toPrecision(3))}k`;
  return String(r);
}

const WINS: Record<Metric, string> = { time: "streaming is faster", memory: "streaming uses less peak memory" };

function intervalText(interval: Interval | null, range: { minRows: number; maxRows: number }, rows: (n: number) => string, repetitions: number): string {
  if (!interval) {
    return repetitions < MIN_RUNS_FOR_INTERVAL
      ? `no interval: ${repetitions} run${repetitions === 1 ? "" : "s"} per size; an interval needs ${MIN_RUNS_FOR_INTERVAL} or more (use --runs ${MIN_RUNS_FOR_INTERVAL})`
      : "no interval";
  }
  const low = Number.isFinite(interval.low) ? rows(interval.low) : `below ${rows(range.minRows)}`;
  const high = Number.isFinite(interval.high) ? rows(interval.high) : `beyond ${rows(range.maxRows)}`;
  return `95% interval ${low}–${high}, where the crossover falls when each size's runs are resampled: it covers their run-to-run spread`;
}

/** One sentence for a metric's crossover. */
export function crossoverSentence(c: CrossoverResult, repetitions: number, rows: (n: number) => string = approxRows): string {
  const r = c.range;
  switch (c.outcome) {
    case "not-enough-sizes":
      return `no crossover estimate: ${c.methodNote}`;
    case "crossover":
      return `${WINS[c.metric]} from about ${rows(c.rows!)} input rows (${intervalText(c.interval, r!, rows, repetitions)})`;
    case "streaming-throughout": {
      const cross = c.linesCrossAt !== null ? `; the lines cross at about ${rows(c.linesCrossAt)} rows, below the range` : "";
      return `no crossover between ${int(r!.minRows)} and ${int(r!.maxRows)} rows: ${WINS[c.metric]} at every size${cross}`;
    }
    case "no-crossover": {
      let why = `${c.metric === "time" ? "in-memory is still faster" : "in-memory still uses less peak memory"} at ${int(r!.maxRows)} rows`;
      if (c.reversed && c.linesCrossAt !== null) why = `streaming's line is below only up to about ${rows(c.linesCrossAt)} rows and grows faster`;
      else if (c.linesCrossAt !== null) why += `; the lines would cross at about ${rows(c.linesCrossAt)} rows, beyond the range (an extrapolation)`;
      return `no crossover between ${int(r!.minRows)} and ${int(r!.maxRows)} rows: ${why}`;
    }
  }
}

/** The chart's short line for a metric's crossover. */
export function crossoverLabel(c: CrossoverResult): string {
  const r = c.range;
  const what = c.metric === "time" ? "streaming faster" : "streaming uses less memory";
  switch (c.outcome) {
    case "not-enough-sizes":
      return "no crossover estimate yet: needs 2 sizes with both modes passing";
    case "crossover": {
      const i = c.interval;
      const range = i ? ` (95% over resampled runs: ${Number.isFinite(i.low) ? shortRows(i.low) : `below ${shortRows(r!.minRows)}`}–${Number.isFinite(i.high) ? shortRows(i.high) : `beyond ${shortRows(r!.maxRows)}`})` : "";
      return `${what} from ~${shortRows(c.rows!)} rows${range}${c.method === "bracket" ? ", between measured sizes" : ""}`;
    }
    case "streaming-throughout":
      return `${what} at every size, ${shortRows(r!.minRows)} to ${shortRows(r!.maxRows)} rows`;
    case "no-crossover":
      return `no crossover between ${shortRows(r!.minRows)} and ${shortRows(r!.maxRows)} rows` +
        (c.linesCrossAt !== null && !c.reversed ? ` (the lines would cross at ~${shortRows(c.linesCrossAt)})` : "");
  }
}

/** The headline of a sweep (monitor banner, summary.json): status and both crossovers, short. */
export function sweepHeadline(report: RunReport, analysis: SweepAnalysis = analyseSweep(report)): string {
  return `${report.status}: time: ${crossoverLabel(analysis.crossover.time)}; memory: ${crossoverLabel(analysis.crossover.memory)}`;
}

/** The monitor's live line after each size: short (under 80 columns), from the sizes done so far. */
export function liveCrossoverText(analysis: SweepAnalysis): string {
  const n = analysis.bootstrap.repetitionsPerSize;
  const part = (c: CrossoverResult) => {
    const name = c.metric;
    switch (c.outcome) {
      case "not-enough-sizes":
        return `${name}: needs 2 sizes`;
      case "crossover": {
        const i = c.interval;
        const range = i
          ? ` (${Number.isFinite(i.low) ? shortRows(i.low) : "<"}–${Number.isFinite(i.high) ? shortRows(i.high) : ">"})`
          : n < MIN_RUNS_FOR_INTERVAL ? ` (no interval, ${n} run${n === 1 ? "" : "s"})` : "";
        return `${name}: from ~${shortRows(c.rows!)}${c.metric === "time" ? " rows" : ""}${range}`;
      }
      case "streaming-throughout":
        return `${name}: streaming at every size`;
      case "no-crossover":
        return `${name}: no crossover up to ${shortRows(c.range!.maxRows)}`;
    }
  };
  return `${part(analysis.crossover.time)} · ${part(analysis.crossover.memory)}`;
}

function withInterval(value: number, interval: Interval | null, format: (n: number) => string): string {
  return interval ? `${format(value)} (${format(interval.low)} to ${format(interval.high)})` : format(value);
}

function lineVerdict(f: ModeFit | undefined): string {
  if (!f) return "—";
  if (!f.judged) return `${f.sizes} sizes: not judged`;
  const off = (o: { scale: string; relative: number }) => `${(o.relative * 100).toFixed(1)}% off at ${o.scale}`;
  if (f.straight) return `straight (worst ${off(f.worst)})`;
  // The sizes that break the rule, not merely the farthest one (which may lie within its own spread).
  return `**not straight** (${f.offLine.map(off).join(", ")})`;
}

function fitsTable(a: SweepAnalysis): string[] {
  const out = [
    "| Mode | Fixed time (s) | Time per million rows (s) | Time line | Base memory (MB) | Memory growth per million rows (MB) | Memory line |",
    "|---|---:|---:|---|---:|---:|---|",
  ];
  const perMillion = (i: Interval | null) => (i ? { low: i.low * 1e6, high: i.high * 1e6 } : null);
  for (const mode of ALL_MODES) {
    const t = a.fits.time[mode];
    const m = a.fits.memory[mode];
    if (!t && !m) continue;
    out.push(
      `| ${mode} | ${t ? withInterval(t.line.intercept, t.interceptInterval, secs) : "—"} | ` +
        `${t ? withInterval(t.line.slope * 1e6, perMillion(t.slopeInterval), secs) : "—"} | ${lineVerdict(t)} | ` +
        `${m ? withInterval(m.line.intercept, m.interceptInterval, mb) : "—"} | ` +
        `${m ? withInterval(m.line.slope * 1e6, perMillion(m.slopeInterval), mb) : "—"} | ${lineVerdict(m)} |`,
    );
  }
  return out;
}

/** +12.3 / −4.5, as the results table writes them. */
function signed(n: number): string {
  return `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(1)}`;
}

function cell(s: { median: number; min: number; max: number; n: number } | undefined, format: (n: number) => string): string {
  if (!s) return "—";
  return s.n > 1 ? `${format(s.median)} (${format(s.min)}–${format(s.max)})` : format(s.median);
}

function sizesTable(report: RunReport, a: SweepAnalysis): string[] {
  const out = [
    "| Size | Pods | Input rows | In-memory (s) | Streaming (s) | Faster (by median) | In-memory peak (MB) | Streaming peak (MB) | Memory saved by streaming |",
    "|---|---:|---:|---:|---:|---|---:|---:|---:|",
  ];
  const pods = (scale: string) => report.sweep?.points.find((p) => p.scale === scale)?.pods;
  for (const s of a.sizes) {
    const ti = s.time["in-memory"];
    const ts = s.time.streaming;
    const mi = s.memory["in-memory"];
    const ms = s.memory.streaming;
    const faster = ti && ts ? (ts.median < ti.median ? `streaming, ${times(ti.median / ts.median)}` : `in-memory, ${times(ts.median / ti.median)}`) : "—";
    const saved = mi && ms ? `${signed(((mi.median - ms.median) / mi.median) * 100)}% (${signed(mi.median - ms.median)} MB)` : "—";
    out.push(
      `| ${s.scale} | ${pods(s.scale) !== undefined ? int(pods(s.scale)!) : "—"} | ${int(s.rows)} | ${cell(ti, secs)} | ${cell(ts, secs)} | ${faster} | ` +
        `${cell(mi, mb)} | ${cell(ms, mb)} | ${saved} |`,
    );
  }
  const missing = (report.sweep?.points ?? []).filter((p) => !a.sizes.some((s) => s.scale === p.scale));
  for (const p of missing) out.push(`| ${p.scale} | ${int(p.pods)} | ${int(p.podRows)} | — | — | not measured (no PASS) | — | — | — |`);
  return out;
}

function growthSentence(a: SweepAnalysis): string {
  const gi = a.fits.memory["in-memory"];
  const gs = a.fits.memory.streaming;
  if (!gi || !gs) return "Memory growth per million rows needs both modes at 2 sizes or more.";
  const perM = (f: ModeFit) => f.line.slope * 1e6;
  const range = (f: ModeFit) => (f.slopeInterval ? ` (95% interval ${mb(f.slopeInterval.low * 1e6)} to ${mb(f.slopeInterval.high * 1e6)})` : "");
  const diff = perM(gi) - perM(gs);
  return (
    `Peak memory grows ${mb(perM(gi))} MB per million input rows in-memory${range(gi)} and ${mb(perM(gs))} MB streaming${range(gs)}: ` +
    (diff > 0 ? `streaming saves about ${mb(diff)} MB for every further million rows.` : `streaming grows ${mb(-diff)} MB per million rows more.`)
  );
}

/** COMPARISON_REPORT.md's sweep section (only a sweep's report has one). */
export function sweepSection(report: RunReport, a: SweepAnalysis = analyseSweep(report)): string[] {
  const sweep = report.sweep;
  const n = a.bootstrap.repetitionsPerSize;
  const o: string[] = [];
  o.push("## Sweep: from what size does streaming pay?");
  o.push("");
  o.push(`- **Time: ${crossoverSentence(a.crossover.time, n)}.**`);
  o.push(`- **Memory: ${crossoverSentence(a.crossover.memory, n)}.**`);
  o.push("");
  if (sweep) {
    const first = sweep.points[0];
    const last = sweep.points[sweep.points.length - 1];
    o.push(
      `Ladder: ${sweep.points.length} sizes from ${int(first.podRows)} to ${int(last.podRows)} pod usage rows ` +
        `(${int(first.pods)} to ${int(last.pods)} pods, ${sweep.steps} per decade of pods, shaped like the named scales), ` +
        `both modes at every size, ${n} run${n === 1 ? "" : "s"} each; ${a.sizes.length} of ${sweep.points.length} sizes passed validation ` +
        `and only those count.`,
    );
  }
  if (a.fittedUnderBytes !== undefined) {
    const under = a.fittedUnderBytes === null ? "no memory limit" : formatLimitBytes(a.fittedUnderBytes);
    o.push(
      `Every size ran under each memory limit of the list; the lines, the crossover and the tables below use the sizes run under ` +
        `the largest (${under}), so that no size counts once per limit. What fits under the others is in "Within limits".`,
    );
  }
  o.push(
    `Fits: least squares on each size's median, each size weighted 1/median² so that small and large sizes count alike. ` +
      `Intervals: ${a.bootstrap.resamples.toLocaleString("en-US")} bootstrap resamples of each size's repetitions (seed ${a.bootstrap.seed}), ` +
      `refitted each time; 2.5th to 97.5th percentile. They cover the spread of this sweep's repetitions, not a machine ` +
      `that drifts between sweeps: on a shared machine a second sweep shows how far the crossover moves. ` +
      `Rule for a straight line: ${a.lineRule}.`,
  );
  o.push("");
  o.push("### Which mode is faster at each size, and how much memory streaming saves");
  o.push("");
  o.push(...sizesTable(report, a));
  o.push("");
  o.push("### Fits: time = fixed + per-row cost, peak memory = base + per-row growth");
  o.push("");
  o.push(...fitsTable(a));
  o.push("");
  o.push(growthSentence(a));
  o.push("");
  o.push("### From which size does streaming win?");
  o.push("");
  for (const metric of ["time", "memory"] as const) {
    const c = a.crossover[metric];
    const method =
      c.method === "line"
        ? "where the fitted lines cross"
        : c.method === "bracket"
          ? c.bracket
            ? `between ${c.bracket.below.scale} (${int(c.bracket.below.rows)} rows) and ${c.bracket.above.scale} (${int(c.bracket.above.rows)} rows), interpolated on log rows`
            : "from the measured medians"
          : "";
    o.push(`- ${metric === "time" ? "Time" : "Peak memory"}: ${crossoverSentence(c, n)}${method ? `; ${method}` : ""}. ${capitalise(c.methodNote)}.`);
  }
  o.push("");
  o.push(
    `A fit is judged from its residuals: a size whose median is more than ${LINE_TOLERANCE * 100}% off the line (and off by more than its own ` +
      "spread) means time or memory does not grow in a straight line there, and the crossover is then read from the measured sizes instead of the lines.",
  );
  o.push("");
  o.push("![Time and peak memory against input rows, both modes, log axes, fitted lines and crossover](crossover.svg)");
  o.push("");
  return o;
}

function capitalise(text: string): string {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}
