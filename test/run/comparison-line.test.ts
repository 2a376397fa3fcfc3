// What the headless printer and benchmark.log say when the engine has compared a scale's modes.
import test from "ava";
import { describeEvent } from "../../src/output/live-log.ts";
import type { RunEvent } from "../../src/run/events.ts";

test("the comparison line gives each verdict's class, ratio and 95% interval, and for an inconclusive one the runs that would settle it", (t) => {
  const event: RunEvent = {
    type: "comparison",
    at: 0,
    scale: "large",
    time: { class: "inconclusive", winner: null, ratio: 0.81, interval: { lo: 0.47, hi: 1.74 }, pairs: 3, runsToSettle: 12 },
    memory: { class: "streaming lower", winner: "streaming", ratio: 0.5, interval: { lo: 0.45, hi: 0.55 }, pairs: 3, runsToSettle: null },
    memorySavedPercent: 50,
  };
  t.is(
    describeEvent(event),
    "large: time inconclusive, streaming ÷ in-memory 0.81× (95% interval 0.47×–1.74× over 3 pairs; about 12 runs per mode would likely settle it); " +
      "memory streaming lower, streaming ÷ in-memory 0.50× (95% interval 0.45×–0.55× over 3 pairs)",
  );
});

test("a verdict from one run says there is no interval, and one beyond 100 runs says so", (t) => {
  const event: RunEvent = {
    type: "comparison",
    at: 0,
    scale: "small",
    time: { class: "inconclusive", winner: null, ratio: 2, interval: null, pairs: 1, runsToSettle: 3 },
    memory: { class: "inconclusive", winner: null, ratio: 1.1, interval: { lo: 1.0, hi: 1.2 }, pairs: 3, runsToSettle: null },
    memorySavedPercent: -10,
  };
  const line = describeEvent(event)!;
  t.true(line.includes("time inconclusive, streaming ÷ in-memory 2.00× (no interval from 1 pair; about 3 runs per mode would likely settle it)"));
  t.true(line.includes("memory inconclusive, streaming ÷ in-memory 1.10× (95% interval 1.00×–1.20× over 3 pairs; more than 100 runs per mode would be needed to settle it)"));
});

test("phase and result lines name the repetition, and a warm-up as such", (t) => {
  t.is(describeEvent({ type: "phase-start", at: 0, scale: "large", mode: "streaming", rep: 2, phase: "aggregate" }), "large streaming run 2: aggregate started");
  t.is(describeEvent({ type: "phase-start", at: 0, scale: "large", mode: "streaming", rep: 1, warmup: true, phase: "write" }), "large streaming warm-up 1: write started");
  t.is(describeEvent({ type: "phase-start", at: 0, scale: "large", phase: "generate" }), "large: generate started");
  t.is(
    describeEvent({ type: "result", at: 0, scale: "large", mode: "in-memory", rep: 1, warmup: true, durationSeconds: 1.5, peakMemoryMb: 300, inputRows: 10, outputRows: 2, engine: "in-memory", memorySeries: [] }),
    "large in-memory warm-up 1 (discarded): result 1.500 s, peak 300.0 MB, 10 rows in, 2 rows out, engine in-memory",
  );
});
