// The run's ETA: work units (a scale's prepare, each mode run) priced from the finished ones.
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { combineCosts, fitCost, newerCosts, phaseRemainingMs, readCostHistory, RunEta } from "../../src/run/eta.ts";
import { summaryJson } from "../../src/report/summary-json.ts";
import { report, scale } from "../report/fixtures.ts";

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

test("with no earlier run the ETA estimates once each kind of unit still to come has a finished one to price it", (t) => {
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "large", rows: 50_000 }], 2, NO_HISTORY);
  t.is(eta.remainingMs(0), null, "nothing finished: estimating");
  eta.unitStarted("small", "prepare", 0);
  eta.unitFinished("small", "prepare", 500);
  t.is(eta.remainingMs(500), null, "no mode run finished yet: mode units cannot be priced");
  eta.unitStarted("small", "mode", 500);
  eta.unitFinished("small", "mode", 1_000);
  // one size so far: each cost scales by the floor's shape (1 + rows / 370,000).
  // small: 1 mode unit left = 1,000 (rest: none finished, 0);
  // large: prepare 500 x (1 + 50,000/370,000) / (1 + 1,000/370,000) + 2 mode units at 1,000 x the same factor
  const factor = (1 + 50_000 / 370_000) / (1 + 1_000 / 370_000);
  const expected = 1_000 + 500 * factor + 2 * 1_000 * factor;
  t.true(Math.abs(eta.remainingMs(1_500)! - expected) < 1e-6, String(eta.remainingMs(1_500)));
});

test("a one-scale run estimates after its first measured run: the runs left at that run's cost", (t) => {
  // 2 modes x 4 runs = 8 mode units; the first took 3,000 ms: 7 left = 21,000 ms
  const eta = new RunEta([{ scale: "small", rows: 7_440 }], 8, NO_HISTORY);
  eta.unitStarted("small", "prepare", 0);
  eta.unitFinished("small", "prepare", 400);
  eta.unitStarted("small", "mode", 400);
  eta.unitFinished("small", "mode", 3_000);
  t.is(eta.remainingMs(3_400), 21_000);
});

test("an earlier run's figures price the units before this run has finished any", (t) => {
  // earlier: prepares 500 and 1,000 ms at 1,000 and 11,000 rows (450 + 0.05 per row); mode units
  // 1,000 and 2,000 ms (900 + 0.1 per row), both above the floor. At 11,000 rows, 1 mode unit:
  // prepare 450 + 550 = 1,000 and mode 900 + 1,100 = 2,000: 3,000 ms.
  const history = { prepare: [{ rows: 1_000, ms: 500 }, { rows: 11_000, ms: 1_000 }], mode: [{ rows: 1_000, ms: 1_000 }, { rows: 11_000, ms: 2_000 }], rest: [] };
  const eta = new RunEta([{ scale: "big", rows: 11_000 }], 1, history);
  t.true(Math.abs(eta.remainingMs(0)! - 3_000) < 1e-6, String(eta.remainingMs(0)));
});

test("a run's finished units are the next run's history; this process's figures win over older ones per kind", (t) => {
  const eta = new RunEta([{ scale: "small", rows: 7_440 }], 1, NO_HISTORY);
  finishScale(eta, "small", 400, 3_000, 1, 100);
  const costs = eta.finishedCosts();
  t.deepEqual(costs, { prepare: [{ rows: 7_440, ms: 400 }], mode: [{ rows: 7_440, ms: 3_000 }], rest: [{ rows: 7_440, ms: 100 }] });
  const older = { prepare: [{ rows: 1, ms: 1 }], mode: [{ rows: 1, ms: 1 }], rest: [] };
  t.deepEqual(newerCosts({ ...costs, mode: [] }, older).mode, older.mode, "a kind this process has no figure for keeps the older ones");
  t.deepEqual(newerCosts(costs, older).prepare, costs.prepare);
  t.deepEqual(combineCosts([costs, older]).prepare, [{ rows: 7_440, ms: 400 }, { rows: 1, ms: 1 }]);
});

test("after one scale, with no earlier run, a unit's cost per row matches its fixed cost at 370,000 rows", (t) => {
  // 2 modes x 3 runs = 6 mode units per scale
  const eta = new RunEta([{ scale: "small", rows: 37_000 }, { scale: "large", rows: 370_000 }], 6, NO_HISTORY);
  finishScale(eta, "small", 1_100, 1_100, 6);
  // Each unit took 1,100 ms at 37,000 rows = level x (1 + 0.1); at 370,000 rows level x (1 + 1):
  // 1,100 x 2 / 1.1 = 2,000 ms. Large: prepare 2,000 + 6 x 2,000 = 14,000 ms (rest: small had none).
  t.true(Math.abs(eta.remainingMs(0)! - 14_000) < 1e-6, String(eta.remainingMs(0)));
  // The unit under way counts only its rest: large's prepare, started at 0, 500 ms in.
  eta.unitStarted("large", "prepare", 0);
  t.true(Math.abs(eta.remainingMs(500)! - 13_500) < 1e-6);
});

