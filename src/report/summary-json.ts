// summary.json: the whole RunReport (every run's per-phase timings, peak and baseline RSS, CPU
// time, rows in per report type and out, throughput, memory-over-time series), the environment,
// the settings and the status, plus the derived figures (medians, comparisons, growth) for readers
// that do not want to recompute them. parseSummaryJson reads the RunReport back.
//
// JSON has no Infinity or NaN (a relative difference against an expected 0 is Infinity), so a
// non-finite number is written as {"$nonFinite": "Infinity" | "-Infinity" | "NaN"}.
import type { RunReport } from "../records/run-report.ts";
import { summariseReport, runsPerMode, warmupsPerMode } from "./mode-summary.ts";
import { INTERVAL_METHOD, OUTLIER_RULE } from "../stats/statistics.ts";
import { compareScales, COMPARABLE_RULE, crossover, memoryGrowth } from "./analysis.ts";
import { reportHeadline } from "./comparison-report.ts";
import { analyseSweep, crossoverFigures } from "./crossover.ts";
import { engineSentence, rankEngines } from "./engines.ts";
import { capacityFrontier } from "./limits-frontier.ts";

export const SUMMARY_JSON_FORMAT = "streambench-summary";
export const SUMMARY_JSON_VERSION = 1;

const NON_FINITE = "$nonFinite";

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return { [NON_FINITE]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NON_FINITE) return Number((value as Record<string, string>)[NON_FINITE]);
  }
  return value;
}

export function summaryJson(report: RunReport): string {
  const comparisons = compareScales(report);
  // A sweep's fits and crossovers (crossover.ts): derived.crossover = {time, memory}: {rows, low, high} | null.
  const sweep = report.sweep ? analyseSweep(report) : null;
  const doc = {
    format: SUMMARY_JSON_FORMAT,
    version: SUMMARY_JSON_VERSION,
    status: report.status,
    headline: reportHeadline(report, sweep),
    // the baseline comparison is a derived figure: it goes under derived.baseline only
    report: { ...report, baseline: undefined },
    derived: {
      runsPerMode: runsPerMode(report),
      /** Warm-up runs (report.scales[].runs[] with warmup: true) are in no figure below. */
      warmupsPerMode: warmupsPerMode(report),
      outlierRule: OUTLIER_RULE,
      comparableRule: COMPARABLE_RULE,
      intervalMethod: INTERVAL_METHOD,
      modes: summariseReport(report),
      comparisons: comparisons.map((c) => ({
        scale: c.scale,
        inputRows: c.inputRows,
        speedRatio: c.speedRatio,
        timeClass: c.timeClass,
        /** 95% interval of speedRatio (streaming ÷ in-memory duration); null below 2 paired runs. */
        timeInterval: c.time.interval,
        timePairs: c.time.pairs,
        /** When timeClass is inconclusive: runs per mode that would likely settle it (null: more than 100). */
        timeRunsToSettle: c.time.runsToSettle,
        memorySavedMb: c.memorySavedMb,
        memorySavedPercent: c.memorySavedPercent,
        memoryClass: c.memoryClass,
        /** Streaming peak ÷ in-memory peak (medians) and its 95% interval. */
        memoryRatio: c.memory.ratio,
        memoryInterval: c.memory.interval,
        memoryPairs: c.memory.pairs,
        memoryRunsToSettle: c.memory.runsToSettle,
      })),
      memoryGrowthMbPerMillionRows: {
        "in-memory": memoryGrowth(report, "in-memory").slopeMbPerMillionRows,
        streaming: memoryGrowth(report, "streaming").slopeMbPerMillionRows,
      },
      engines: rankEngines(report).map((r) => ({ ...r, sentence: engineSentence(r).replace(/\*\*/g, "") })),
      streamingWinsFrom: {
        time: crossover(comparisons, "time")?.scale ?? null,
        memory: crossover(comparisons, "memory")?.scale ?? null,
      },
      ...(sweep ? { crossover: crossoverFigures(sweep), sweep } : {}),
      /** run --baseline: {against, comparison: {threshold, environment, refused, forced, changes, unmatched}} (src/compare/run-comparison.ts). */
      ...(report.baseline ? { baseline: report.baseline } : {}),
      /** Per mode and limit under limits: {mode, memoryLimitBytes, cpus, maxPassRows, minOomRows} (null where none in range). */
      frontier: capacityFrontier(report),
    },
  };
  return JSON.stringify(doc, replacer, 2) + "\n";
}

/** Reads summary.json back into the RunReport it was written from. */
export function parseSummaryJson(text: string): RunReport {
  const doc = JSON.parse(text, reviver) as { format?: string; version?: number; report?: RunReport };
  if (doc.format !== SUMMARY_JSON_FORMAT || doc.report === undefined) {
    throw new Error(`not a ${SUMMARY_JSON_FORMAT} file`);
  }
  if (doc.version !== SUMMARY_JSON_VERSION) throw new Error(`unsupported ${SUMMARY_JSON_FORMAT} version ${doc.version}`);
  return doc.report;
}
