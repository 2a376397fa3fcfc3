// benchmark.log: every event as one line, appended as it happens (tail -f). Problems carry the
// words FAIL or ERROR so that grep -E "FAIL|ERROR" finds each of them.
import { appendFileSync } from "node:fs";
import type { ComparisonVerdict, RunEvent } from "../run/events.ts";
import { formatDuration } from "./durations.ts";
import { MAX_RUNS_TO_SETTLE } from "../stats/statistics.ts";
import { ratioInterval, times } from "../stats/number-text.ts";
import { baselineChangesText } from "../records/comparison-text.ts";

export function describeEvent(event: RunEvent): string | null {
  // "large streaming run 2", "large streaming warm-up 1", "large" (per-scale phases)
  const rep = "rep" in event && event.rep !== undefined && "mode" in event && event.mode ? ` ${"warmup" in event && event.warmup ? "warm-up" : "run"} ${event.rep}` : "";
  const where = "scale" in event && event.scale ? `${event.scale}${"mode" in event && event.mode ? ` ${event.mode}` : ""}${rep}` : "";
  switch (event.type) {
    case "service": {
      const name = event.service === "s3" ? "S3" : "PostgreSQL";
      if (event.state === "starting") return `${name}: starting ${event.detail}`;
      if (event.state === "connecting") return `${name}: connecting to ${event.detail}`;
      const took = event.durationMs === undefined ? "" : ` in ${formatDuration(event.durationMs)}`;
      return event.state === "ready" ? `${name}: ready${took} (${event.detail})` : `ERROR ${name}: failed${took}: ${event.detail}`;
    }
    case "run-start":
      return `run started: scales ${event.scales.join(",")}, modes ${event.modes.join(",")}, runs ${event.repetitions}${event.warmup ? ` (+${event.warmup} warm-up)` : ""}, folder ${event.outDir}`;
    case "phase-start":
      return `${where}: ${event.phase} started`;
    case "phase-end":
      return `${where}: ${event.phase} ${event.ok ? "done" : (event.endedBy ?? "ERROR")} in ${formatDuration(event.durationMs)}`;
    case "progress":
      return null;
    case "memory":
    case "eta":
      return null;
    case "log":
      return `${event.level === "error" ? "ERROR " : event.level === "warn" ? "WARN " : ""}${event.text}`;
    case "result":
      return `${where}${event.warmup ? " (discarded)" : ""}: result ${event.durationSeconds.toFixed(3)} s, peak ${event.peakMemoryMb.toFixed(1)} MB, ${event.inputRows} rows in, ${event.outputRows} rows out, engine ${event.engine}`;
    case "comparison":
      return `${event.scale}: time ${describeVerdict(event.time)}; memory ${describeVerdict(event.memory)}`;
    case "baseline":
      return event.final ? `${event.scale}: ${baselineChangesText(event.changes, event.refused)}` : null;
    case "crossover":
      return `after ${event.sizes} size${event.sizes === 1 ? "" : "s"}: ${event.text}`;
    case "limit-kill":
      return `${where}${event.warmup ? " (discarded)" : ""}: ${event.outcome} after ${event.secondsUntilKill.toFixed(2)} s, peak ${event.peakMemoryMb.toFixed(1)} MB (${event.enforcement}); not validated`;
    case "limits":
      return `children run under ${event.label}`;
    case "validation":
      return `${where}: validation ${event.verdict}${event.detail ? ` (${event.detail})` : ""}`;
    case "error":
      return `ERROR ${where ? `${where}: ` : ""}${event.message}`;
    case "run-end":
      return `run ended: ${event.status === "FAIL" ? "FAIL" : event.status === "ERROR" ? "ERROR" : event.status}. ${event.headline}`;
  }
}

/**
 * A verdict with its evidence, e.g. "inconclusive, streaming ÷ in-memory 0.81× (95% interval
 * 0.47×–1.74× over 3 pairs; about 12 runs per mode would likely settle it)".
 */
export function describeVerdict(v: ComparisonVerdict): string {
  const interval = v.interval
    ? `95% interval ${ratioInterval(v.interval)} over ${v.pairs} pair${v.pairs === 1 ? "" : "s"}`
    : `no interval from ${v.pairs} pair${v.pairs === 1 ? "" : "s"}`;
  const settle =
    v.class !== "inconclusive" ? "" : v.runsToSettle !== null ? `; about ${v.runsToSettle} runs per mode would likely settle it` : `; more than ${MAX_RUNS_TO_SETTLE} runs per mode would be needed to settle it`;
  return `${v.class}, streaming ÷ in-memory ${times(v.ratio)} (${interval}${settle})`;
}

export function attachLiveLog(path: string, subscribe: (listener: (event: RunEvent) => void) => () => void): () => void {
  return subscribe((event) => {
    const text = describeEvent(event);
    if (text === null) return;
    appendFileSync(path, `${new Date(event.at).toISOString()} ${text}\n`);
  });
}
