// The run without a terminal: one line per phase start and end, with the time since the start and
// an ETA for the rest of the run; results, verdicts, problems and the end of the run.
import type { RunEvent } from "../run/events.ts";
import { describeEvent } from "./live-log.ts";
import { formatElapsed } from "./durations.ts";
import { countDown } from "../run/eta.ts";

export function attachHeadlessPrinter(subscribe: (listener: (event: RunEvent) => void) => () => void, write: (line: string) => void): () => void {
  let startedAt: number | null = null;
  let runRemaining: { ms: number | null; at: number } = { ms: null, at: 0 };
  return subscribe((event) => {
    startedAt ??= event.at;
    if (event.type === "eta") {
      runRemaining = { ms: event.runRemainingMs, at: event.at };
      return;
    }
    const text = describeEvent(event);
    if (text === null) return;
    // "estimating" until a unit of each kind still to come can be priced (src/run/eta.ts); a
    // figure counts down from its event.
    const left = countDown(runRemaining.ms, runRemaining.at, event.at);
    const eta = event.type === "phase-start" || event.type === "phase-end" ? `  (ETA ${left === null ? "estimating" : formatElapsed(left)})` : "";
    write(`[${formatElapsed(event.at - startedAt).padStart(5)}] ${text}${eta}`);
  });
}
