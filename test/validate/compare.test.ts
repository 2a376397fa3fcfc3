import test from "ava";
import { compareSummaries, indexExpected, startComparison } from "../../src/validate/compare.ts";
import { SUMMARY_MEASURE_COLUMNS } from "../../src/contract/summary-schema.ts";
import { row, TOL } from "./helpers.ts";

const a = row({ namespace: "ns-a" });
const b = row({ namespace: "ns-b" });

test("identical sets pass with max difference 0 on every metric", (t) => {
  const r = compareSummaries([a, b], [row({ namespace: "ns-b" }), row({ namespace: "ns-a" })], TOL);
  t.is(r.verdict, "PASS");
  t.is(r.rows.matched, 2);
  t.is(r.maxAbsDiff, 0);
  t.is(r.maxRelDiff, 0);
  t.is(r.metrics.length, SUMMARY_MEASURE_COLUMNS.length);
  for (const m of r.metrics) {
    t.is(m.rowsCompared, 2);
    t.is(m.maxAbsDiff, 0);
    t.is(m.verdict, "PASS");
  }
});

test("a row in expected but not in actual is missing and fails", (t) => {
  const r = compareSummaries([a, b], [a], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.missing, 1);
  t.is(r.rows.extra, 0);
  t.is(r.samples.missing[0].namespace, "ns-b");
});

test("a row in actual but not in expected is extra and fails", (t) => {
  const r = compareSummaries([a], [a, b], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.extra, 1);
  t.is(r.rows.missing, 0);
  t.is(r.samples.extra[0].namespace, "ns-b");
});

