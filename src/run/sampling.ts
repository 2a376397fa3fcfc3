// --runs auto: sample until sure, within a budget. Each scale runs AUTO_FIRST_RUNS interleaved
// rounds; then one more round at a time only while a verdict is still inconclusive and its own
// estimate (runsToSettle: the runs at which the interval, at the spread measured, would clear the
// band's edge) says a reachable number of runs would settle it, and while the budget lasts:
//   - the verdicts: in-memory against streaming on time and on memory (analysis.ts), and with
//     --baseline each mode's duration and peak memory against the baseline (src/compare);
//   - the budget (--budget, seconds of extra rounds for the whole run) is shared fairly: a scale
//     may spend what is left divided by the scales still to run (what one leaves, the next may
//     use), and a round is started only when the scale's rounds so far say it fits.
// A scale records how many runs it got and why it stopped (ScaleResult.sampling).
import type { ScaleResult } from "../records/run-report.ts";
import { compareScale, type RatioVerdict } from "../report/analysis.ts";
import { modeSummary, validated } from "../report/mode-summary.ts";
import { MAX_RUNS_TO_SETTLE } from "../stats/statistics.ts";
import { compareRuns } from "../compare/run-comparison.ts";
import type { Config } from "./config.ts";

/** Rounds every scale runs before any decision: 3 pairs give the first interval (t = 4.30). */
export const AUTO_FIRST_RUNS = 3;
/** No scale goes beyond this many runs per mode, whatever the estimate says. */
export const AUTO_MAX_RUNS = 12;
/**
 * Seconds of extra rounds a default run may spend. A default run with 3 rounds per scale took
 * 20-23 s here (4 rounds: 24-29 s, README); one more round of small, medium and large together is
 * about 4.5 s, so 7 s keeps the default run within 30 s.
 */
export const DEFAULT_BUDGET_SECONDS = 7;

/** A verdict still inconclusive, and the runs per mode its estimate says would settle it (null: more than any run could give). */
export interface Unsettled {
  what: string;
  runsToSettle: number | null;
}

function pairedVerdicts(result: ScaleResult): Unsettled[] {
  const im = modeSummary(result, "in-memory");
  const st = modeSummary(result, "streaming");
  if (!validated(im) || !validated(st)) return [];
  const c = compareScale(result.scale, result.inputRows, im, st, result.runs);
  const open = (what: string, v: RatioVerdict<string>) => (v.class === "inconclusive" ? [{ what, runsToSettle: v.runsToSettle }] : []);
  return [...open("time in-memory vs streaming", c.time), ...open("memory in-memory vs streaming", c.memory)];
}

function baselineVerdicts(result: ScaleResult, config: Config): Unsettled[] {
  if (!config.baseline) return [];
  const now = { ...config.baseline.report, scales: [result] };
  const base = { ...config.baseline.report, scales: config.baseline.report.scales.filter((s) => s.scale === result.scale) };
  return compareRuns(base, now, { threshold: config.threshold })
    .changes.filter((c) => (c.figure === "duration" || c.figure === "peak memory") && c.class === "inconclusive")
    .map((c) => ({ what: `${c.mode} ${c.figure} against the baseline`, runsToSettle: c.runsToSettle }));
}

/** The scale's verdicts that are still inconclusive. */
export function unsettled(result: ScaleResult, config: Config): Unsettled[] {
  return [...pairedVerdicts(result), ...baselineVerdicts(result, config)];
}

/** The extra-round budget of one run, shared by its scales in order. */
export class SamplingBudget {
  #left: number;
  #scalesLeft: number;

  constructor(seconds: number, scales: number) {
    this.#left = seconds;
    this.#scalesLeft = Math.max(1, scales);
  }

  /** Seconds the current scale may still spend. */
  get share(): number {
    return this.#left / this.#scalesLeft;
  }

  spend(seconds: number): void {
    this.#left = Math.max(0, this.#left - seconds);
  }

  /** The current scale is done: what it left goes to the others. */
  scaleDone(): void {
    this.#scalesLeft = Math.max(1, this.#scalesLeft - 1);
  }
}

export type RoundDecision = { more: true; because: string } | { more: false; because: string };

/**
 * One more round, or stop and why. `runs`: measured runs per mode so far; `roundSeconds`: the
 * longest round of this scale so far (a round's cost); `spent`: seconds of extra rounds already
 * spent by this scale; `share`: what it may spend in all.
 */
export function nextRound(open: readonly Unsettled[], runs: number, roundSeconds: number, spent: number, share: number): RoundDecision {
  if (open.length === 0) return { more: false, because: "every verdict settled" };
  const reachable = open.filter((u) => u.runsToSettle !== null && u.runsToSettle > runs && u.runsToSettle <= AUTO_MAX_RUNS);
  const names = (list: readonly Unsettled[]) => list.map((u) => (u.runsToSettle === null ? `${u.what} (more than ${MAX_RUNS_TO_SETTLE} runs)` : `${u.what} (about ${u.runsToSettle} runs)`)).join("; ");
  if (reachable.length === 0) return { more: false, because: `inconclusive, and more runs would not likely settle it within ${AUTO_MAX_RUNS}: ${names(open)}` };
  if (runs >= AUTO_MAX_RUNS) return { more: false, because: `reached ${AUTO_MAX_RUNS} runs, still inconclusive: ${names(open)}` };
  if (spent + roundSeconds > share) return { more: false, because: `budget spent (${spent.toFixed(1)} s of extra runs; a round takes about ${roundSeconds.toFixed(1)} s, ${Math.max(0, share - spent).toFixed(1)} s left for this scale), still inconclusive: ${names(open)}` };
  return { more: true, because: names(reachable) };
}
