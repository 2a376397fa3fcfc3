// --baseline in the monitor: the reducer keeps each scale's latest change against the baseline,
// and the detail line shows it as the engine classed it (the monitor decides nothing).
import test from "ava";
import { initialState, reduce } from "../../tui/state.ts";
import { baselineLine } from "../../tui/terminal-text.ts";
import type { RunEvent } from "../../src/run/events.ts";
import type { ChangeClass } from "../../src/records/baseline-comparison.ts";
import { at, runStart } from "./events.ts";

const baseline = (final: boolean, inMemoryRatio: number, cls: ChangeClass, runsToSettle: number | null): RunEvent => ({
  type: "baseline",
  at: at(),
  scale: "small",
  final,
  refused: null,
  changes: [
    { mode: "in-memory", figure: "duration", ratio: inMemoryRatio, interval: { lo: 0.9, hi: 2.5 }, class: cls, runsToSettle },
    { mode: "in-memory", figure: "peak memory", ratio: 1, interval: { lo: 0.98, hi: 1.02 }, class: "unchanged", runsToSettle: null },
  ],
});

test("each mode's change against the baseline shows as the runs complete, the latest replacing the earlier", (t) => {
  let s = reduce(reduce(initialState, runStart(["small"])), baseline(false, 1.5, "inconclusive", 6));
  t.is(baselineLine(s.scales[0]), "  small: against the baseline: in-memory time 1.50× inconclusive (~6 runs), memory 1.00× unchanged");
  s = reduce(s, baseline(true, 2, "slower", null));
  t.is(baselineLine(s.scales[0]), "  small: against the baseline: in-memory time 2.00× slower, memory 1.00× unchanged");
});

test("a scale the baseline cannot be compared with says why", (t) => {
  const s = reduce(reduce(initialState, runStart(["small"])), { type: "baseline", at: at(), scale: "small", final: true, refused: "rows: pod usage 7440 → pod usage 74400", changes: [] });
  t.is(baselineLine(s.scales[0]), "  small: not comparable with the baseline: the data differ (rows: pod usage 7440 → pod usage 74400)");
});

test("without --baseline there is no baseline line", (t) => {
  const s = reduce(initialState, runStart(["small"]));
  t.is(baselineLine(s.scales[0]), undefined);
});
