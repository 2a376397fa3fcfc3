// The plan and the reference each keep their own copy of Koku's rule constants, so a wrong constant
// on one side fails validation. These tests make a change to one copy visible: both must match
// the values the spec gives (koku-daily-summary.md A.1 and A.2), written out here by hand.
import test from "ava";
import * as plan from "../../pipelines/koku-rules.ts";
import * as reference from "../../src/reference/koku-rules.ts";

test("the Platform namespace patterns are Koku's four defaults, the same on both sides", (t) => {
  const spec = ["openshift-%", "kube-%", "Platform unallocated", "openshift"];
  t.deepEqual([...reference.PLATFORM_NAMESPACE_PATTERNS], spec);
  t.deepEqual([...plan.PLATFORM_NAMESPACE_PATTERNS], spec);
});

test("the Platform cost category id is 1 on both sides", (t) => {
  t.is(reference.PLATFORM_COST_CATEGORY_ID, 1);
  t.is(plan.PLATFORM_COST_CATEGORY_ID, 1);
});

test("vm_kubevirt_io_name is the one always-enabled tag key on both sides", (t) => {
  t.deepEqual([...reference.ALWAYS_ENABLED_TAG_KEYS], ["vm_kubevirt_io_name"]);
  t.deepEqual([...plan.ALWAYS_ENABLED_TAG_KEYS], ["vm_kubevirt_io_name"]);
});

test("the two copies hold the same constants, and no more", (t) => {
  t.deepEqual(Object.keys(plan).sort(), Object.keys(reference).sort());
  for (const name of Object.keys(reference) as (keyof typeof reference)[]) t.deepEqual(plan[name], reference[name], name);
});
