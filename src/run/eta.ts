// The run's ETA, in one place: what work a run has, what finished work cost, and what is left.
//
// A run is a list of work units. Each scale has one "prepare" unit (generate + upload), one
// "mode" unit per (mode, repetition) (aggregate + write + validate), in whatever order the engine
// runs them, and one "rest" unit: the scale's time outside the others (in-memory against
// streaming, the reference CSV, logs; measured as the scale's time less its units'). The estimate is the cost of the units not yet finished, each priced by a model
// fitted to the finished units of its kind: time = fixed + rows x per-row (least squares over
// the pod rows of each finished unit's scale). A kind with no finished unit yet is priced from
// earlier runs' figures (the summary.json of recent results folders, and this process's earlier
// runs after r or a); with neither, the estimate is null ("estimating") until one such unit has
// finished: a one-scale run estimates once its first mode run is done (issue 25; it used to wait
// for a whole scale, so a one-scale run never estimated).
//
// With finished units at one size only, the fit cannot tell fixed cost from cost per row. Then
// the previous run's figures (results/latest/summary.json), if they span two sizes, give the
// shape of the curve and this run's figures its level. Without them, and as a floor under a fit
// whose slope is lost in the noise of small scales, a unit's cost per row is taken to match its
// fixed cost at PER_ROW_MATCHES_FIXED_AT rows: measured here (2-core VM, 2026-11-30), a mode run
// and a prepare both took about twice as long at large (372,000 pod rows) as at small, while
// medium took about what small did. Without the floor the ETA after small read 0.45-0.6x of the
// time left; with it an ETA can overstate by at most the same factor when per-row costs are lower.
import { readFileSync } from "node:fs";
import { leastSquaresSlope } from "../report/analysis.ts";
import { median } from "../stats/statistics.ts";

export type UnitKind = "prepare" | "mode" | "rest";
const KINDS: readonly UnitKind[] = ["prepare", "mode", "rest"];

/** Pod rows at which a unit's cost per row is taken to match its fixed cost (see the header). */
export const PER_ROW_MATCHES_FIXED_AT = 370_000;

export interface CostPoint {
  rows: number;
  ms: number;
}

export interface CostFit {
  fixedMs: number;
  msPerRow: number;
}

/** Least squares time = fixed + rows x per-row, both >= 0; null without usable points or with one size only. */
export function fitCost(points: readonly CostPoint[]): CostFit | null {
  const usable = points.filter((p) => p.rows > 0 && p.ms > 0);
  if (usable.length === 0) return null;
  const slope = leastSquaresSlope(usable.map((p) => ({ x: p.rows, y: p.ms })));
  if (slope === null) return null;
  const meanRows = usable.reduce((s, p) => s + p.rows, 0) / usable.length;
  const meanMs = usable.reduce((s, p) => s + p.ms, 0) / usable.length;
  const msPerRow = Math.max(0, slope);
  return { fixedMs: Math.max(0, meanMs - msPerRow * meanRows), msPerRow };
}

/** Unit costs of an earlier run, per kind: the shape of the cost curve before this run has two sizes. */
export type CostHistory = Record<UnitKind, CostPoint[]>;

export interface PlannedScale {
  scale: string;
  /** Pod usage rows, when known before the scale runs (null for --input until it is read). */
  rows: number | null;
}

export class RunEta {
  readonly #scales: PlannedScale[];
  readonly #modeUnitsPerScale: number;
  readonly #history: CostHistory;
  readonly #finished: Record<UnitKind, (CostPoint & { scale: string })[]> = { prepare: [], mode: [], rest: [] };
  readonly #scalesDone = new Set<string>();
  #current: { scale: string; kind: UnitKind; startedAt: number } | null = null;

  constructor(scales: readonly PlannedScale[], modeUnitsPerScale: number, history: CostHistory = { prepare: [], mode: [], rest: [] }) {
    this.#scales = scales.map((s) => ({ ...s }));
    this.#modeUnitsPerScale = modeUnitsPerScale;
    this.#history = history;
  }

  /** The rows of a scale once known (after --input is read). */
  setRows(scale: string, rows: number): void {
    const planned = this.#scales.find((s) => s.scale === scale);
    if (planned) planned.rows = rows;
  }

  unitStarted(scale: string, kind: UnitKind, now: number): void {
    this.#current = { scale, kind, startedAt: now };
  }

  unitFinished(scale: string, kind: UnitKind, ms: number): void {
    const rows = this.#scales.find((s) => s.scale === scale)?.rows ?? 0;
    this.#finished[kind].push({ scale, rows, ms });
    this.#current = null;
  }

  /** The scale is done, after `totalMs` in all: what its units did not take is its "rest" unit. */
  scaleFinished(scale: string, totalMs: number): void {
    const unitsMs = this.#finished.prepare.concat(this.#finished.mode).filter((u) => u.scale === scale).reduce((sum, u) => sum + u.ms, 0);
    const rows = this.#scales.find((s) => s.scale === scale)?.rows ?? 0;
    this.#finished.rest.push({ scale, rows, ms: Math.max(0, totalMs - unitsMs) });
    this.#scalesDone.add(scale);
  }