test("a duplicate key on the actual side fails even when every key is present", (t) => {
  const r = compareSummaries([a, b], [a, b, row({ namespace: "ns-a" })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.duplicateActual, 1);
  t.is(r.rows.missing, 0);
  t.is(r.rows.extra, 0);
});

test("a duplicate key on the expected side fails", (t) => {
  const r = compareSummaries([a, a], [a, a], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.duplicateExpected, 1);
  t.is(r.rows.duplicateActual, 1);
});

test("relative rule: 1000 vs 1000.0000009 is inside 1e-9 (allowed 1e-6), 1000.0000011 is outside", (t) => {
  const e = [row({ pod_usage_cpu_core_hours: 1000 })];
  const inside = compareSummaries(e, [row({ pod_usage_cpu_core_hours: 1000.0000009 })], TOL);
  t.is(inside.verdict, "PASS");
  const outside = compareSummaries(e, [row({ pod_usage_cpu_core_hours: 1000.0000011 })], TOL);
  t.is(outside.verdict, "FAIL");
  const m = outside.metrics.find((x) => x.metric === "pod_usage_cpu_core_hours")!;
  t.is(m.outsideTolerance, 1);
  t.is(m.verdict, "FAIL");
  // |diff| = 1.1e-6, relative 1.1e-9 (float noise aside)
  t.true(Math.abs(m.maxAbsDiff - 1.1e-6) < 1e-12);
  t.true(Math.abs(m.maxRelDiff - 1.1e-9) < 1e-15);
  t.is(m.worst.length, 1);
  t.is(m.worst[0].expected, 1000);
  // the other metrics are untouched
  t.is(outside.metrics.filter((x) => x.verdict === "FAIL").length, 1);
});

test("absolute rule: expected 0 vs 5e-10 passes (|diff| <= 1e-9), vs 2e-9 fails", (t) => {
  const e = [row({ pod_limit_cpu_core_hours: 0 })];
  t.is(compareSummaries(e, [row({ pod_limit_cpu_core_hours: 5e-10 })], TOL).verdict, "PASS");
  const r = compareSummaries(e, [row({ pod_limit_cpu_core_hours: 2e-9 })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.metrics.find((x) => x.metric === "pod_limit_cpu_core_hours")!.maxRelDiff, Infinity);
});

test("numeric(33,15) rounding (1e-15 absolute) is within the default tolerance", (t) => {
  const r = compareSummaries([row({ node_capacity_cpu_cores: 1 / 3 })], [row({ node_capacity_cpu_cores: 0.333333333333333 })], TOL);
  t.is(r.verdict, "PASS");
  t.true(r.maxAbsDiff > 0);
});

test("NULL against 0 fails, NULL against NULL passes", (t) => {
  const nul = [row({ persistentvolumeclaim_capacity_gigabyte: null })];
  const r = compareSummaries(nul, [row({ persistentvolumeclaim_capacity_gigabyte: 0 })], TOL);
  t.is(r.verdict, "FAIL");
  const m = r.metrics.find((x) => x.metric === "persistentvolumeclaim_capacity_gigabyte")!;
  t.is(m.nullMismatches, 1);
  t.is(m.outsideTolerance, 1);
  t.is(m.worst[0].expected, null);
  t.is(m.worst[0].actual, 0);
  t.is(compareSummaries(nul, [row({ persistentvolumeclaim_capacity_gigabyte: null })], TOL).verdict, "PASS");
});

test("labels with a different key order are the same key and the same all_labels", (t) => {
  const e = [row({ pod_labels: '{"app":"web","team":"x"}', all_labels: '{"app":"web","team":"x"}' })];
  const act = [row({ pod_labels: '{"team":"x","app":"web"}', all_labels: '{"team": "x", "app": "web"}' })];
  const r = compareSummaries(e, act, TOL);
  t.is(r.verdict, "PASS");
  t.is(r.rows.matched, 1);
});

test("a different pod label value makes a different key: one missing, one extra", (t) => {
  const r = compareSummaries([row({ pod_labels: '{"app":"web"}' })], [row({ pod_labels: '{"app":"db"}' })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.missing, 1);
  t.is(r.rows.extra, 1);
});

test("a different all_labels value fails the text check", (t) => {
  const r = compareSummaries([row({ all_labels: '{"app":"web"}' })], [row({ all_labels: '{"app":"db"}' })], TOL);
  t.is(r.verdict, "FAIL");
  const tc = r.text.find((x) => x.column === "all_labels")!;
  t.is(tc.mismatches, 1);
  t.is(tc.samples[0].actual, '{"app":"db"}');
});

test("a different cost_category_id fails, NULL against 1 too", (t) => {
  const r = compareSummaries([row({ cost_category_id: null })], [row({ cost_category_id: 1 })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.text.find((x) => x.column === "cost_category_id")!.mismatches, 1);
});

test("worst rows are the top 5 by relative difference, largest first", (t) => {
  // expected 100 in each of 7 rows; actual 100 + k  -> relative k/100, k = 1..7
  const e = [1, 2, 3, 4, 5, 6, 7].map((k) => row({ namespace: `ns-${k}`, pod_usage_cpu_core_hours: 100 }));
  const act = [1, 2, 3, 4, 5, 6, 7].map((k) => row({ namespace: `ns-${k}`, pod_usage_cpu_core_hours: 100 + k }));
  const m = compareSummaries(e, act, TOL).metrics.find((x) => x.metric === "pod_usage_cpu_core_hours")!;
  t.is(m.outsideTolerance, 7);
  t.deepEqual(m.worst.map((w) => w.key.namespace), ["ns-7", "ns-6", "ns-5", "ns-4", "ns-3"]);
  t.is(m.maxAbsDiff, 7);
  t.is(m.maxRelDiff, 0.07);
});

test("in-memory against streaming is the same comparison, in-memory as the expected side", (t) => {
  t.is(compareSummaries([a, b], [b, a], TOL).verdict, "PASS");
  const r = compareSummaries([a], [row({ namespace: "ns-a", pod_usage_cpu_core_hours: 2 })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.maxAbsDiff, 1);
});

test("two empty summaries fail (nothing compared) unless allowEmpty is set", (t) => {
  const r = compareSummaries([], [], TOL);
  t.is(r.verdict, "FAIL");
  t.true(r.empty);
  t.is(compareSummaries([], [], { ...TOL, allowEmpty: true }).verdict, "PASS");
});

test("an infinite expected value matches only the same infinity, never a finite actual", (t) => {
  const expected = [row({ pod_usage_cpu_core_hours: Infinity })];
  t.is(compareSummaries(expected, [row({ pod_usage_cpu_core_hours: 5 })], TOL).verdict, "FAIL");
  t.is(compareSummaries(expected, [row({ pod_usage_cpu_core_hours: Infinity })], TOL).verdict, "PASS");
});

test("all_labels read back as NULL does not match the reference's {}", (t) => {
  const actual = row({});
  (actual as { all_labels: string | null }).all_labels = null;
  t.is(compareSummaries([row({})], [actual], TOL).verdict, "FAIL");
});

test("the same text in a different key column is a different row, and NULL differs from an empty string", (t) => {
  const e = [row({ namespace: "x", node: null }), row({ namespace: "", node: "y" })];
  const r = compareSummaries(e, [row({ namespace: null, node: "x" }), row({ namespace: null, node: "y" })], TOL);
  t.is(r.verdict, "FAIL");
  t.is(r.rows.missing, 2);
  t.is(r.rows.extra, 2);
});

test("rows stay distinct past 65,536 distinct values in a key column", (t) => {
  // 70,000 resource ids: the 65,537th value must not be taken for the 1st.
  const e = Array.from({ length: 70_000 }, (_, i) => row({ resource_id: `i-${i}` }));
  const same = compareSummaries(e, [...e].reverse(), TOL);
  t.is(same.verdict, "PASS");
  t.is(same.rows.matched, 70_000);
  const shifted = compareSummaries(e, e.map((_, i) => row({ resource_id: `i-${i + 1}` })), TOL);
  t.is(shifted.rows.missing, 1);
  t.is(shifted.samples.missing[0].resource_id, "i-0");
  t.is(shifted.rows.extra, 1);
  t.is(shifted.samples.extra[0].resource_id, "i-70000");
});

test("rows fed one at a time, in any order, give the same result as the whole comparison, ties in the worst rows included", (t) => {
  // equal differences everywhere: the worst rows and text samples are ranked by the expected side's order
  const e = [1, 2, 3, 4, 5, 6, 7].map((k) => row({ namespace: `ns-${k}`, pod_usage_cpu_core_hours: 100, all_labels: "{}" }));
  const act = [1, 2, 3, 4, 5, 6, 7].map((k) => row({ namespace: `ns-${k}`, pod_usage_cpu_core_hours: 101, all_labels: `{"k":"${k}"}` }));
  act.push(row({ namespace: "ns-extra" }));
  const whole = compareSummaries(e, act, TOL);
  const m = whole.metrics.find((x) => x.metric === "pod_usage_cpu_core_hours")!;
  t.deepEqual(m.worst.map((w) => w.key.namespace), ["ns-1", "ns-2", "ns-3", "ns-4", "ns-5"]);
  t.is(whole.rows.extra, 1);
  const reversed = startComparison(indexExpected(e), TOL);
  for (const r of [...act].reverse()) reversed.add(r);
  const fed = reversed.finish();
  t.is(fed.verdict, "FAIL");
  t.deepEqual(fed.rows, whole.rows);
  t.deepEqual(fed.metrics, whole.metrics);
  t.deepEqual(fed.text, whole.text);
  t.deepEqual(fed.samples.extra, whole.samples.extra);
});

test("one indexed reference serves many comparisons, each judged on its own rows", (t) => {
  const expected = indexExpected([a, b]);
  const first = startComparison(expected, TOL);
  first.add(row({ namespace: "ns-a", pod_usage_cpu_core_hours: 5 }));
  first.add(b);
  const second = startComparison(expected, TOL);
  second.add(b);
  second.add(a);
  t.is(first.finish().verdict, "FAIL");
  const r = second.finish();
  t.is(r.verdict, "PASS");
  t.is(r.rows.matched, 2);
  t.is(r.rows.actual, 2);
});
