// SQL LIKE as PostgreSQL evaluates it, and Koku's cost-category lookup built on it.

import { PLATFORM_COST_CATEGORY_ID, PLATFORM_NAMESPACE_PATTERNS } from "./koku-rules.ts";

const compiled = new Map<string, RegExp>();

/**
 * PostgreSQL `value LIKE pattern` (case-sensitive, default escape character backslash):
 * `%` matches any run of characters (also none), `_` exactly one character, `\x` the literal x;
 * every other pattern character matches itself (regex specials are escaped). The whole value must
 * match. A NULL value or pattern gives NULL in SQL, which never matches: false here.
 */
export function likeMatch(value: string | null, pattern: string | null): boolean {
  if (value === null || pattern === null) return false;
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = likeToRegExp(pattern);
    compiled.set(pattern, re);
  }
  return re.test(value);
}

function likeToRegExp(pattern: string): RegExp {
  let src = "^";
  const chars = Array.from(pattern); // code points: `_` matches one character, not one UTF-16 unit
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\") {
      // PostgreSQL: a trailing escape character is an error; treat it as a literal backslash.
      const next = i + 1 < chars.length ? chars[++i] : "\\";
      src += escapeRegExp(next);
    } else if (c === "%") src += "[\\s\\S]*";
    else if (c === "_") src += "[\\s\\S]";
    else src += escapeRegExp(c);
  }
  return new RegExp(src + "$", "u");
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? "\\" + c : c;
}

/**
 * Koku's cost category for a namespace: `max(cat_ns.cost_category_id)` over
 * `LEFT JOIN reporting_ocp_cost_category_namespace ON namespace LIKE pattern`. Every default
 * pattern belongs to the Platform category (id 1), so the result is 1 when any pattern matches and
 * NULL otherwise (a NULL namespace matches nothing).
 *
 * Quirk P2 (fan-out: a namespace matching several patterns joins several rows and multiplies the
 * sums) is NOT reproduced: the default patterns `openshift-%`, `kube-%`, `Platform unallocated` and
 * `openshift` cannot overlap (`openshift-%` needs the dash, so it does not match `openshift`;
 * none of them contains `_`), so no namespace matches two of them. Custom patterns are not supported.
 */
export function costCategoryId(
  namespace: string | null,
  patterns: readonly string[] = PLATFORM_NAMESPACE_PATTERNS,
): number | null {
  if (namespace === null) return null;
  for (const p of patterns) if (likeMatch(namespace, p)) return PLATFORM_COST_CATEGORY_ID;
  return null;
}
