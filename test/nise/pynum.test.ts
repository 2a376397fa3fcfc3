import test from "ava";
import { formatPyFloat, formatPyNum, pyFloat, pyInt, pyMin, pyMul } from "../../src/nise/pynum.ts";

test("integral floats keep .0 like Python repr", (t) => {
  t.is(formatPyFloat(5400), "5400.0"); // Python: repr(3600 * 1.5) == '5400.0'
  t.is(formatPyFloat(5368709120), "5368709120.0"); // 5 GiB as float
  t.is(formatPyFloat(0), "0.0");
});

test("floats use the shortest round-trip digits", (t) => {
  t.is(formatPyFloat(3600 * 0.53397), "1922.2919999999997"); // as in the random-defaults fixture
  t.is(formatPyFloat(0.1 + 0.2), "0.30000000000000004");
  t.is(formatPyFloat(-2.5), "-2.5");
});

test("floats switch to exponent form from 1e16 and below 1e-4, with a two-digit exponent", (t) => {
  t.is(formatPyFloat(1e16), "1e+16");
  t.is(formatPyFloat(123456789012345678), "1.2345678901234568e+17");
  t.is(formatPyFloat(9999999999999998), "9999999999999998.0"); // just below 1e16: positional
  t.is(formatPyFloat(0.0001), "0.0001"); // 1e-4 itself is positional
  t.is(formatPyFloat(0.00001), "1e-05");
  t.is(formatPyFloat(1.5e-7), "1.5e-07");
  t.is(formatPyFloat(1e300), "1e+300");
});

test("int times int stays an exact int, a float operand makes a float", (t) => {
  t.deepEqual(pyMul(pyInt(3600), pyInt(2)), pyInt(7200));
  t.is(formatPyNum(pyMul(pyInt(3600), pyInt(2))), "7200");
  t.is(formatPyNum(pyMul(pyInt(1800), pyFloat(0.5))), "900.0");
  t.is(formatPyNum(pyMul(pyInt(2), pyFloat(2.0))), "4.0");
});

test("int products beyond 2^53 print exact digits", (t) => {
  // 4000 GiB * 2^30 * 3600 = 4000 * 1073741824 * 3600 = 15461882265600000 (exact), above 2^53
  const bytes = pyMul(pyInt(4000), pyInt(2 ** 30));
  t.is(formatPyNum(pyMul(bytes, pyInt(3600))), "15461882265600000");
  // 3 * (2^53 + 1): 27021597764222979
  t.is(formatPyNum(pyMul(pyInt(3), pyInt(9007199254740993n))), "27021597764222979");
});

test("min keeps the first argument on ties, like Python", (t) => {
  t.is(pyMin(pyInt(16), pyFloat(16)).int, true); // min(16, 16.0) -> 16
  t.is(pyMin(pyFloat(16), pyInt(16)).int, false);
  t.is(pyMin(pyInt(4), pyFloat(2.5)).v, 2.5);
});
