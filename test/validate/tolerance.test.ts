import test from "ava";
import { parseTolerance } from "../../src/validate/tolerance.ts";
import { UsageError } from "../../src/errors.ts";

test("--tolerance accepts values in (0, 0.01]", (t) => {
  t.is(parseTolerance("0.01"), 0.01);
  t.is(parseTolerance("1e-6"), 1e-6);
  t.is(parseTolerance(" 0.005 "), 0.005);
});

test("--tolerance rejects 0, negatives, above 0.01 and non-numbers with a UsageError", (t) => {
  for (const bad of ["0", "-0.001", "0.0100001", "0.5", "abc", "", "NaN", "Infinity", "1%"]) {
    const e = t.throws(() => parseTolerance(bad), { instanceOf: UsageError });
    t.true(e!.message.includes("--tolerance"));
  }
});
