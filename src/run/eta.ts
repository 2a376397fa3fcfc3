// Estimates the time left in a run from the input rows still to go and the time each finished
// scale took (time = fixed + rows x per-row, fitted by least squares), or from a previous run's
// figures before any scale has finished.

import { leastSquaresSlope } from "../report/analysis.ts";

export interface CostPoint {
  rows: number;
  ms: number;
}

export function fitCost(points: readonly CostPoint[]): { fixedMs: number; msPerRow: number } | null {
  const usable = points.filter((p) => p.rows > 0 && p.ms > 0);
  if (usable.length === 0) return null;
  const meanRows = usable.reduce((s, p) => s + p.rows, 0) / usable.length;
  const meanMs = usable.reduce((s, p) => s + p.ms, 0) / usable.length;
  const slope = leastSquaresSlope(usable.map((p) => ({ x: p.rows, y: p.ms })));
  // One size of scale only: time proportional to rows.
  if (slope === null) return { fixedMs: 0, msPerRow: meanMs / meanRows };
  const msPerRow = Math.max(0, slope);
  return { fixedMs: Math.max(0, meanMs - msPerRow * meanRows), msPerRow };
}

export class RunEta {
  readonly #finished: CostPoint[] = [];
  readonly #history: readonly CostPoint[];

  constructor(history: readonly CostPoint[] = []) {
    this.#history = history;
  }

  scaleFinished(point: CostPoint): void {
    this.#finished.push(point);
  }

  /**
   * Time left for the scales still to run, plus the unfinished part of the current one. The fit
   * uses the finished scales and, once it is a fifth done, the current scale's projected total:
   * with one small scale alone, time proportional to rows would overstate large scales, whose
   * cost is mostly not fixed overhead. Before that, the previous run's figures fill in.
   */
  remainingMs(rowsToGo: readonly number[], current?: { rows: number; elapsedMs: number; fractionDone?: number }): number | null {
    const fraction = current?.fractionDone ?? 0;
    const projected = current && current.rows > 0 && fraction >= 0.2 ? current.elapsedMs / fraction : null;
    const points = [...this.#finished];
    if (projected !== null && current) points.push({ rows: current.rows, ms: projected });
    if (points.length < 2) points.push(...this.#history);
    let fit = fitCost(points);
    if (!fit && current && current.rows > 0 && fraction > 0) {
      fit = { fixedMs: 0, msPerRow: current.elapsedMs / fraction / current.rows };
    }
    if (!fit) return null;
    const cost = (rows: number) => fit.fixedMs + rows * fit.msPerRow;
    let total = rowsToGo.reduce((sum, rows) => sum + cost(rows), 0);
    if (current) {
      const currentTotal = fraction > 0 ? current.elapsedMs / fraction : cost(current.rows);
      total += Math.max(0, currentTotal - current.elapsedMs);
    }
    return total;
  }
}

/** The time left in a phase from its progress so far. */
export function phaseRemainingMs(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= 0 || done > total) return null;
  return (elapsedMs * (total - done)) / done;
}
