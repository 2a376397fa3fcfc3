import test from "ava";
import { fitCost, phaseRemainingMs, RunEta } from "../../src/run/eta.ts";

test("with one finished scale the ETA is proportional to rows", (t) => {
  const eta = new RunEta();
  eta.scaleFinished({ rows: 10_000, ms: 2_000 }); // 0.2 ms per row
  // 50,000 rows to go at 0.2 ms per row = 10,000 ms
  t.is(eta.remainingMs([50_000]), 10_000);
});

test("with two finished scales the ETA fits a fixed cost plus a cost per row", (t) => {
  // (1,000 rows, 1,100 ms) and (11,000 rows, 2,100 ms): slope 1,000 ms / 10,000 rows = 0.1 ms per row,
  // intercept 1,100 - 1,000 x 0.1 = 1,000 ms.
  const fit = fitCost([
    { rows: 1_000, ms: 1_100 },
    { rows: 11_000, ms: 2_100 },
  ]);
  t.deepEqual(fit, { fixedMs: 1_000, msPerRow: 0.1 });
});

test("before any scale finished the ETA comes from the previous run, or is unknown", (t) => {
  t.is(new RunEta().remainingMs([1_000]), null);
  const fromHistory = new RunEta([{ rows: 1_000, ms: 500 }]);
  t.is(fromHistory.remainingMs([4_000]), 2_000);
});

test("the current scale counts only its unfinished part", (t) => {
  const eta = new RunEta();
  eta.scaleFinished({ rows: 1_000, ms: 1_000 }); // 1 ms per row
  // current: 3,000 rows, 1,000 ms spent -> 2,000 ms left; plus 500 rows to go -> 500 ms
  t.is(eta.remainingMs([500], { rows: 3_000, elapsedMs: 1_000 }), 2_500);
});

test("a phase's remaining time scales its elapsed time by the work left", (t) => {
  // 25 of 100 done in 1 s: 75 left at 25 per second = 3 s
  t.is(phaseRemainingMs(25, 100, 1_000), 3_000);
  t.is(phaseRemainingMs(0, 100, 1_000), null);
});

test("during the first scale the ETA extrapolates its own pace to the scales to go", (t) => {
  const eta = new RunEta();
  // current: 1,000 rows, a quarter done after 500 ms -> 2,000 ms in all, 1,500 ms left;
  // 2,000 ms / 1,000 rows = 2 ms per row, so 3,000 rows to go take 6,000 ms more: 7,500 ms
  t.is(eta.remainingMs([3_000], { rows: 1_000, elapsedMs: 500, fractionDone: 0.25 }), 7_500);
});
