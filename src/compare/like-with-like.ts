// Are two runs comparable? A difference in the DATA (rows per report type, profile, seed, the
// input brought) makes a scale's figures answer a different question: that scale is refused
// unless --force. A difference in the ENVIRONMENT (machine, runtime, polars and engine versions,
// limits, S3 and PostgreSQL kind, commit) is often the point of the comparison (Node against Deno,
// one polars against the next): it is named at the top and the figures are compared.
//
// Summaries of older versions lack some fields (limits came later): a field absent on both sides
// is no difference; absent on one side reads "not recorded".
import type { RunReport, ScaleResult } from "../records/run-report.ts";
import type { Difference } from "../records/baseline-comparison.ts";
import type { RecordedSettings } from "../records/run-settings.ts";
import { measuredRuns } from "../report/mode-summary.ts";
import { formatLimitBytes } from "../limits/limit-settings.ts";

const NOT_RECORDED = "not recorded";

function text(value: unknown): string {
  if (value === undefined || value === null) return NOT_RECORDED;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k} ${String(v)}`).join(", ");
  }
  return String(value);
}

function differences(pairs: [string, unknown, unknown][]): Difference[] {
  return pairs.map(([what, b, n]) => ({ what, base: text(b), new: text(n) })).filter((d) => d.base !== d.new);
}

/** "embedded s3rver" or "external <host>" from the settings' description of a service. */
export function serviceKind(description: string | undefined): string | undefined {
  if (typeof description !== "string") return undefined;
  if (/embedded/i.test(description)) return /pglite/i.test(description) ? "embedded PGlite" : /s3rver/i.test(description) ? "embedded s3rver" : "embedded";
  const host = /(?:\/\/|@)([^/\s:@]+(?::\d+)?)/.exec(description)?.[1];
  return host ? `external (${host})` : "external";
}

/**
 * What the children ran under, as the user set it: memory limit(s) or the machine guard (in whole
 * GiB: it is a share of the memory available at the start, which moves a little from run to run),
 * CPUs, preset, timeout and what held them. What each engine was told follows from these.
 */
export function limitsText(limits: RecordedSettings["limits"]): string | undefined {
  // read defensively: an older summary.json may lack any of these, or the whole record
  if (typeof limits !== "object" || limits === null) return undefined;
  const l = limits;
  const caps = Array.isArray(l.memoryLimitsBytes) && l.memoryLimitsBytes.length > 0 ? l.memoryLimitsBytes : typeof l.memoryLimitBytes === "number" ? [l.memoryLimitBytes] : [];
  const memory = caps.length > 0 ? `memory ${caps.map((b) => formatLimitBytes(Number(b))).join(", ")}` : typeof l.guardBytes === "number" ? `the guard (about ${Math.round(l.guardBytes / 1024 ** 3)} GiB)` : "no memory limit";
  const parts = [memory];
  if (typeof l.cpus === "number") parts.push(`${l.cpus} CPUs`);
  if (typeof l.preset === "string") parts.push(`preset ${l.preset}`);
  if (typeof l.timeoutSeconds === "number") parts.push(`timeout ${l.timeoutSeconds} s`);
  if (typeof l.enforcement === "string") parts.push(`held by ${l.enforcement}`);
  return parts.join(", ");
}

/** Where the two runs' environments differ (machine, runtime, versions, limits, services, commit). */
export function environmentDifferences(base: RunReport, next: RunReport): Difference[] {
  const e = (r: RunReport) => r.environment ?? ({} as Partial<RunReport["environment"]>);
  const v = (r: RunReport, name: string) => e(r).versions?.[name];
  const machine = (r: RunReport) => (e(r).cpu === undefined ? undefined : `${e(r).cpu}, ${e(r).cores} cores, ${e(r).ramGb} GB`);
  const s = (r: RunReport) => r.settings ?? {};
  return differences([
    ["machine", machine(base), machine(next)],
    ["runtime", e(base).runtime, e(next).runtime],
    ["nodejs-polars", v(base, "nodejs-polars"), v(next, "nodejs-polars")],
    ["DuckDB", v(base, "@duckdb/node-api"), v(next, "@duckdb/node-api")],
    ["PostgreSQL", v(base, "postgres"), v(next, "postgres")],
    ["limits", limitsText(s(base).limits), limitsText(s(next).limits)],
    ["S3", serviceKind(s(base).s3), serviceKind(s(next).s3)],
    ["PostgreSQL server", serviceKind(s(base).postgres), serviceKind(s(next).postgres)],
    ["OS", e(base).os, e(next).os],
    ["git commit", e(base).gitCommit, e(next).gitCommit],
  ]).concat(loadDifference(base, next));
}

/**
 * The machine's load at the start of each run, named when it differs by half the cores or more:
 * on a shared machine other work slows every figure, and this is often why two runs of the same
 * build differ. Not named when either side did not record it (older summaries).
 */
function loadDifference(base: RunReport, next: RunReport): Difference[] {
  const [b, n] = [base.environment?.loadAverage, next.environment?.loadAverage];
  if (typeof b !== "number" || typeof n !== "number") return [];
  const cores = Math.max(1, next.environment?.cores ?? 1);
  return Math.abs(b - n) >= cores / 2 ? [{ what: "load average at the start (1 min)", base: b.toFixed(1), new: n.toFixed(1) }] : [];
}

/** Pod usage rows, and the rows of every report type the runs read (medians are equal in a PASS run). */
function rowsOf(scale: ScaleResult): string {
  const first = measuredRuns(scale.runs).find((r) => r.status === "SUCCESS") ?? scale.runs[0];
  const byType = first?.inputRowsByType ? Object.entries(first.inputRowsByType).map(([k, n]) => `${k} ${n}`) : [];
  return [`pod usage ${scale.inputRows}`, ...byType].join(", ");
}

/**
 * Why a scale's figures cannot be compared: the data differs (empty when they can). Settings that
 * shape every scale (profile, seed, --input) count for each.
 */
export function dataDifferences(base: RunReport, next: RunReport, scale: string): Difference[] {
  const b = base.scales.find((s) => s.scale === scale);
  const n = next.scales.find((s) => s.scale === scale);
  const s = (r: RunReport) => r.settings ?? {};
  return differences([
    ["rows", b ? rowsOf(b) : undefined, n ? rowsOf(n) : undefined],
    ["profile", s(base).profile, s(next).profile],
    ["seed", s(base).seed, s(next).seed],
    ["input", s(base).input, s(next).input],
  ]);
}
