// The "which engine wins" part of COMPARISON_REPORT.md and summary.json, over every mode that ran
// (the polars modes and the SQL engines users would pick instead: DuckDB, PostgreSQL). Per scale:
// the fastest and the leanest engine by median, as simple ratios against the runner-up, and for
// the SQL engines what their memory figure measured and how their time splits. A ratio within the
// comparable band names no winner.
import type { Mode, RunReport, ScaleResult } from "./model.ts";
import { COMPARABLE_BAND } from "./analysis.ts";
import { modeSummary, modesOf, validated, type ModeSummary } from "./stats.ts";
import { int, mb, secs, times } from "./numbers.ts";

export interface EngineRanking {
  scale: string;
  inputRows: number;
  /** Validated modes, fastest first (median duration). */
  byTime: { mode: Mode; seconds: number }[];
  /** Validated modes, leanest first (median peak memory). */
  byMemory: { mode: Mode; mb: number }[];
}

export function rankEngines(report: RunReport): EngineRanking[] {
  const out: EngineRanking[] = [];
  for (const s of report.scales) {
    const ms = modesOf(report)
      .map((mode) => modeSummary(s, mode))
      .filter((m): m is ModeSummary => m !== undefined && validated(m));
    if (ms.length < 2) continue;
    out.push({
      scale: s.scale,
      inputRows: ms[0].inputRows,
      byTime: ms.map((m) => ({ mode: m.mode, seconds: m.duration.median })).sort((a, b) => a.seconds - b.seconds),
      byMemory: ms.map((m) => ({ mode: m.mode, mb: m.peakMemoryMb.median })).sort((a, b) => a.mb - b.mb),
    });
  }
  return out;
}

/** "duckdb is fastest: 0.84 s, 2.1x faster than streaming (1.77 s)", or a tie within the band. */
function winnerPhrase<T extends { mode: Mode }>(ranked: T[], value: (x: T) => number, unit: (v: number) => string, better: string, what: string): string {
  const [first, second] = ranked;
  const ratio = value(second) / value(first);
  if (!(ratio > 1 + COMPARABLE_BAND)) {
    return `${first.mode} and ${second.mode} are within ${COMPARABLE_BAND * 100}% on ${what} (${unit(value(first))} vs ${unit(value(second))})`;
  }
  return `${first.mode} ${better}: ${unit(value(first))}, ${times(ratio)} ${what === "time" ? "faster" : "less"} than ${second.mode} (${unit(value(second))})`;
}

/** One sentence per scale: which engine wins time, which wins memory. */
export function engineSentence(r: EngineRanking): string {
  const time = winnerPhrase(r.byTime, (x) => x.seconds, (v) => `${secs(v)} s`, "is fastest", "time");
  const memory = winnerPhrase(r.byMemory, (x) => x.mb, (v) => `${mb(v)} MB`, "needs the least memory", "peak memory");
  return `**${r.scale}** (${int(r.inputRows)} input rows): ${time}; ${memory}.`;
}

/** streaming's median time over DuckDB's, where both ran (the issue's target: within 2x). */
function streamingVsDuckdb(s: ScaleResult): string | null {
  const st = modeSummary(s, "streaming");
  const dk = modeSummary(s, "duckdb");
  if (!st || !dk || !validated(st) || !validated(dk)) return null;
  const r = st.duration.median / dk.duration.median;
  return `polars streaming takes ${r.toFixed(2)}x DuckDB's time at ${s.scale} (${secs(st.duration.median)} s vs ${secs(dk.duration.median)} s) and ${(st.peakMemoryMb.median / dk.peakMemoryMb.median).toFixed(2)}x its peak memory`;
}

/** What each SQL engine run measured, once per (scale, mode): threads, memory source, load vs query. */
function sqlEngineNotes(report: RunReport): string[] {
  const out: string[] = [];
  for (const s of report.scales) {
    for (const mode of ["duckdb", "postgres"] as const) {
      const run = s.runs.find((r) => r.mode === mode && r.status === "SUCCESS");
      if (!run) continue;
      const split =
        run.loadSeconds !== undefined
          ? `load ${secs(run.loadSeconds)} s of read ${secs(run.phases.read)} s, query ${secs(run.phases.aggregate)} s` +
            (run.serverStartSeconds !== undefined ? ` (server start ${secs(run.serverStartSeconds)} s, not counted)` : "")
          : `read (S3 fetch + open) ${secs(run.phases.read)} s, query ${secs(run.phases.aggregate)} s`;
      out.push(
        `- ${s.scale}, ${mode} (${run.engine}${run.threads !== undefined ? `, ${run.threads} thread${run.threads === 1 ? "" : "s"}` : ""}): ${split}; ` +
          `peak memory = ${run.memoryMeasured ?? "the child's own peak RSS"}` +
          (run.engineSettings ? `; settings: ${run.engineSettings}` : "") +
          ".",
      );
    }
  }
  return out;
}

/** The report section; empty when only the polars modes ran (the comparison above covers them). */
export function enginesSection(report: RunReport): string[] {
  const modes = modesOf(report);
  if (!modes.some((m) => m === "duckdb" || m === "postgres")) return [];
  const o: string[] = ["## Which engine wins", ""];
  o.push(
    `Every validated mode at each scale, by median duration and median peak memory; a winner is named when it beats the runner-up by more than ${COMPARABLE_BAND * 100}%. ` +
      "Simple ratios of medians: with one run per mode they carry no confidence interval (use --runs N).",
    "",
  );
  const ranked = rankEngines(report);
  for (const r of ranked) o.push(`- ${engineSentence(r)}`);
  if (ranked.length === 0) o.push("- No scale has two validated modes.");
  const vs = report.scales.map(streamingVsDuckdb).filter((x): x is string => x !== null);
  if (vs.length > 0) o.push("", ...vs.map((x) => `- ${x}.`));
  const notes = sqlEngineNotes(report);
  if (notes.length > 0) o.push("", "What the SQL engines' figures measure:", "", ...notes);
  o.push("");
  return o;
}
