// COMPARISON_REPORT.md's "Within limits" section: which mode finishes inside the limits and up to what
// size (the capacity frontier, in pod rows and in pods for a month), what held the children and what
// each engine was told; and the one line on the guard when no limit was given.
import type { RunLimits, RunReport } from "../records/run-report.ts";
import { capacityFrontier, FRONTIER_FACTOR, limitCells, type FrontierEntry } from "./limits-frontier.ts";
import { formatLimitBytes, GUARD_SHARE } from "../limits/limit-settings.ts";
import { SCALE_HOURS } from "../scales.ts";
import { int } from "../stats/number-text.ts";

export const OUTCOME_CHART = "limits_outcome.svg";


/** "14,880,000 rows (20,000 pods for a month)". */
function sizeText(rows: number | null, none: string): string {
  return rows === null ? none : `${int(rows)} rows (${int(rows / SCALE_HOURS)} pods for a month)`;
}

function limitTitle(bytes: number | null, cpus: number | null): string {
  return `${bytes === null ? "no memory limit (the guard)" : formatLimitBytes(bytes)}${cpus !== null ? `, ${cpus} CPU` : ""}`;
}

/** The limits of the first run that had them (every run of a limit shares them). */
function firstLimits(report: RunReport, bytes: number | null): RunLimits | undefined {
  return report.scales.flatMap((s) => s.runs).find((r) => r.limits && r.limits.memoryLimitBytes === bytes)?.limits;
}

function frontierLine(entry: FrontierEntry): string {
  const pass = sizeText(entry.maxPassRows, "none of the sizes measured");
  const oom = sizeText(entry.minOomRows, "none in range");
  const within = entry.maxPassRows !== null && entry.minOomRows !== null && entry.minOomRows > entry.maxPassRows ? ` (a factor ${(entry.minOomRows / entry.maxPassRows).toFixed(2)} apart)` : "";
  return `| ${entry.mode} | ${pass} | ${oom}${within} |`;
}

/** True when the user set a limit, or a limit (the guard too) ended a child: the section then opens the report. */
export function hasLimitSection(report: RunReport): boolean {
  return limitCells(report).some((c) => c.memoryLimitBytes !== null || c.cpus !== null || c.outcome === "OOM" || c.outcome === "TIMEOUT");
}

/** The "Within limits" section (empty when no limit was set and none ended a child). */
export function limitsSection(report: RunReport): string[] {
  if (!hasLimitSection(report)) return [];
  const o: string[] = ["## Within limits", ""];
  const frontier = capacityFrontier(report);
  const limits = [...new Map(frontier.map((f) => [`${f.memoryLimitBytes}|${f.cpus}`, f])).values()];
  for (const { memoryLimitBytes, cpus } of limits) {
    const info = firstLimits(report, memoryLimitBytes);
    o.push(`### ${limitTitle(memoryLimitBytes, cpus)}${info?.preset ? ` (preset ${info.preset})` : ""}`, "");
    if (info) {
      const cap = info.capSource === "guard" ? `the guard, ${formatLimitBytes(info.capBytes)} (${GUARD_SHARE * 100}% of the memory available at the start)` : formatLimitBytes(info.capBytes);
      o.push(`- Held by: **${info.enforcement}** at ${cap}${info.timeoutSeconds !== null ? `; timeout ${info.timeoutSeconds} s per run` : ""}.`);
    }
    for (const mode of [...new Set(frontier.filter((f) => f.memoryLimitBytes === memoryLimitBytes && f.cpus === cpus).map((f) => f.mode))]) {
      const told = report.scales.flatMap((s) => s.runs).find((r) => r.mode === mode && r.limits?.memoryLimitBytes === memoryLimitBytes)?.limits?.told;
      if (told) o.push(`- ${mode} was told: ${told}.`);
    }
    o.push("", "| Mode | Largest size that PASSed | Smallest size OOM-killed |", "|---|---|---|");
    for (const entry of frontier.filter((f) => f.memoryLimitBytes === memoryLimitBytes && f.cpus === cpus)) o.push(frontierLine(entry));
    o.push("");
  }
  o.push(...outcomeTable(report));
  o.push(
    "",
    `An OOM is the kernel's kill at the cap (in a control group of the child's own) or the watchdog's at the first RSS sample over it; its figures are the peak it reached and the time until the kill. A sweep measures extra sizes until each mode's PASS and OOM sizes are within ${FRONTIER_FACTOR}x. In a control group the cap counts the child's anonymous memory and the page cache it charged, not the shared libraries already in memory; the watchdog counts its whole RSS.`,
    "",
    `![outcome by size and mode](${OUTCOME_CHART})`,
    "",
  );
  return o;
}

/** Every size and mode under each limit: the outcome and the peak it reached. */
function outcomeTable(report: RunReport): string[] {
  const cells = limitCells(report);
  const modes = [...new Set(cells.map((c) => c.mode))];
  const out = [`| Size | Limit | ${modes.join(" | ")} |`, `|---|---|${modes.map(() => "---").join("|")}|`];
  // smallest first (a sweep's refinement sizes ran after the ladder)
  for (const scale of [...new Set([...cells].sort((a, b) => a.rows - b.rows).map((c) => c.scale))]) {
    const row = cells.filter((c) => c.scale === scale);
    const text = modes.map((m) => {
      const c = row.find((x) => x.mode === m);
      return c ? `${c.outcome === "OOM" ? "**OOM**" : c.outcome} (peak ${int(c.peakMemoryMb)} MB)` : "—";
    });
    out.push(`| ${scale} (${int(row[0].rows)} rows) | ${limitTitle(row[0].memoryLimitBytes, row[0].cpus)} | ${text.join(" | ")} |`);
  }
  return out;
}

/** One header line on the limits when no section is shown: the guard the children ran under. */
export function guardLine(report: RunReport): string | null {
  if (hasLimitSection(report)) return null;
  const info = report.scales.flatMap((s) => s.runs).find((r) => r.limits)?.limits;
  if (!info) return null;
  return `- Limits: none given; every engine child ran under the guard, ${formatLimitBytes(info.capBytes)} (${GUARD_SHARE * 100}% of the memory available at the start), held by ${info.enforcement}: a scale too big for the machine ends as OOM instead of swapping.`;
}

/** "in-memory OOM at production-large under 750 MiB": every (scale, mode) its limits ended, for the headline; null: none. */
export function killedText(report: RunReport): string | null {
  const killed = limitCells(report).filter((c) => c.outcome === "OOM" || c.outcome === "TIMEOUT");
  if (killed.length === 0) return null;
  return killed.map((c) => `${c.mode} ${c.outcome} at ${c.scale} under ${c.memoryLimitBytes === null ? "the guard" : limitTitle(c.memoryLimitBytes, c.cpus)}`).join(", ");
}
