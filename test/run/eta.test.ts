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

test("one small finished scale and the current one's projection separate fixed cost from cost per row", (t) => {
  const eta = new RunEta();
  eta.scaleFinished({ rows: 7_440, ms: 15_000 });
  // current: 74,400 rows, half done after 8 s -> projected 16,000 ms.
  // Fit through (7,440, 15,000) and (74,400, 16,000): slope 1,000 / 66,960 ms per row,
  // fixed 15,000 - 7,440 x 1,000 / 66,960 = 14,888.89 ms. Large, 372,000 rows:
  // 14,888.89 + 372,000 x 1,000 / 66,960 = 20,444.44 ms; plus 8,000 ms left of the current scale.
  const remaining = eta.remainingMs([372_000], { rows: 74_400, elapsedMs: 8_000, fractionDone: 0.5 })!;
  t.true(Math.abs(remaining - 28_444.44) < 0.1, String(remaining));
  // proportional to rows alone it would have said 372,000 x 15,000 / 7,440 = 750,000 ms
});
