// benchmark.log: every event as one line, appended as it happens (tail -f). Problems carry the
// words FAIL or ERROR so that grep -E "FAIL|ERROR" finds each of them.
import { appendFileSync } from "node:fs";
import type { RunEvent } from "./events.ts";
import { formatDuration } from "./format.ts";

export function describeEvent(event: RunEvent): string | null {
  const where = "scale" in event && event.scale ? `${event.scale}${"mode" in event && event.mode ? ` ${event.mode}` : ""}` : "";
  switch (event.type) {
    case "service": {
      const name = event.service === "s3" ? "S3" : "PostgreSQL";
      if (event.state === "starting") return `${name}: starting ${event.detail}`;
      const took = event.durationMs === undefined ? "" : ` in ${formatDuration(event.durationMs)}`;
      return event.state === "ready" ? `${name}: ready${took} (${event.detail})` : `ERROR ${name}: failed${took}: ${event.detail}`;
    }
    case "run-start":
      return `run started: scales ${event.scales.join(",")}, modes ${event.modes.join(",")}, runs ${event.runs}, folder ${event.outDir}`;
    case "phase-start":
      return `${where}: ${event.phase} started`;
    case "phase-end":
      return `${where}: ${event.phase} ${event.ok ? "done" : "ERROR"} in ${formatDuration(event.durationMs)}`;
    case "progress":
      return null;
    case "memory":
    case "eta":
      return null;
    case "log":
      return `${event.level === "error" ? "ERROR " : event.level === "warn" ? "WARN " : ""}${event.text}`;
    case "result":
      return `${where}: result ${event.durationSeconds.toFixed(3)} s, peak ${event.peakMemoryMb.toFixed(1)} MB, ${event.inputRows} rows in, ${event.outputRows} rows out, engine ${event.engine}`;
    case "comparison":
      return `${event.scale}: ${event.faster === "tie" ? "comparable speed" : `${event.faster} faster`}, ${event.lessMemory === "tie" ? "comparable memory" : `${event.lessMemory} uses less memory`}`;
    case "validation":
      return `${where}: validation ${event.verdict}${event.detail ? ` (${event.detail})` : ""}`;
    case "error":
      return `ERROR ${where ? `${where}: ` : ""}${event.message}`;
    case "run-end":
      return `run ended: ${event.status === "FAIL" ? "FAIL" : event.status === "ERROR" ? "ERROR" : event.status}. ${event.headline}`;
  }
}

export function attachLiveLog(path: string, subscribe: (listener: (event: RunEvent) => void) => () => void): () => void {
  return subscribe((event) => {
    const text = describeEvent(event);
    if (text === null) return;
    appendFileSync(path, `${new Date(event.at).toISOString()} ${text}\n`);
  });
}
