// `streambench compare BASE NEW`: every figure of every (scale, mode) both runs have, NEW ÷ BASE
// with its 95% interval and class (src/compare/), printed as a table or as Markdown, JSON or CSV.
// Exit 2 when a scale's data differ (unless --force), 6 with --fail-on when a figure regressed.
import { UsageError, EXIT_REGRESSION } from "../errors.ts";
import { list, parseFlagsAndArguments } from "./flags.ts";
import { resolve } from "node:path";
import { comparisonExitCode, compareRuns, DEFAULT_THRESHOLD, regressions, type FailOn } from "../compare/run-comparison.ts";
import { COMPARE_FORMATS, formatComparison, type CompareFormat } from "../records/comparison-text.ts";
import { describeRun, loadRun } from "../compare/run-source.ts";

export const COMPARE_HELP = `Usage: streambench compare BASE NEW [flags]

Compares two runs: for each (scale, mode) both ran, and each figure (duration, peak memory,
child CPU, every phase), NEW ÷ BASE of the medians with a 95% interval (Hodges-Lehmann with
the exact Mann-Whitney interval over the runs of each side), classed slower / faster (higher /
lower for memory) when the interval lies wholly beyond the noise band, unchanged when wholly
inside it, inconclusive otherwise (with the runs a side that would likely settle it).

BASE, NEW: a run folder, a summary.json, or "latest" (the newest run under --results).

Flags:
  --threshold P      the noise band, in percent (default ${DEFAULT_THRESHOLD * 100}: ±${DEFAULT_THRESHOLD * 100}%)
  --format F         table (default), md, json or csv
  --fail-on LIST     slower, memory or both ("slower,memory"): exit ${EXIT_REGRESSION} when a duration is
                     classed slower / a peak memory higher (the phases and CPU explain, they are
                     not gated); never on inconclusive
  --force            compare scales whose data differ (rows, profile, seed, input); without it
                     they are refused with the reason and the exit code is 2
  --results DIR      where "latest" is looked up (default results)
  -h, --help         this text

Environment differences (machine, runtime, polars and engine versions, limits, S3/PostgreSQL
kind, commit) are printed at the top; the figures are compared all the same.
Exit codes: 0 compared, 2 a usage error or a scale refused, ${EXIT_REGRESSION} a regression with --fail-on.
`;

const FLAGS = {
  threshold: { type: "string" },
  format: { type: "string" },
  "fail-on": { type: "string" },
  force: { type: "boolean" },
  results: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** --threshold in percent ("10", "10%", "2.5") -> the band as a fraction (0.1). */
export function parseThreshold(value: string, flag = "--threshold"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  const percent = m ? Number(m[1]) : NaN;
  if (!(percent > 0 && percent < 100)) throw new UsageError(`${flag} must be a percentage above 0 and below 100 (e.g. 10 for ±10%), got "${value}"`);
  return percent / 100;
}

/** --fail-on "slower,memory" -> its names, each checked. */
export function parseFailOn(value: string, flag = "--fail-on"): FailOn[] {
  const names = list(value);
  if (names.length === 0 || names.some((n) => n !== "slower" && n !== "memory")) {
    throw new UsageError(`${flag} takes slower, memory or both ("slower,memory"), got "${value}"`);
  }
  return [...new Set(names)] as FailOn[];
}

function parseFormat(value: string | undefined): CompareFormat {
  if (value === undefined) return "table";
  if (!(COMPARE_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${COMPARE_FORMATS.join(", ")}, got "${value}"`);
  return value as CompareFormat;
}

export async function runCompareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndArguments(argv, FLAGS, "compare");
  if (values.help) {
    process.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`compare needs two runs, BASE and NEW, got ${positionals.length} (see streambench compare --help)`);
  const threshold = values.threshold !== undefined ? parseThreshold(values.threshold) : DEFAULT_THRESHOLD;
  const format = parseFormat(values.format);
  const failOn = values["fail-on"] !== undefined ? parseFailOn(values["fail-on"]) : [];
  const resultsRoot = resolve(values.results ?? "results");
  const base = loadRun(positionals[0], resultsRoot, "BASE");
  const next = loadRun(positionals[1], resultsRoot, "NEW");
  const comparison = compareRuns(base.report, next.report, { threshold, force: values.force ?? false });
  process.stdout.write(formatComparison(comparison, { base: describeRun(base), new: describeRun(next) }, format));
  const code = comparisonExitCode(comparison, failOn);
  if (code === 2) process.stderr.write(`streambench: ${comparison.refused.map((r) => r.scale).join(", ")} refused: the data differ (see above; --force compares anyway)\n`);
  if (code === EXIT_REGRESSION) {
    const names = regressions(comparison, failOn).map((c) => `${c.scale} ${c.mode} ${c.figure} ${c.class}`);
    process.stderr.write(`streambench: regression (--fail-on ${failOn.join(",")}): ${names.join("; ")}\n`);
  }
  return code;
}
