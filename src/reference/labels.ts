// Labels as Koku ingests and stores them. Plain TypeScript, no polars: part of the reference.
//
// nise writes labels as `label_k1:v1|label_k2:v2`. Koku's ingest (ocp_post_processor.py
// process_openshift_labels, spec C.1) turns that into a Python dict and stores json.dumps(dict).
// The daily summary filters each label set to the enabled keys and merges them with jsonb `||`
// (later object wins). The summary writes them as JSON; streambench's canonical form has sorted
// keys and compact separators.

import type { EnabledTagKeys } from "../contract/summary-schema.ts";
import { ALWAYS_ENABLED_TAG_KEYS } from "./koku-rules.ts";

/**
 * Parse a nise label string into an insertion-ordered map, exactly like Koku's
 * process_openshift_labels (spec C.1):
 * - split on `|`; an entry without `:` is skipped;
 * - an entry with more than one `:` is skipped (Python's `key, value = label.split(":")` raises);
 * - every occurrence of `label_` in the key is removed (`str.replace`), not just the prefix;
 * - empty values are kept (`label_a:` -> a = "");
 * - a later duplicate key overwrites the value but keeps the first position (Python dict, JS Map).
 * An empty string gives an empty map.
 */
export function parseNiseLabelsToMap(labels: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!labels) return out;
  for (const entry of labels.split("|")) {
    const colon = entry.indexOf(":");
    if (colon < 0) continue;
    if (entry.indexOf(":", colon + 1) >= 0) continue; // more than two parts: ValueError branch, skipped
    const key = entry.slice(0, colon).replaceAll("label_", "");
    out.set(key, entry.slice(colon + 1));
  }
  return out;
}

/** parseNiseLabelsToMap as a plain object (own properties only; a key "__proto__" stays a key). */
export function parseNiseLabels(labels: string): Record<string, string> {
  return Object.fromEntries(parseNiseLabelsToMap(labels));
}

/** Keep only enabled keys. null = every key enabled; otherwise the list plus vm_kubevirt_io_name. */
export function filterLabels(labels: Map<string, string>, enabled: EnabledTagKeys): Map<string, string> {
  if (enabled === null) return labels;
  const allowed = enabledKeySet(enabled);
  const out = new Map<string, string>();
  for (const [k, v] of labels) if (allowed.has(k)) out.set(k, v);
  return out;
}

/** The set of allowed keys for a non-null enabled-key list (the always-enabled keys included). */
export function enabledKeySet(enabled: readonly string[]): Set<string> {
  return new Set<string>([...ALWAYS_ENABLED_TAG_KEYS, ...enabled]);
}

/** Merge label maps left to right; on a duplicate key the later map wins (jsonb `||`, Trino map_concat). */
export function mergeLabels(...maps: ReadonlyArray<ReadonlyMap<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of maps) for (const [k, v] of m) out.set(k, v);
  return out;
}

/**
 * The JSON text Koku stores for a label set: Python's json.dumps(dict) with its defaults, i.e.
 * insertion order, separators ", " and ": ", ensure_ascii=True (every character outside
 * U+0020..U+007E escaped as lowercase \uXXXX, short escapes for \b \f \n \r \t). The node-role
 * query (spec C.3) runs a LIKE over exactly this text, so its formatting matters:
 * `{"node_role_kubernetes_io": "infra", "zone": "a"}`.
 */
export function pythonJsonDumps(labels: ReadonlyMap<string, string>): string {
  let s = "{";
  let first = true;
  for (const [k, v] of labels) {
    if (!first) s += ", ";
    first = false;
    s += pythonJsonString(k) + ": " + pythonJsonString(v);
  }
  return s + "}";
}

function pythonJsonString(value: string): string {
  // JSON.stringify already escapes `"`, `\`, control characters (short forms where Python uses
  // them, lowercase \u00xx otherwise) and lone surrogates; Python additionally escapes DEL and
  // every non-ASCII code unit (surrogate pairs as two \u escapes).
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
