// The "which engine wins" part of COMPARISON_REPORT.md and summary.json, over every mode that ran
// (the polars modes and the SQL engines users would pick instead: DuckDB, PostgreSQL). Per scale:
// the fastest and the leanest engine by median against the runner-up, judged with the same 95%
// interval rule as the polars verdicts (analysis.ts), and for the SQL engines what their memory
// figure measured and how their time splits.
import type { Mode } from "../contract/job.ts";
import type { ModeRun, RunReport, ScaleResult } from "../records/run-report.ts";
import { COMPARABLE_BAND, placeInterval } from "./analysis.ts";
import { modeSummary, modesOf, pairRuns, validated, type ModeSummary } from "./mode-summary.ts";
import { ratioEstimate, runsToSettle } from "../stats/statistics.ts";
import { int, mb, ratioInterval, secs, times } from "../stats/number-text.ts";

export interface EngineRanking {
  scale: string;
  inputRows: number;
  /** Validated modes, fastest first (median duration). */
  byTime: { mode: Mode; seconds: number }[];
  /** Validated modes, leanest first (median peak memory). */
  byMemory: { mode: Mode; mb: number }[];
  /** The leader against the runner-up on time, with the same interval rule as the polars verdicts. */
  time: EngineVerdict;
  /** The same on peak memory. */
  memory: EngineVerdict;
}

/**
 * The leader (best median) against the runner-up, by the rule of analysis.ts: the leader wins only
 * when the whole 95% interval of runner-up ÷ leader (over the paired repetitions) lies above the
 * ±10% band; "comparable" when it lies wholly inside; otherwise "inconclusive".
 */
export interface EngineVerdict {
  leader: Mode;
  runnerUp: Mode;
  class: "wins" | "comparable" | "inconclusive";
  /** Runner-up median ÷ leader median (>= 1). */
  ratio: number;
  /** 95% interval of that ratio; null with fewer than 2 paired runs. */
  interval: { lo: number; hi: number } | null;
  pairs: number;
  /** When inconclusive: runs per mode that would likely settle it (null: more than 100). */
  runsToSettle: number | null;
}

function engineVerdict(s: ScaleResult, leader: Mode, runnerUp: Mode, value: (r: ModeRun) => number): EngineVerdict {
  const estimate = ratioEstimate(pairRuns(s.runs, value, leader, runnerUp));
  const place = placeInterval(estimate.interval);
  const cls = place === "above" ? "wins" : place === "inside" ? "comparable" : "inconclusive";
  return {
    leader,
    runnerUp,
    class: cls,
    ratio: estimate.ratio,
    interval: estimate.interval,
    pairs: estimate.pairs,
    runsToSettle: cls === "inconclusive" ? runsToSettle(estimate, COMPARABLE_BAND) : null,
  };
}

export function rankEngines(report: RunReport): EngineRanking[] {
  const out: EngineRanking[] = [];
  for (const s of report.scales) {
    const ms = modesOf(report)
      .map((mode) => modeSummary(s, mode))
      .filter((m): m is ModeSummary => m !== undefined && validated(m));
    if (ms.length < 2) continue;
    const byTime = ms.map((m) => ({ mode: m.mode, seconds: m.duration.median })).sort((a, b) => a.seconds - b.seconds);
    const byMemory = ms.map((m) => ({ mode: m.mode, mb: m.peakMemoryMb.median })).sort((a, b) => a.mb - b.mb);
    out.push({
      scale: s.scale,
      inputRows: ms[0].inputRows,
      byTime,
      byMemory,
      time: engineVerdict(s, byTime[0].mode, byTime[1].mode, (r) => r.durationSeconds),
      memory: engineVerdict(s, byMemory[0].mode, byMemory[1].mode, (r) => r.peakMemoryMb),
    });
  }
  return out;
}

function intervalText(v: EngineVerdict): string {
  if (v.interval === null) return `no interval from ${v.pairs} paired run${v.pairs === 1 ? "" : "s"}; ${v.runsToSettle ?? 3} runs per mode would give one`;
  const settle = v.class === "inconclusive" ? (v.runsToSettle === null ? "; more than 100 runs would be needed" : `; about ${v.runsToSettle} runs per mode would likely settle it`) : "";
  return `95% interval ${ratioInterval(v.interval, COMPARABLE_BAND)} over ${v.pairs} pairs${settle}`;
}

/** "duckdb is fastest: 0.84 s, 2.1x faster than streaming (1.77 s; 95% interval ...)", comparable, or inconclusive. */
function winnerPhrase(v: EngineVerdict, leaderValue: number, runnerUpValue: number, unit: (v: number) => string, better: string, what: string): string {
  const figures = `${unit(leaderValue)} vs ${unit(runnerUpValue)}`;
  if (v.class === "comparable") return `${v.leader} and ${v.runnerUp} are within ${COMPARABLE_BAND * 100}% on ${what} (${figures}; ${intervalText(v)})`;
  if (v.class === "inconclusive") return `${v.leader} leads on ${what} (${figures}, ${times(v.ratio)}) but it is inconclusive (${intervalText(v)})`;
  return `${v.leader} ${better}: ${unit(leaderValue)}, ${times(v.ratio)} ${what === "time" ? "faster" : "less"} than ${v.runnerUp} (${unit(runnerUpValue)}; ${intervalText(v)})`;
}

/** One sentence per scale: which engine wins time, which wins memory, each with how sure. */
export function engineSentence(r: EngineRanking): string {
  const time = winnerPhrase(r.time, r.byTime[0].seconds, r.byTime[1].seconds, (v) => `${secs(v)} s`, "is fastest", "time");
  const memory = winnerPhrase(r.memory, r.byMemory[0].mb, r.byMemory[1].mb, (v) => `${mb(v)} MB`, "needs the least memory", "peak memory");
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
    `Every validated mode at each scale, by median duration and median peak memory. The leader is named the winner only when the whole 95% interval of runner-up ÷ leader (over the paired, interleaved repetitions) lies beyond the ±${COMPARABLE_BAND * 100}% band, ` +
      "the same rule as the in-memory against streaming verdicts; within the band it is comparable, otherwise inconclusive.",
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
