// Two runs -> the change of every figure of every (scale, mode) both ran: NEW ÷ BASE of the
// medians, its 95% interval (two-sample.ts) and a class against the noise band:
//   - slower / higher: the whole interval above 1 + threshold;
//   - faster / lower:  the whole interval below 1 ÷ (1 + threshold);
//   - unchanged:       the whole interval inside that band (edges included);
//   - inconclusive:    otherwise, or no 95% interval (too few runs), with the runs a side that
//                      would likely settle it.
// The band is the report's own rule (analysis.ts placeInterval) with the threshold as its width.
import { ALL_MODES, type Mode } from "../contract/job.ts";
import type { ModeRun, RunReport } from "../records/run-report.ts";
import type { ChangeClass, FigureChange, RunComparison } from "../records/baseline-comparison.ts";
import { measuredRuns, modeSummary, validated, type ModeSummary } from "../report/mode-summary.ts";
import { median } from "../stats/statistics.ts";
import { COMPARABLE_BAND, placeInterval } from "../report/analysis.ts";
import { EXIT_REGRESSION } from "../errors.ts";
import { runsToSettleShift, shiftEstimate } from "./two-sample.ts";
import { dataDifferences, environmentDifferences } from "./like-with-like.ts";

export const DEFAULT_THRESHOLD = COMPARABLE_BAND;

interface Figure {
  name: string;
  unit: "s" | "MB";
  /** memory figures are "higher"/"lower", time figures "slower"/"faster". */
  kind: "time" | "memory";
  value(run: ModeRun): number | undefined;
}

const phase = (name: keyof ModeRun["phases"]): Figure => ({ name: `phase ${name}`, unit: "s", kind: "time", value: (r) => r.phases?.[name] });

/** Every figure compared, in table order. */
export const FIGURES: readonly Figure[] = [
  { name: "duration", unit: "s", kind: "time", value: (r) => r.durationSeconds },
  { name: "peak memory", unit: "MB", kind: "memory", value: (r) => r.peakMemoryMb },
  { name: "child CPU", unit: "s", kind: "time", value: (r) => (r.cpuUserSeconds ?? NaN) + (r.cpuSystemSeconds ?? NaN) },
  ...(["start", "read", "plan", "execute", "output", "write", "validate"] as const).map(phase),
];

export interface CompareOptions {
  threshold?: number;
  force?: boolean;
}

export function classify(interval: { lo: number; hi: number } | null, kind: Figure["kind"], threshold: number): ChangeClass {
  const place = placeInterval(interval, threshold);
  if (place === "inside") return "unchanged";
  if (place === "above") return kind === "time" ? "slower" : "higher";
  if (place === "below") return kind === "time" ? "faster" : "lower";
  return "inconclusive";
}

/** The values of a figure over a mode's measured, validated runs (those a figure counts). */
function sample(runs: readonly ModeRun[], mode: Mode, figure: Figure): number[] {
  return measuredRuns(runs)
    .filter((r) => r.mode === mode && r.status === "SUCCESS" && r.validation === "PASS")
    .map((r) => Number(figure.value(r)))
    .filter((v) => Number.isFinite(v));
}

export function compareFigure(scale: string, mode: Mode, figure: Figure, base: number[], next: number[], threshold: number): FigureChange {
  const estimate = shiftEstimate(base, next);
  const cls = classify(estimate.interval, figure.kind, threshold);
  return {
    scale,
    mode,
    figure: figure.name,
    unit: figure.unit,
    kind: figure.kind,
    baseMedian: median(base),
    newMedian: median(next),
    ratio: estimate.ratio,
    hodgesLehmann: estimate.hodgesLehmann,
    interval: estimate.interval,
    method: estimate.method,
    class: cls,
    baseRuns: base.length,
    newRuns: next.length,
    runsToSettle: cls === "inconclusive" ? runsToSettleShift(base, next, estimate, threshold) : null,
  };
}

