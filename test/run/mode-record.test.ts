// The record of a mode run: its memory curve, thinned for summary.json without losing the peak.
import test from "ava";
import { thinSamples } from "../../src/run/mode-record.ts";

const at = (tMs: number, mb: number) => ({ tMs, rssBytes: mb * 1024 * 1024, rssAnonBytes: 0 });

test("thinning a memory curve keeps at most the asked points and the highest sample of each bucket", (t) => {
  // 10 samples into at most 4 points: buckets of ceil(10 / 4) = 3 -> [0..2] [3..5] [6..8] [9]
  const samples = [1, 5, 2, 3, 9, 4, 6, 6, 7, 8].map((mb, i) => at(i * 15, mb));
  const thin = thinSamples(samples, 4);
  t.deepEqual(thin.map((s) => s.rssBytes / (1024 * 1024)), [5, 9, 7, 8]);
  t.deepEqual(thin.map((s) => s.tMs), [15, 60, 120, 135], "each kept point keeps its own time");
});

test("a curve within the limit is kept whole", (t) => {
  const samples = [1, 2, 3].map((mb, i) => at(i, mb));
  t.deepEqual(thinSamples(samples, 3), samples);
});
