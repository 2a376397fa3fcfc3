// The previous run's figures (results/latest/summary.json), for an ETA before the first scale of
// this run has finished: one (pod rows, milliseconds) point per scale it completed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CostPoint } from "./eta.ts";

export function readHistory(outRoot: string): CostPoint[] {
  try {
    const summary = JSON.parse(readFileSync(join(outRoot, "latest", "summary.json"), "utf8")) as {
      scales?: { inputRows?: number; generate?: { seconds?: number }; upload?: { seconds?: number }; runs?: { phases?: { total?: number } }[] }[];
    };
    return (summary.scales ?? []).flatMap((scale) => {
      const seconds = (scale.generate?.seconds ?? 0) + (scale.upload?.seconds ?? 0) + (scale.runs ?? []).reduce((sum, run) => sum + (run.phases?.total ?? 0), 0);
      return typeof scale.inputRows === "number" && seconds > 0 ? [{ rows: scale.inputRows, ms: seconds * 1000 }] : [];
    });
  } catch {
    return [];
  }
}
