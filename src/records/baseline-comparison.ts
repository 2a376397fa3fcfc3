// The record of a baseline comparison: two runs' figures side by side (`compare BASE NEW`, and
// `run --baseline`, whose report keeps it as derived.baseline), and the `baseline` event's changes
// of a scale as its runs complete. src/compare decides them (run-comparison.ts); the report, the
// live log, the monitor and the compare command show them (comparison-text.ts). Types only.
import type { Mode } from "../contract/job.ts";

/** How a change's 95% interval was taken: the exact rank interval, or Welch's t where the sizes cannot reach 95% by ranks. */
export type IntervalMethod = "Mann-Whitney" | "Welch t" | null;

export type ChangeClass = "faster" | "slower" | "lower" | "higher" | "unchanged" | "inconclusive";

export interface FigureChange {
  scale: string;
  mode: Mode;
  figure: string;
  unit: "s" | "MB";
  kind: "time" | "memory";
  baseMedian: number;
  newMedian: number;
  /** NEW median ÷ BASE median. */
  ratio: number;
  hodgesLehmann: number;
  interval: { lo: number; hi: number } | null;
  /** How the interval was taken (compare/two-sample.ts). */
  method: IntervalMethod;
  class: ChangeClass;
  baseRuns: number;
  newRuns: number;
  /** inconclusive: runs a side that would likely settle it (null: more than 100). */
  runsToSettle: number | null;
}

/** A (scale, mode) compared on one side only, or not comparable, and why. */
export interface Unmatched {
  scale: string;
  mode: Mode;
  why: string;
}

/** Something that differs between the two runs: in their data (a scale refused) or their environment (named). */
export interface Difference {
  what: string;
  base: string;
  new: string;
}

export interface RunComparison {
  threshold: number;
  /** What differs in the environment: named at the top, figures compared all the same. */
  environment: Difference[];
  /** Scales whose data differ: not compared (exit 2) unless forced. */
  refused: { scale: string; differences: Difference[] }[];
  /** Scales whose data differ but were compared because of --force. */
  forced: { scale: string; differences: Difference[] }[];
  changes: FigureChange[];
  unmatched: Unmatched[];
}

/** One figure of one mode against the baseline (the `baseline` event): NEW ÷ BASE of the medians, its 95% interval and class. */
export type BaselineChange = Pick<FigureChange, "mode" | "figure" | "ratio" | "interval" | "class" | "runsToSettle">;
