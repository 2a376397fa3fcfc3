// Estimates the time left in a run from the input rows still to go and the time each finished
// scale took (time = fixed + rows x per-row, fitted by least squares), or from a previous run's
// figures before any scale has finished.

export interface CostPoint {
  rows: number;
  ms: number;
}

export function fitCost(points: readonly CostPoint[]): { fixedMs: number; msPerRow: number } | null {
  const usable = points.filter((p) => p.rows > 0 && p.ms > 0);
  if (usable.length === 0) return null;
  if (usable.length === 1) return { fixedMs: 0, msPerRow: usable[0].ms / usable[0].rows };
  const n = usable.length;
  const meanX = usable.reduce((s, p) => s + p.rows, 0) / n;
  const meanY = usable.reduce((s, p) => s + p.ms, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of usable) {
    sxx += (p.rows - meanX) ** 2;
    sxy += (p.rows - meanX) * (p.ms - meanY);
  }
  if (sxx === 0) return { fixedMs: 0, msPerRow: meanY / meanX };
  const msPerRow = Math.max(0, sxy / sxx);
  return { fixedMs: Math.max(0, meanY - msPerRow * meanX), msPerRow };
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
   * Time left for the scales still to run, plus the unfinished part of the current one. Before any
   * scale finished and without history, the current scale's pace (elapsed / fraction done) stands in.
   */
  remainingMs(rowsToGo: readonly number[], current?: { rows: number; elapsedMs: number; fractionDone?: number }): number | null {
    let fit = fitCost(this.#finished.length > 0 ? [...this.#finished] : this.#history);
    const fraction = current?.fractionDone ?? 0;
    if (!fit && current && current.rows > 0 && fraction > 0) {
      fit = { fixedMs: 0, msPerRow: current.elapsedMs / fraction / current.rows };
    }
    if (!fit) return null;
    const cost = (rows: number) => fit.fixedMs + rows * fit.msPerRow;
    let total = rowsToGo.reduce((sum, rows) => sum + cost(rows), 0);
    if (current) {
      const projected = fraction > 0 && this.#finished.length === 0 ? current.elapsedMs / fraction : cost(current.rows);
      total += Math.max(0, projected - current.elapsedMs);
    }
    return total;
  }
}

/** The time left in a phase from its progress so far. */
export function phaseRemainingMs(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= 0 || done > total) return null;
  return (elapsedMs * (total - done)) / done;
}
