// The validation log: one readable text per (scale, mode) comparison. Every line that reports a
// problem starts with "FAIL", so `grep -E "FAIL|ERROR"` finds them all; the last line is exactly
// PASS or FAIL.
import type { RowKey, ValidationResult } from "./compare.ts";
import type { ToleranceOptions } from "./tolerance.ts";
import { toleranceRule } from "./compare.ts";

export interface ValidationLogMeta {
  scale: string;
  mode: string;
  /** e.g. "reference (src/reference, from the raw nise rows)". */
  expectedLabel: string;
  /** e.g. "PostgreSQL readback". */
  actualLabel: string;
  tolerance: ToleranceOptions;
}

/** A difference for a log or table: 0, inf, or at most 4 significant digits (exponent form below 1e-3). */
export function formatDiff(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : "inf";
  if (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

function formatValue(v: string | number | null): string {
  if (v === null) return "NULL";
  if (typeof v === "number") return String(v);
  return JSON.stringify(v);
}

function formatKey(key: RowKey): string {
  return Object.entries(key)
    .filter(([, v]) => v !== null && v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

export function formatValidationLog(result: ValidationResult, meta: ValidationLogMeta): string {
  const out: string[] = [];
  const r = result.rows;
  out.push("streambench validation");
  out.push(`scale: ${meta.scale}`);
  out.push(`mode: ${meta.mode}`);
  out.push(`expected: ${meta.expectedLabel}`);
  out.push(`actual: ${meta.actualLabel}`);
  out.push(`rule: ${toleranceRule(meta.tolerance)}`);
  out.push("keys: rows matched on usage_start, data_source, namespace, node, resource_id, persistentvolumeclaim,");
  out.push("      persistentvolume, storageclass, pod_labels, volume_labels (labels compared as parsed maps)");
  out.push("");
  out.push(`rows expected: ${r.expected}`);
  out.push(`rows actual: ${r.actual}`);
  out.push(`rows matched: ${r.matched}`);
  out.push(`rows missing (expected, not actual): ${r.missing}`);
  out.push(`rows extra (actual, not expected): ${r.extra}`);
  out.push(`duplicate keys: expected ${r.duplicateExpected}, actual ${r.duplicateActual}`);
  if (result.empty) {
    out.push(result.verdict === "PASS" ? "both sides are empty (allowed)" : "FAIL both sides are empty: nothing was compared");
  }
  if (r.expected !== r.actual) out.push(`FAIL row count: expected ${r.expected}, actual ${r.actual}`);
  const keyLines = (label: string, count: number, keys: RowKey[]) => {
    if (count === 0) return;
    out.push(`FAIL ${count} ${label}${count > keys.length ? ` (first ${keys.length} shown)` : ""}:`);
    for (const k of keys) out.push(`FAIL   ${formatKey(k)}`);
  };
  keyLines("rows missing from actual", r.missing, result.samples.missing);
  keyLines("extra rows in actual", r.extra, result.samples.extra);
  keyLines("duplicate keys in expected", r.duplicateExpected, result.samples.duplicateExpected);
  keyLines("duplicate keys in actual", r.duplicateActual, result.samples.duplicateActual);

  out.push("");
  out.push("measures:");
  out.push(
    ...table(
      ["metric", "rows compared", "max abs diff", "max rel diff", "outside tolerance", "verdict"],
      result.metrics.map((m) => [
        m.metric,
        String(m.rowsCompared),
        formatDiff(m.maxAbsDiff),
        formatDiff(m.maxRelDiff),
        String(m.outsideTolerance),
        m.verdict,
      ]),
    ),
  );
  out.push("");
  out.push("text columns (exact):");
  out.push(
    ...table(
      ["column", "rows compared", "mismatches", "verdict"],
      result.text.map((t) => [t.column, String(t.rowsCompared), String(t.mismatches), t.verdict]),
    ),
  );

  for (const m of result.metrics) {
    if (m.verdict === "PASS") continue;
    out.push("");
    const nulls = m.nullMismatches > 0 ? `, ${m.nullMismatches} of them NULL against a number` : "";
    out.push(`FAIL ${m.metric}: ${m.outsideTolerance} rows outside tolerance${nulls}; worst by relative difference:`);
    for (const w of m.worst) {
      out.push(
        `FAIL   ${formatKey(w.key)}: expected=${formatValue(w.expected)} actual=${formatValue(w.actual)} ` +
          `abs=${formatDiff(w.absDiff)} rel=${formatDiff(w.relDiff)}`,
      );
    }
  }
  for (const t of result.text) {
    if (t.verdict === "PASS") continue;
    out.push("");
    out.push(`FAIL ${t.column}: ${t.mismatches} rows differ; first ones:`);
    for (const s of t.samples) {
      out.push(`FAIL   ${formatKey(s.key)}: expected=${formatValue(s.expected)} actual=${formatValue(s.actual)}`);
    }
  }

  out.push("");
  out.push(`max abs diff over all measures: ${formatDiff(result.maxAbsDiff)}`);
  out.push(`max rel diff over all measures: ${formatDiff(result.maxRelDiff)}`);
  out.push(result.verdict);
  return out.join("\n") + "\n";
}
