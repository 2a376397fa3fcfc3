import test from "ava";
import { compareSummaries } from "../../src/validate/compare.ts";
import { formatValidationLog } from "../../src/validate/log.ts";
import { row, TOL } from "./helpers.ts";

const meta = { scale: "small", mode: "streaming", expectedLabel: "reference", actualLabel: "PostgreSQL", tolerance: TOL };

function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

test("a passing log ends with the line PASS and has no FAIL or ERROR line", (t) => {
  const log = formatValidationLog(compareSummaries([row()], [row()], TOL), meta);
  t.is(lines(log).at(-1), "PASS");
  t.false(/FAIL|ERROR/.test(log));
  t.true(log.includes("rows expected: 1"));
  t.true(log.includes("|actual - expected| <= 1e-9 (absolute) OR"));
});

test("a failing log ends with FAIL and every problem line starts with FAIL", (t) => {
  const r = compareSummaries(
    [row({ namespace: "gone" }), row({ pod_usage_cpu_core_hours: 100 })],
    [row({ namespace: "new" }), row({ pod_usage_cpu_core_hours: 101 })],
    TOL,
  );
  const log = formatValidationLog(r, meta);
  const ls = lines(log);
  t.is(ls.at(-1), "FAIL");
  const grepped = ls.filter((l) => /FAIL|ERROR/.test(l));
  t.true(grepped.some((l) => l.startsWith("FAIL") && l.includes("namespace=gone")), "missing row listed");
  t.true(grepped.some((l) => l.startsWith("FAIL") && l.includes("namespace=new")), "extra row listed");
  t.true(grepped.some((l) => l.startsWith("FAIL") && l.includes("expected=100 actual=101")), "worst row listed");
  // the metric's table row carries the FAIL verdict too
  t.true(grepped.some((l) => l.startsWith("pod_usage_cpu_core_hours") && l.endsWith("FAIL")));
});

test("an empty comparison logs a FAIL line saying nothing was compared", (t) => {
  const log = formatValidationLog(compareSummaries([], [], TOL), meta);
  t.true(log.includes("FAIL both sides are empty: nothing was compared"));
  t.is(lines(log).at(-1), "FAIL");
});
