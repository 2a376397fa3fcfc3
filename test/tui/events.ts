// Scripted run events for the TUI tests (not a test file: ava only runs *.test.ts[x]).
import type { Mode } from "../../src/contract/job.ts";
import type { ComparisonVerdict, RunEvent, Verdict } from "../../src/run/events.ts";

export const MODES: Mode[] = ["in-memory", "streaming"];
export const OUT = "results/2026-11-24T03-00-00Z";

let clock = 1_800_000_000_000;
export const at = () => (clock += 100);

export const runStart = (scales: string[], repetitions = 1): RunEvent => ({
  type: "run-start",
  at: at(),
  scales,
  modes: MODES,
  repetitions,
  outDir: OUT,
});

export const progress = (scale: string, done: number, total: number, unit: "rows" | "bytes" = "rows"): RunEvent[] => [
  { type: "phase-start", at: at(), scale, phase: "generate" },
  { type: "progress", at: at(), scale, phase: "generate", done, total, unit },
];

/** One mode of one scale, from aggregate to its verdict. */
export function modeRun(
  scale: string,
  mode: Mode,
  o: { seconds: number; peakMb: number; verdict: Verdict; series?: number[]; detail?: string },
): RunEvent[] {
  const where = { scale, mode, rep: 1 } as const;
  return [
    { type: "phase-start", at: at(), ...where, phase: "aggregate" },
    { type: "phase-end", at: at(), ...where, phase: "aggregate", durationMs: o.seconds * 1000, ok: true },
    {
      type: "result",
      at: at(),
      ...where,
      durationSeconds: o.seconds,
      peakMemoryMb: o.peakMb,
      inputRows: 1000,
      outputRows: 42,
      engine: mode,
      memorySeries: o.series ?? [o.peakMb / 2, o.peakMb],
    },
    { type: "phase-start", at: at(), ...where, phase: "write" },
    { type: "phase-end", at: at(), ...where, phase: "write", durationMs: 10, ok: true },
    { type: "phase-start", at: at(), ...where, phase: "validate" },
    { type: "phase-end", at: at(), ...where, phase: "validate", durationMs: 10, ok: o.verdict === "PASS" },
    { type: "validation", at: at(), ...where, verdict: o.verdict, detail: o.detail ?? "" },
  ];
}

/** A whole scale: generate, upload, then both modes. */
export function scaleRun(
  scale: string,
  inMemory: { seconds: number; peakMb: number; verdict: Verdict; series?: number[]; detail?: string },
  streaming: { seconds: number; peakMb: number; verdict: Verdict; series?: number[]; detail?: string },
): RunEvent[] {
  return [
    { type: "phase-start", at: at(), scale, phase: "generate" },
    { type: "progress", at: at(), scale, phase: "generate", done: 1000, total: 1000, unit: "rows" },
    { type: "phase-end", at: at(), scale, phase: "generate", durationMs: 10, ok: true },
    { type: "phase-start", at: at(), scale, phase: "upload" },
    { type: "phase-end", at: at(), scale, phase: "upload", durationMs: 10, ok: true },
    ...modeRun(scale, "in-memory", inMemory),
    ...modeRun(scale, "streaming", streaming),
  ];
}

export const runEnd = (status: "PASS" | "FAIL" | "ERROR" | "INTERRUPTED", headline: string): RunEvent => ({
  type: "run-end",
  at: at(),
  status,
  outDir: OUT,
  headline,
});

export const memory = (pid: number, rssMb: number): RunEvent => ({
  type: "memory",
  at: at(),
  pid,
  rssBytes: rssMb * 1024 * 1024,
  systemUsedBytes: 8 * 1024 ** 3,
  systemTotalBytes: 16 * 1024 ** 3,
  cpuPercent: 50,
});

export const log = (text: string, level: "info" | "warn" | "error" = "info"): RunEvent => ({
  type: "log",
  at: at(),
  level,
  text,
});

/** A verdict as the engine sends it: a winner (or "tie") with a narrow interval, or inconclusive when null. */
const verdict = (winner: Mode | "tie" | null, on: "time" | "memory"): ComparisonVerdict => {
  const names: Record<"time" | "memory", Record<string, string>> = {
    time: { "in-memory": "in-memory faster", streaming: "streaming faster", tie: "comparable", none: "inconclusive" },
    memory: { "in-memory": "streaming higher", streaming: "streaming lower", tie: "comparable", none: "inconclusive" },
  };
  const ratio = winner === "in-memory" ? 1.5 : winner === "streaming" ? 0.5 : 1;
  return {
    class: names[on][winner ?? "none"],
    winner,
    ratio,
    interval: winner === null ? { lo: 0.8, hi: 1.3 } : { lo: ratio * 0.98, hi: ratio * 1.02 },
    pairs: 3,
    runsToSettle: winner === null ? 12 : null,
  };
};

/** The engine's comparison of a scale's two modes (it classifies; the TUI only shows it). */
export const comparison = (scale: string, faster: Mode | "tie" | null, lessMemory: Mode | "tie" | null): RunEvent => ({
  type: "comparison",
  at: at(),
  scale,
  time: verdict(faster, "time"),
  memory: verdict(lessMemory, "memory"),
  memorySavedPercent: 0,
});