  /** Milliseconds left in the run, or null while estimating (a unit still to come that nothing can price). */
  remainingMs(now: number): number | null {
    let total = 0;
    for (const { scale, rows } of this.#scales) {
      if (this.#scalesDone.has(scale)) continue;
      const done = (kind: UnitKind) => this.#finished[kind].filter((u) => u.scale === scale).length;
      const left: Record<UnitKind, number> = { prepare: 1 - done("prepare"), mode: this.#modeUnitsPerScale - done("mode"), rest: 1 };
      for (const kind of KINDS) {
        if (left[kind] <= 0) continue;
        const cost = this.unitCostMs(kind, rows ?? 0);
        if (cost === null) return null;
        total += left[kind] * cost;
        // The unit under way has already spent part of its cost.
        if (this.#current?.scale === scale && this.#current.kind === kind) total -= Math.min(cost, now - this.#current.startedAt);
      }
    }
    return Math.max(0, total);
  }

  /** The expected cost of one unit of a kind at a size, from the finished units, or earlier runs' when none (see the header). */
  unitCostMs(kind: UnitKind, rows: number): number | null {
    const own = this.#finished[kind];
    const points = own.length > 0 ? own : this.#history[kind];
    if (points.length === 0) return kind === "rest" ? 0 : null;
    const fit = fitCost(points);
    if (fit) return fit.fixedMs + rows * Math.max(fit.msPerRow, fit.fixedMs / PER_ROW_MATCHES_FIXED_AT);
    // One size so far: its median is the level; an earlier run's curve, if any, else the floor's, the shape.
    const level = median(points.map((p) => p.ms));
    const atRows = points[0].rows;
    const shape = fitCost(this.#history[kind]) ?? { fixedMs: 1, msPerRow: 1 / PER_ROW_MATCHES_FIXED_AT };
    const at = shape.fixedMs + atRows * shape.msPerRow;
    return at > 0 ? (level * (shape.fixedMs + rows * shape.msPerRow)) / at : level;
  }

  /** This run's finished units: the history of the next run in this process (r, a in the monitor). */
  finishedCosts(): CostHistory {
    const strip = (points: readonly CostPoint[]) => points.map(({ rows, ms }) => ({ rows, ms }));
    return { prepare: strip(this.#finished.prepare), mode: strip(this.#finished.mode), rest: strip(this.#finished.rest) };
  }
}

/** Earlier runs' costs per kind where this process has some, else those read from disk. */
export function newerCosts(newer: CostHistory, older: CostHistory): CostHistory {
  return { prepare: newer.prepare.length > 0 ? newer.prepare : older.prepare, mode: newer.mode.length > 0 ? newer.mode : older.mode, rest: newer.rest.length > 0 ? newer.rest : older.rest };
}

/** Several earlier runs' costs as one history (more sizes give the fit its shape). */
export function combineCosts(histories: readonly CostHistory[]): CostHistory {
  return { prepare: histories.flatMap((h) => h.prepare), mode: histories.flatMap((h) => h.mode), rest: histories.flatMap((h) => h.rest) };
}

/**
 * An ETA given at `asOf` read at `now` (both ms on one clock): the time left less the time since,
 * never below 0; null (estimating) stays null. The monitor and the headless printer count down
 * between ETA events with it.
 */
export function countDown(remainingMs: number | null | undefined, asOf: number, now: number): number | null {
  if (remainingMs === null || remainingMs === undefined) return null;
  return Math.max(0, remainingMs - Math.max(0, now - asOf));
}

/**
 * The run's time left, never less than its current phase's: the two are priced apart (the units'
 * model, the phase's last duration or progress), and a run cannot end before its phase does.
 */
export function atLeastPhase(runMs: number | null, phaseMs: number | null): number | null {
  return runMs === null ? null : Math.max(runMs, phaseMs ?? 0);
}

/** The time left in a phase from its progress so far. */
export function phaseRemainingMs(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= 0 || done > total) return null;
  return (elapsedMs * (total - done)) / done;
}

/**
 * The unit costs of an earlier run from its summary.json: a prepare unit per scale (generate +
 * upload seconds), a mode unit per run (its phases' total); summary.json has no scale totals, so
 * no rest units. Empty when there is none or it is unreadable.
 */
export function readCostHistory(summaryJsonPath: string): CostHistory {
  const history: CostHistory = { prepare: [], mode: [], rest: [] };
  try {
    // summary.json (report/summary-json.ts) holds the RunReport under "report"
    const summary = JSON.parse(readFileSync(summaryJsonPath, "utf8")) as {
      report?: {
        scales?: { inputRows?: number; generate?: { seconds?: number }; upload?: { seconds?: number }; runs?: { warmup?: boolean; phases?: { total?: number } }[] }[];
      };
    };
    for (const scale of summary.report?.scales ?? []) {
      if (typeof scale.inputRows !== "number") continue;
      const prepare = (scale.generate?.seconds ?? 0) + (scale.upload?.seconds ?? 0);
      if (prepare > 0) history.prepare.push({ rows: scale.inputRows, ms: prepare * 1000 });
      for (const run of scale.runs ?? []) {
        if (run.warmup) continue;
        const total = run.phases?.total ?? 0;
        if (total > 0) history.mode.push({ rows: scale.inputRows, ms: total * 1000 });
      }
    }
  } catch {
    // No earlier run: the estimate waits for this run's figures.
  }
  return history;
}
