// The reference's own copy of the constants of Koku's rules. The plan keeps its copy beside the
// plan (pipelines/koku-rules.ts): were both to take one shared copy, a wrong constant would pass
// validation on both sides. test/reference/koku-rules.test.ts checks that the two agree, so a
// change to one is seen.

/** Namespaces Koku puts in the "Platform" cost category, as SQL LIKE patterns: the default rows of
 * reporting_ocp_cost_category_namespace (spec koku-daily-summary.md A.1, migration 0315 line 6). */
export const PLATFORM_NAMESPACE_PATTERNS = ["openshift-%", "kube-%", "Platform unallocated", "openshift"] as const;
/** The Platform cost category's id (the same migration). */
export const PLATFORM_COST_CATEGORY_ID = 1;

/** Label keys that are always enabled, whatever the enabled-key list says (A.2, cte_pg_enabled_keys). */
export const ALWAYS_ENABLED_TAG_KEYS = ["vm_kubevirt_io_name"] as const;
