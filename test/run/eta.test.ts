// The run's ETA: work units (a scale's prepare, each mode run) priced from the finished ones.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fitCost, phaseRemainingMs, readCostHistory, RunEta } from "../../src/run/eta.ts";

const NO_HISTORY = { prepare: [], mode: [], rest: [] };

/** Finishes a whole scale: one prepare unit and `modeUnits` mode units at the given costs. */
function finishScale(eta: RunEta, scale: string, prepareMs: number, modeMs: number, modeUnits: number, restMs = 0): void {
  eta.unitStarted(scale, "prepare", 0);
  eta.unitFinished(scale, "prepare", prepareMs);
  for (let i = 0; i < modeUnits; i++) {
    eta.unitStarted(scale, "mode", 0);
    eta.unitFinished(scale, "mode", modeMs);
  }
  eta.scaleFinished(scale, prepareMs + modeUnits * modeMs + restMs);
}

test("the ETA says nothing (estimating) until the first scale has finished", (t) => {
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "large", rows: 50_000 }], 2, NO_HISTORY);
  t.is(eta.remainingMs(0), null);
  eta.unitStarted("small", "prepare", 0);
  eta.unitFinished("small", "prepare", 500);
  eta.unitStarted("small", "mode", 500);
  eta.unitFinished("small", "mode", 1_000);
  t.is(eta.remainingMs(1_500), null, "a finished unit is not a finished scale");
});

test("after one scale, with no earlier run, each unit to go costs what the finished ones of its kind did", (t) => {
  // 2 modes x 3 runs = 6 mode units per scale
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "medium", rows: 10_000 }, { scale: "large", rows: 50_000 }], 6, NO_HISTORY);
  finishScale(eta, "small", 400, 1_000, 6);
  // medium and large: 2 x (400 + 6 x 1,000) = 12,800 ms
  t.is(eta.remainingMs(0), 12_800);
});

test("after one scale, an earlier run spanning two sizes gives the cost curve's shape and this run its level", (t) => {
  // Earlier run: mode units cost 1,000 ms at 1,000 rows and 2,000 ms at 11,000 rows:
  // 0.1 ms per row, 900 ms fixed. This run's small mode unit took 2,000 ms (twice the earlier 1,000),
  // so a mode unit at 11,000 rows is priced 2 x 2,000 = 4,000 ms; the prepare unit has no
  // earlier curve, so it costs what small's did, 300 ms. One scale with 1 mode unit to go: 4,300 ms.
  const history = { prepare: [], mode: [{ rows: 1_000, ms: 1_000 }, { rows: 11_000, ms: 2_000 }], rest: [] };
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "big", rows: 11_000 }], 1, history);
  finishScale(eta, "small", 300, 2_000, 1);
  t.is(eta.remainingMs(0), 4_300);
});

test("finished units at two sizes fit a fixed cost plus a cost per row, and the unit under way counts only its rest", (t) => {
  const eta = new RunEta([{ scale: "a", rows: 1_000 }, { scale: "b", rows: 11_000 }, { scale: "c", rows: 21_000 }], 1, NO_HISTORY);
  finishScale(eta, "a", 100, 1_100, 1);
  eta.unitStarted("b", "prepare", 0);
  eta.unitFinished("b", "prepare", 100);
  eta.unitStarted("b", "mode", 10_000);
  // mode units: 1,100 ms at 1,000 rows; none yet at 11,000, so one size: b's mode unit is priced
  // 1,100 ms and has run 600 ms (500 left); c's prepare 100 ms and its mode unit 1,100 ms.
  t.is(eta.remainingMs(10_600), 500 + 100 + 1_100);
  eta.unitFinished("b", "mode", 2_100);
  eta.scaleFinished("b", 100 + 2_100);
  // Now (1,000, 1,100) and (11,000, 2,100): 0.1 ms per row + 1,000 ms fixed -> c's mode unit
  // 1,000 + 21,000 x 0.1 = 3,100 ms; its prepare unit 100 ms (both prepares took 100 ms).
  t.is(eta.remainingMs(12_700), 3_200);
});

test("a scale's time outside its units (in-memory against streaming, logs) is priced as one more unit per scale", (t) => {
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "medium", rows: 10_000 }], 2, NO_HISTORY);
  // small: prepare 400 + 2 x 1,000 + 300 ms outside its units
  finishScale(eta, "small", 400, 1_000, 2, 300);
  // medium: 400 + 2 x 1,000 + 300 = 2,700 ms
  t.is(eta.remainingMs(0), 2_700);
});

test("the fit: two points give the line through them", (t) => {
  // (1,000 rows, 1,100 ms) and (11,000 rows, 2,100 ms): slope 1,000 ms / 10,000 rows = 0.1 ms per row,
  // intercept 1,100 - 1,000 x 0.1 = 1,000 ms.
  t.deepEqual(fitCost([{ rows: 1_000, ms: 1_100 }, { rows: 11_000, ms: 2_100 }]), { fixedMs: 1_000, msPerRow: 0.1 });
  t.is(fitCost([{ rows: 1_000, ms: 1_100 }]), null, "one size cannot separate fixed from per-row cost");
});

test("an earlier run's summary.json gives a prepare unit per scale and a mode unit per run", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eta-"));
  try {
    const path = join(dir, "summary.json");
    writeFileSync(path, JSON.stringify({ scales: [{ inputRows: 7_440, generate: { seconds: 0.5 }, upload: { seconds: 0.25 }, runs: [{ phases: { total: 2 } }, { phases: { total: 3 } }] }] }));
    t.deepEqual(readCostHistory(path), { prepare: [{ rows: 7_440, ms: 750 }], mode: [{ rows: 7_440, ms: 2_000 }, { rows: 7_440, ms: 3_000 }], rest: [] });
    t.deepEqual(readCostHistory(join(dir, "missing.json")), NO_HISTORY);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a phase's remaining time scales its elapsed time by the work left", (t) => {
  // 25 of 100 done in 1 s: 75 left at 25 per second = 3 s
  t.is(phaseRemainingMs(25, 100, 1_000), 3_000);
  t.is(phaseRemainingMs(0, 100, 1_000), null);
});
