// The headless printer: one line per event, the run's ETA on each phase line.
import test from "ava";
import { attachHeadlessPrinter } from "../../src/output/headless.ts";
import type { RunEvent } from "../../src/run/events.ts";

function print(events: RunEvent[]): string[] {
  const lines: string[] = [];
  let listener: ((event: RunEvent) => void) | null = null;
  attachHeadlessPrinter((l) => ((listener = l), () => {}), (line) => lines.push(line));
  for (const event of events) listener!(event);
  return lines;
}

test("headless: a phase line reads estimating before any ETA figure, then the run's ETA counted down from its event", (t) => {
  const t0 = 1_900_000_000_000;
  const lines = print([
    { type: "phase-start", at: t0, scale: "small", phase: "generate" },
    // as of t0 + 1 s: 60 s left; the next phase line comes 20 s later: 60 - 20 = 40 s
    { type: "eta", at: t0 + 1_000, phaseRemainingMs: null, runRemainingMs: 60_000 },
    { type: "phase-start", at: t0 + 21_000, scale: "small", phase: "upload" },
    // 70 s after the figure: past it, the ETA stays at 0, never negative
    { type: "phase-end", at: t0 + 71_000, scale: "small", phase: "upload", durationMs: 50_000, ok: true },
  ]);
  t.regex(lines[0], /small: generate started {2}\(ETA estimating\)$/);
  t.regex(lines[1], /\[ 0:21\] small: upload started {2}\(ETA 0:40\)$/);
  t.regex(lines[2], /\(ETA 0:00\)$/);
});
