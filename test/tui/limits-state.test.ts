// The monitor under limits: an OOM is an outcome in the table (not an error screen), and the child's
// memory gauge runs up to the cap. The reducer alone decides; the components draw its state.
import test from "ava";
import { initialState, reduce, type ViewState } from "../../tui/state.ts";
import type { RunEvent } from "../../src/run/events.ts";
import { at, memory, modeRun, runStart } from "./events.ts";

const reduceAll = (events: readonly RunEvent[], state: ViewState = initialState): ViewState => events.reduce(reduce, state);
const MiB = 1024 * 1024;

const oomed: RunEvent[] = [
  { type: "phase-start", at: at(), scale: "production-large", mode: "in-memory", rep: 1, phase: "aggregate" },
  { type: "phase-end", at: at(), scale: "production-large", mode: "in-memory", rep: 1, phase: "aggregate", durationMs: 14_200, ok: false, endedBy: "OOM" },
  { type: "limit-kill", at: at(), scale: "production-large", mode: "in-memory", rep: 1, outcome: "OOM", peakMemoryMb: 750, secondsUntilKill: 14.2, enforcement: "cgroup v1" },
];

test("an OOM is the mode's outcome: the cell says OOM with its peak, the scale is done once the other mode passes, no error", (t) => {
  const s = reduceAll([runStart(["production-large"]), ...oomed, ...modeRun("production-large", "streaming", { seconds: 19.2, peakMb: 610, verdict: "PASS" })]);
  const row = s.scales[0];
  t.is(row.modes["in-memory"]?.outcome, "OOM");
  t.deepEqual(row.modes["in-memory"]?.peaksMb, [750]);
  t.is(row.modes["in-memory"]?.error, undefined);
  t.is(row.error, undefined);
  t.is(row.status, "done");
});

test("under a limit the child's gauge carries the cap: 750 MiB from the limits event, before or after the first sample", (t) => {
  const limits: RunEvent = { type: "limits", at: at(), capBytes: 750 * MiB, source: "limit", cpus: null, preset: null, label: "750 MiB" };
  const sample = memory(42, 300);
  t.is(reduceAll([runStart(["small"]), limits, sample]).memory?.limit?.capBytes, 750 * MiB);
  t.is(reduceAll([runStart(["small"]), sample, limits]).memory?.limit?.capBytes, 750 * MiB);
});
