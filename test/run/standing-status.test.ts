import test from "ava";
import { standingStatus } from "../../src/run/benchmark.ts";
import { report, scale } from "../report/fixtures.ts";

test("after a rerun the run's verdict still counts every scale: a failed validation elsewhere keeps it FAIL", (t) => {
  const small = scale("small", 7_440, [1, 200], [2, 210]);
  const large = scale("large", 372_000, [1, 400], [2, 300]);
  t.is(standingStatus(report([small, large])), "PASS");
  large.runs[1].validation = "FAIL";
  t.is(standingStatus(report([small, large])), "FAIL");
});

test("modes that disagree make the standing verdict FAIL, a broken mode makes it ERROR", (t) => {
  const medium = scale("medium", 74_400, [1, 300], [2, 250]);
  medium.modesIdentical = { verdict: "FAIL", maxAbs: 1, maxRel: 1e-3 };
  t.is(standingStatus(report([medium])), "FAIL");
  const broken = scale("small", 7_440, [1, 200], [2, 210]);
  broken.runs[0].status = "FAILED";
  t.is(standingStatus(report([broken])), "ERROR");
});