/** Every (scale, mode) of either run, in the order of the NEW run's scales, then BASE's. */
function pairsOf(base: RunReport, next: RunReport): { scale: string; mode: Mode }[] {
  const scales = [...new Set([...next.scales, ...base.scales].map((s) => s.scale))];
  const out: { scale: string; mode: Mode }[] = [];
  for (const scale of scales) {
    for (const mode of ALL_MODES) {
      const ran = (r: RunReport) => r.scales.find((s) => s.scale === scale)?.runs.some((x) => x.mode === mode) ?? false;
      if (ran(base) || ran(next)) out.push({ scale, mode });
    }
  }
  return out;
}

/** Why a (scale, mode) is left out, or null when both sides have validated runs of it. */
function unmatchedReason(base: RunReport, next: RunReport, scale: string, mode: Mode): string | null {
  const summary = (r: RunReport) => {
    const s = r.scales.find((x) => x.scale === scale);
    return s ? modeSummary(s, mode) : undefined;
  };
  const [b, n] = [summary(base), summary(next)];
  if (!b) return "only in NEW";
  if (!n) return "only in BASE";
  const state = (m: ModeSummary) => `${m.status}, ${m.validation}`;
  if (!validated(b)) return `BASE has no validated run (${state(b)})`;
  if (!validated(n)) return `NEW has no validated run (${state(n)})`;
  return null;
}

/** BASE against NEW (see the top of this file). */
export function compareRuns(base: RunReport, next: RunReport, options: CompareOptions = {}): RunComparison {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const result: RunComparison = { threshold, environment: environmentDifferences(base, next), refused: [], forced: [], changes: [], unmatched: [] };
  const checked = new Map<string, boolean>();
  for (const { scale, mode } of pairsOf(base, next)) {
    const why = unmatchedReason(base, next, scale, mode);
    if (why) {
      result.unmatched.push({ scale, mode, why });
      continue;
    }
    if (!checked.has(scale)) {
      const differences = dataDifferences(base, next, scale);
      const refuse = differences.length > 0 && !options.force;
      if (differences.length > 0) (refuse ? result.refused : result.forced).push({ scale, differences });
      checked.set(scale, !refuse);
    }
    if (!checked.get(scale)) continue;
    const runsOf = (r: RunReport) => r.scales.find((s) => s.scale === scale)?.runs ?? [];
    for (const figure of FIGURES) {
      const b = sample(runsOf(base), mode, figure);
      const n = sample(runsOf(next), mode, figure);
      if (b.length > 0 && n.length > 0) result.changes.push(compareFigure(scale, mode, figure, b, n, threshold));
    }
  }
  return result;
}

/** What `--fail-on` names: "slower" (a duration slower) and/or "memory" (a peak memory higher). */
export type FailOn = "slower" | "memory";

/**
 * The figures the gate watches: each (scale, mode)'s duration and peak memory. The phases and the
 * child's CPU are shown to explain a change, not gated: with 10 figures per (scale, mode) the gate
 * would test 60 of them in a default run, and at 4 runs a side each figure whose runs scatter by
 * more than the band is classed slower by chance 1 time in 70 (all 4 new runs above all 4 base
 * runs); over 60 figures that is a false alarm in over half the runs of an unchanged build.
 */
export const GATED_FIGURES: readonly string[] = ["duration", "peak memory"];

/** The exit code a comparison earns: 2 when a scale was refused, 6 on a regression --fail-on names, else 0. */
export function comparisonExitCode(comparison: RunComparison, failOn: readonly FailOn[]): number {
  if (comparison.refused.length > 0) return 2;
  return regressions(comparison, failOn).length > 0 ? EXIT_REGRESSION : 0;
}

/** The changes that trip --fail-on (GATED_FIGURES only); inconclusive never does. */
export function regressions(comparison: RunComparison, failOn: readonly FailOn[]): FigureChange[] {
  return comparison.changes.filter(
    (c) => GATED_FIGURES.includes(c.figure) && ((failOn.includes("slower") && c.class === "slower") || (failOn.includes("memory") && c.class === "higher")),
  );
}
