// SQL LIKE and the cost category.
import test from "ava";
import { costCategoryId, likeMatch } from "../../src/reference/index.ts";
import { P, one, podRows, summarize } from "./helpers.ts";

test("likeMatch: % is any run (also empty), the whole value must match", (t) => {
  t.true(likeMatch("openshift-monitoring", "openshift-%"));
  t.true(likeMatch("openshift-", "openshift-%"));
  t.false(likeMatch("openshift", "openshift-%"));
  t.false(likeMatch("my-openshift-x", "openshift-%"));
  t.true(likeMatch("abc", "%"));
  t.true(likeMatch("", "%"));
  t.true(likeMatch("a-b-c", "a%c"));
});

test("likeMatch: _ in the pattern is exactly one character; _ in the value is just a character", (t) => {
  // pattern kube-% needs a literal '-': the value's '_' is not a wildcard
  t.false(likeMatch("kube_x", "kube-%"));
  // pattern kube_x: '_' matches any one character, so '-' and 'A' match, nothing or two do not
  t.true(likeMatch("kube-x", "kube_x"));
  t.true(likeMatch("kubeAx", "kube_x"));
  t.false(likeMatch("kubex", "kube_x"));
  t.false(likeMatch("kube--x", "kube_x"));
  t.true(likeMatch("kube_x", "kube_x"));
  t.true(likeMatch("é", "_")); // one character, even outside ASCII
});

test("likeMatch: regex specials in the pattern are literal; backslash escapes % and _", (t) => {
  t.true(likeMatch("a.c", "a.c"));
  t.false(likeMatch("abc", "a.c"));
  t.true(likeMatch("a+b(c)[d]{e}$^|/?*", "a+b(c)[d]{e}$^|/?*"));
  t.false(likeMatch("aab", "a+b"));
  t.true(likeMatch("50%", "50\\%"));
  t.false(likeMatch("500", "50\\%"));
  t.true(likeMatch("a_b", "a\\_b"));
  t.false(likeMatch("axb", "a\\_b"));
  t.false(likeMatch(null, "%"));
});

test("likeMatch: case-sensitive", (t) => {
  t.false(likeMatch("OpenShift-x", "openshift-%"));
  t.false(likeMatch("platform unallocated", "Platform unallocated"));
});

test("costCategoryId: default patterns openshift-%, kube-%, Platform unallocated, openshift", (t) => {
  t.is(costCategoryId("openshift-kube-apiserver"), 1);
  t.is(costCategoryId("kube-system"), 1);
  t.is(costCategoryId("Platform unallocated"), 1);
  t.is(costCategoryId("openshift"), 1);
  t.is(costCategoryId("Worker unallocated"), null);
  t.is(costCategoryId("openshiftx"), null);
  t.is(costCategoryId("openshift_x"), null); // '_' in a value is not '-'
  t.is(costCategoryId("kube"), null);
  t.is(costCategoryId("payments"), null);
  t.is(costCategoryId(null), null);
});

test("Pod rows carry the cost category of their namespace; the default patterns never double-count", (t) => {
  const rows = summarize([P({ namespace: "kube-system" }), P({ namespace: "payments", pod: "q" })]);
  const k = one(t, podRows(rows), (r) => r.namespace === "kube-system", "kube-system");
  t.is(k.cost_category_id, 1);
  t.is(k.pod_usage_cpu_core_hours, 1); // 1 core for 1 hour, not multiplied by a second match
  t.is(one(t, podRows(rows), (r) => r.namespace === "payments", "payments").cost_category_id, null);
});