test("after one scale, an earlier run spanning two sizes gives the cost curve's shape and this run its level", (t) => {
  // Earlier run: mode units 1,000 ms at 1,000 rows and 2,000 ms at 11,000 rows (900 ms + 0.1 ms
  // per row); prepares 500 ms and 1,000 ms (450 ms + 0.05 ms per row). This run's small took
  // 2,000 ms per mode unit (2x the earlier 1,000) and 300 ms to prepare (0.6x the earlier 500):
  // at 11,000 rows a mode unit is priced 2 x 2,000 = 4,000 ms and a prepare 0.6 x 1,000 = 600 ms.
  const history = { prepare: [{ rows: 1_000, ms: 500 }, { rows: 11_000, ms: 1_000 }], mode: [{ rows: 1_000, ms: 1_000 }, { rows: 11_000, ms: 2_000 }], rest: [] };
  const eta = new RunEta([{ scale: "small", rows: 1_000 }, { scale: "big", rows: 11_000 }], 1, history);
  finishScale(eta, "small", 300, 2_000, 1);
  t.true(Math.abs(eta.remainingMs(0)! - 4_600) < 1e-6, String(eta.remainingMs(0)));
});

test("finished units at two sizes fit a fixed cost plus a cost per row, never below the floor", (t) => {
  const eta = new RunEta([{ scale: "a", rows: 100_000 }, { scale: "b", rows: 200_000 }, { scale: "c", rows: 400_000 }], 1, NO_HISTORY);
  finishScale(eta, "a", 100, 2_000, 1);
  finishScale(eta, "b", 100, 3_000, 1);
  // mode: (100,000, 2,000) and (200,000, 3,000): 1,000 ms fixed + 0.01 ms per row (above the floor
  // 1,000 / 370,000), so c's mode unit 1,000 + 400,000 x 0.01 = 5,000 ms.
  // prepare: 100 ms at both sizes, slope 0, so the floor: 100 + 400,000 x 100 / 370,000 ms.
  const expected = 5_000 + 100 + (400_000 * 100) / 370_000;
  t.true(Math.abs(eta.remainingMs(0)! - expected) < 1e-6, String(eta.remainingMs(0)));
});

test("a scale's time outside its units (in-memory against streaming, logs) is priced as one more unit per scale", (t) => {
  const eta = new RunEta([{ scale: "small", rows: 37_000 }, { scale: "large", rows: 370_000 }], 2, NO_HISTORY);
  // small: prepare 1,100 + 2 x 1,100 + 330 ms outside its units. At 10x the rows each is priced
  // x 2 / 1.1 (the floor, as above): 2,000 + 2 x 2,000 + 600 = 6,600 ms.
  finishScale(eta, "small", 1_100, 1_100, 2, 330);
  t.true(Math.abs(eta.remainingMs(0)! - 6_600) < 1e-6, String(eta.remainingMs(0)));
});

test("the fit: two points give the line through them", (t) => {
  // (1,000 rows, 1,100 ms) and (11,000 rows, 2,100 ms): slope 1,000 ms / 10,000 rows = 0.1 ms per row,
  // intercept 1,100 - 1,000 x 0.1 = 1,000 ms.
  t.deepEqual(fitCost([{ rows: 1_000, ms: 1_100 }, { rows: 11_000, ms: 2_100 }]), { fixedMs: 1_000, msPerRow: 0.1 });
  t.is(fitCost([{ rows: 1_000, ms: 1_100 }]), null, "one size cannot separate fixed from per-row cost");
});

test("an earlier run's summary.json (its report.scales) gives a prepare unit per scale and a mode unit per measured run", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eta-"));
  try {
    const path = join(dir, "summary.json");
    // the layout report/summary-json.ts writes: the RunReport under "report"; a warm-up is no figure
    const scales = [{ inputRows: 7_440, generate: { seconds: 0.5 }, upload: { seconds: 0.25 }, runs: [{ phases: { total: 2 } }, { phases: { total: 3 } }, { warmup: true, phases: { total: 9 } }] }];
    writeFileSync(path, JSON.stringify({ format: "streambench-summary", report: { scales } }));
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

test("readCostHistory reads what the report writer writes: one unit per scale and per run", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eta-"));
  try {
    const path = join(dir, "summary.json");
    // one scale of 74,400 rows, 2 runs per mode (fixtures: generate 1 s + upload 0.5 s; each run's total = duration + 0.1 s)
    writeFileSync(path, summaryJson(report([scale("medium", 74_400, [2, 900], [3, 300], 2)])));
    const history = readCostHistory(path);
    t.deepEqual(history.prepare, [{ rows: 74_400, ms: 1_500 }]);
    t.deepEqual(history.mode.map((p) => Math.round(p.ms)).sort((a, b) => a - b), [2_100, 2_100, 3_100, 3_100]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


test("the ETA's history is the summary.json of the newest earlier run folders that have one, newest first", async (t) => {
  const { recentSummaryJsons } = await import("../../src/run/results-folder.ts");
  const out = mkdtempSync(join(tmpdir(), "eta-recent-"));
  try {
    const { mkdirSync } = await import("node:fs");
    // three folders by their timestamp names; the newest has no summary.json yet (a run under way)
    for (const name of ["streaming_comparison_20261201_100000", "streaming_comparison_20261202_100000", "streaming_comparison_20261203_100000"]) mkdirSync(join(out, name));
    writeFileSync(join(out, "streaming_comparison_20261201_100000", "summary.json"), "{}");
    writeFileSync(join(out, "streaming_comparison_20261202_100000", "summary.json"), "{}");
    t.deepEqual(recentSummaryJsons(out), [
      join(out, "streaming_comparison_20261202_100000", "summary.json"),
      join(out, "streaming_comparison_20261201_100000", "summary.json"),
    ]);
    t.is(recentSummaryJsons(out, 1).length, 1);
    t.deepEqual(recentSummaryJsons(join(out, "missing")), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
