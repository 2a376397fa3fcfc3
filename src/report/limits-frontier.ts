// The capacity frontier under limits: per mode and limit, the largest measured size that PASSed and
// the smallest its limits ended (OOM). summary.json derived.frontier[], the "Within limits" section
// and the outcome chart read it; the sweep refines between the two (FRONTIER_FACTOR).
import type { Mode } from "../contract/job.ts";
import type { ModeRun, RunReport } from "../records/run-report.ts";
import { modeSummary, modesOf } from "./mode-summary.ts";

/** The sweep measures extra sizes until a mode's PASS and OOM sizes are within this factor. */
export const FRONTIER_FACTOR = 1.5;

export interface FrontierEntry {
  mode: Mode;
  /** The user's limit (null: none, the machine guard held). */
  memoryLimitBytes: number | null;
  cpus: number | null;
  /** Largest pod rows that PASSed under the limit; null: none did. */
  maxPassRows: number | null;
  /** Smallest pod rows OOM-killed under the limit; null: none was. */
  minOomRows: number | null;
}

/** One (scale, mode) under limits: the outcome the reports show. */
export interface LimitCell {
  scale: string;
  rows: number;
  mode: Mode;
  memoryLimitBytes: number | null;
  cpus: number | null;
  outcome: "PASS" | "FAIL" | "OOM" | "TIMEOUT" | "ERROR";
  peakMemoryMb: number;
}

/** The limits a (scale, mode) ran under, from its runs' records (null: it ran without limits). */
function limitsOf(runs: readonly ModeRun[]): { memoryLimitBytes: number | null; cpus: number | null } | null {
  const limited = runs.find((r) => r.limits !== undefined)?.limits;
  return limited ? { memoryLimitBytes: limited.memoryLimitBytes, cpus: limited.cpus } : null;
}

/** Every (scale, mode) that ran under limits, with its outcome. */
export function limitCells(report: RunReport): LimitCell[] {
  const cells: LimitCell[] = [];
  for (const scale of report.scales) {
    for (const mode of modesOf(report)) {
      // warm-ups run under the same limits: a warm-up its limits ended is the mode's outcome there
      const limits = limitsOf(scale.runs.filter((r) => r.mode === mode));
      const m = modeSummary(scale, mode);
      if (!limits || !m) continue;
      const outcome =
        m.status === "OOM" || m.status === "TIMEOUT" ? m.status : m.validation === "FAIL" ? "FAIL" : m.status === "SUCCESS" && m.validation === "PASS" ? "PASS" : "ERROR";
      cells.push({ scale: scale.scale, rows: scale.inputRows, mode, ...limits, outcome, peakMemoryMb: m.peakMemoryMb.median });
    }
  }
  return cells;
}

const key = (c: { mode: Mode; memoryLimitBytes: number | null; cpus: number | null }) => `${c.mode}|${c.memoryLimitBytes}|${c.cpus}`;

/** derived.frontier[]: per (mode, limit, cpus) the largest PASS and the smallest OOM, in the order they first ran. */
export function capacityFrontier(report: RunReport): FrontierEntry[] {
  const groups = new Map<string, FrontierEntry>();
  for (const cell of limitCells(report)) {
    const entry = groups.get(key(cell)) ?? { mode: cell.mode, memoryLimitBytes: cell.memoryLimitBytes, cpus: cell.cpus, maxPassRows: null, minOomRows: null };
    if (cell.outcome === "PASS") entry.maxPassRows = Math.max(entry.maxPassRows ?? 0, cell.rows);
    if (cell.outcome === "OOM") entry.minOomRows = Math.min(entry.minOomRows ?? Infinity, cell.rows);
    groups.set(key(cell), entry);
  }
  return [...groups.values()];
}

/**
 * The frontier entries whose PASS and OOM sizes are further apart than FRONTIER_FACTOR, with the
 * pod rows to measure next between them (their geometric mean). Only entries where the largest PASS
 * lies below the smallest OOM: a PASS above an OOM is noise at the edge, not a gap to refine.
 */
export function frontierGaps(frontier: readonly FrontierEntry[]): { entry: FrontierEntry; nextRows: number }[] {
  return frontier.flatMap((entry) => {
    const { maxPassRows: pass, minOomRows: oom } = entry;
    if (pass === null || oom === null || oom <= pass || oom / pass <= FRONTIER_FACTOR) return [];
    return [{ entry, nextRows: Math.sqrt(pass * oom) }];
  });
}
