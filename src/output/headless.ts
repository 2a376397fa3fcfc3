// The run without a terminal: one line per phase start and end, with the time since the start and
// an ETA for the rest of the run; results, verdicts, problems and the end of the run.
import type { RunEvent } from "../run/events.ts";
import { describeEvent } from "./live-log.ts";
import { formatElapsed } from "./durations.ts";

export function attachHeadlessPrinter(subscribe: (listener: (event: RunEvent) => void) => () => void, write: (line: string) => void): () => void {
  let startedAt: number | null = null;
  let runRemainingMs: number | null = null;
  return subscribe((event) => {
    startedAt ??= event.at;
    if (event.type === "eta") {
      runRemainingMs = event.runRemainingMs;
      return;
    }
    const text = describeEvent(event);
    if (text === null) return;
    // The run's ETA is "estimating" until the first scale has finished (src/run/eta.ts).
    const eta = event.type === "phase-start" || event.type === "phase-end" ? `  (ETA ${runRemainingMs === null ? "estimating" : formatElapsed(runRemainingMs)})` : "";
    write(`[${formatElapsed(event.at - startedAt).padStart(5)}] ${text}${eta}`);
  });
}
