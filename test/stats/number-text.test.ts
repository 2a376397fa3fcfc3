import test from "ava";
import { compact, int } from "../../src/stats/number-text.ts";

test("compact: three significant digits with k, M or G (a sweep's size in the UI, an axis label)", (t) => {
  t.is(compact(7440), "7.44k"); // 7440 / 1000 = 7.44
  t.is(compact(2_352_528), "2.35M"); // 2,352,528 to 3 digits = 2,350,000 -> 2.35 M
  t.is(compact(14_880_000), "14.9M"); // 14,880,000 to 3 digits = 14,900,000 -> 14.9 M
  t.is(compact(1_500_000_000), "1.5G");
  t.is(compact(0.25), "0.25");
});

test("compact: a number is rounded before its unit is chosen, so 999,600 reads 1M, not 1000k", (t) => {
  // 999,600 to 3 significant digits is 1.00e6 = 1,000,000, which is 1 M.
  t.is(compact(999_600), "1M");
  // 999,400 to 3 significant digits is 999,000: still below a million, 999 k.
  t.is(compact(999_400), "999k");
});

test("int: a count with thousands separators, n/a when it is not a number", (t) => {
  t.is(int(1_234_567), "1,234,567");
  t.is(int(NaN), "n/a");
});
