// summary.json: the whole RunReport (every run's per-phase timings, peak and baseline RSS, CPU
// time, rows in per report type and out, throughput, memory-over-time series), the environment,
// the settings and the status, plus the derived figures (medians, comparisons, growth) for readers
// that do not want to recompute them. parseSummaryJson reads the RunReport back.
//
// JSON has no Infinity or NaN (a relative difference against an expected 0 is Infinity), so a
// non-finite number is written as {"$nonFinite": "Infinity" | "-Infinity" | "NaN"}.
import type { RunReport } from "./model.ts";
import { summariseReport, OUTLIER_RULE, runsPerMode } from "./stats.ts";
import { compareScales, COMPARABLE_RULE, crossover, memoryGrowth } from "./analysis.ts";
import { comparisonHeadline } from "./comparison-report.ts";
import { engineSentence, rankEngines } from "./engines.ts";

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
  const doc = {
    format: SUMMARY_JSON_FORMAT,
    version: SUMMARY_JSON_VERSION,
    status: report.status,
    headline: comparisonHeadline(report),
    report,
    derived: {
      runsPerMode: runsPerMode(report),
      outlierRule: OUTLIER_RULE,
      comparableRule: COMPARABLE_RULE,
      modes: summariseReport(report),
      comparisons: comparisons.map((c) => ({
        scale: c.scale,
        inputRows: c.inputRows,
        speedRatio: c.speedRatio,
        timeClass: c.timeClass,
        memorySavedMb: c.memorySavedMb,
        memorySavedPercent: c.memorySavedPercent,
        memoryClass: c.memoryClass,
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
