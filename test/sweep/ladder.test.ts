import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { ladderScale, scaleInfo, scaleManifest, SCALES, sweepLadder } from "../../src/scales.ts";

const pods = (options: Parameters<typeof sweepLadder>[0] = {}) => sweepLadder(options).map((s) => s.pods);

test("the default ladder runs from 10 to 20,000 pods in steps of sqrt(10), 7,440 to 14,880,000 pod rows", (t) => {
  // round(10 · 10^(k/2)): 10, 31.6 -> 32, 100, 316.2 -> 316, 1000, 3162.3 -> 3162, 10000; 31623 is past
  // 20,000, which ends the ladder
  t.deepEqual(pods(), [10, 32, 100, 316, 1000, 3162, 10000, 20000]);
  const ladder = sweepLadder();
  // rows = pods x 744 (the hours of October 2025)
  t.deepEqual(
    ladder.map((s) => s.podRows),
    [7_440, 23_808, 74_400, 235_104, 744_000, 2_352_528, 7_440_000, 14_880_000],
  );
  t.deepEqual(
    ladder.map((s) => s.name),
    ["pods-10", "pods-32", "pods-100", "pods-316", "pods-1000", "pods-3162", "pods-10000", "pods-20000"],
  );
});

test("--max-rows caps the ladder at the largest pod count within it", (t) => {
  // 3,720,000 / 744 = 5,000 pods exactly (production-small)
  t.deepEqual(pods({ maxRows: 3_720_000 }), [10, 32, 100, 316, 1000, 3162, 5000]);
  // 1,000,000 / 744 = 1,344.1 -> 1,344 pods; 1,000 stays (1,000 · 10^(1/8) = 1,333.5 is below 1,344)
  t.deepEqual(pods({ maxRows: 1_000_000 }), [10, 32, 100, 316, 1000, 1344]);
  // 80,000 / 744 = 107.5 -> 107 pods; 100 is within a quarter step of it (100 · 1.334 = 133 > 107), so left out
  t.deepEqual(pods({ maxRows: 80_000 }), [10, 32, 107]);
  // exactly one size
  t.deepEqual(pods({ maxRows: 7_440 }), [10]);
});

test("--min-rows starts the ladder at the smallest pod count with at least that many rows, on the same grid", (t) => {
  // 100,000 / 744 = 134.4 -> 135 pods, then the grid's 316, 1000, 3162, 10000 and the end 20000
  t.deepEqual(pods({ minRows: 100_000 }), [135, 316, 1000, 3162, 10000, 20000]);
  t.deepEqual(pods({ minRows: 100_000, maxRows: 1_000_000 }), [135, 316, 1000, 1344]);
});

test("--steps refines the ladder: 4 points per decade are steps of 10^(1/4) = 1.78", (t) => {
  // round(10 · 10^(k/4)): 17.8 -> 18, 56.2 -> 56, 177.8 -> 178, 562.3 -> 562, 1778.3 -> 1778, 5623.4 -> 5623;
  // 17,783 is within 10^(1/16) = 1.155 of 20,000 (17,783 · 1.155 = 20,540 > 20,000), so left out
  t.deepEqual(pods({ steps: 4 }), [10, 18, 32, 56, 100, 178, 316, 562, 1000, 1778, 3162, 5623, 10000, 20000]);
  t.deepEqual(pods({ steps: 1, maxRows: 744_000 }), [10, 100, 1000]);
});

test("a ladder point at a named scale's pod count has that scale's shape", (t) => {
  for (const named of SCALES) {
    const point = ladderScale(named.pods);
    t.deepEqual([point.namespaces, point.nodes], [named.namespaces, named.nodes], named.name);
  }
});

test("between named scales namespaces and nodes grow geometrically with the pods", (t) => {
  // 3,162 pods lies between xxlarge (2,500 pods, 20 namespaces, 30 nodes) and production-small (5,000, 25, 40):
  // t = ln(3162/2500) / ln(2) = 0.23490 / 0.69315 = 0.33889;
  // namespaces 20 · 1.25^0.33889 = 21.57 -> 22; nodes 30 · (4/3)^0.33889 = 33.07 -> 33
  const point = ladderScale(3162);
  t.deepEqual([point.namespaces, point.nodes, point.podRows], [22, 33, 3162 * 744]);
  // 32 pods between small (10, 2, 2) and medium (100, 5, 5): t = ln(3.2)/ln(10) = 0.50515; 2 · 2.5^0.50515 = 3.18 -> 3
  t.deepEqual([ladderScale(32).namespaces, ladderScale(32).nodes], [3, 3]);
});

test("a ladder point is a scale the generator knows by name: pods-N has N pods on its nodes", (t) => {
  t.is(scaleInfo("pods-3162").nodes, 33);
  const manifest = scaleManifest("pods-3162", 1);
  const all = manifest.generators.flatMap((g) => g.nodes.flatMap((n) => n.namespaces.flatMap((ns) => ns.pods)));
  t.is(all.length, 3162);
  t.is(manifest.generators.length, 33);
  t.throws(() => scaleInfo("pods-5"), { instanceOf: UsageError, message: /pods-N \(N from 10 to 100000/ });
});

test("sizes outside 7,440 .. 74,400,000 rows (production-xxlarge, 100,000 pods x 744 hours) and an empty range are usage errors that say why", (t) => {
  t.throws(() => sweepLadder({ maxRows: 80_000_000 }), { instanceOf: UsageError, message: /--max-rows must be at most 74,400,000 \(100000 pods, production-xxlarge\)/ });
  t.throws(() => sweepLadder({ maxRows: 5_000 }), { instanceOf: UsageError, message: /--max-rows must be at least 7,440/ });
  t.throws(() => sweepLadder({ minRows: 1_000 }), { instanceOf: UsageError, message: /--min-rows must be at least 7,440/ });
  t.throws(() => sweepLadder({ minRows: 100_000, maxRows: 90_000 }), { instanceOf: UsageError, message: /below --min-rows/ });
  t.throws(() => sweepLadder({ steps: 0 }), { instanceOf: UsageError, message: /--steps/ });
});
