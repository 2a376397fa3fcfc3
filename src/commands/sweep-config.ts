// `streambench sweep` flags -> the ladder + the same Config as `run` (every run flag applies,
// except --scales and --input: the ladder is the list of scales).
import { UsageError } from "../errors.ts";
import type { SweepInfo } from "../records/run-report.ts";
import { DEFAULT_LADDER_STEPS, LADDER_DEFAULT_MAX_PODS, LADDER_MAX_PODS, LADDER_MIN_PODS, SCALE_HOURS, sweepLadder } from "../scales.ts";
import { parseFlags, positiveInteger } from "./flags.ts";
import { configFromFlags, DEFAULT_SEED, RUN_FLAGS, SHARED_FLAGS_HELP } from "./run-config.ts";
import type { Config } from "../run/config.ts";

/** Repetitions per size and mode unless --runs says otherwise: the crossover's interval needs several. */
export const SWEEP_DEFAULT_RUNS = 3;

const SWEEP_FLAGS = {
  ...RUN_FLAGS,
  "max-rows": { type: "string" },
  "min-rows": { type: "string" },
  steps: { type: "string" },
} as const;

const rows = (pods: number) => (pods * SCALE_HOURS).toLocaleString("en-US");

export const SWEEP_HELP = `streambench sweep: where does streaming start to pay? Runs both modes over a ladder of
sizes, each validated as in "run", fits time = fixed + per-row cost and peak memory = base +
per-row growth per mode, and reports the input rows from which streaming is faster and from
which it uses less memory, each with a 95% interval (crossover.svg, COMPARISON_REPORT.md,
summary.json derived.crossover).

The ladder: pod counts in steps of sqrt(10) from ${LADDER_MIN_PODS} to ${LADDER_DEFAULT_MAX_PODS.toLocaleString("en-US")} pods (${rows(LADDER_MIN_PODS)} to ${rows(LADDER_DEFAULT_MAX_PODS)}
pod usage rows; rows = pods x ${SCALE_HOURS}), named pods-N, each shaped like the named scales around it.

Flags:
  --max-rows N            largest size, in pod usage rows (default ${rows(LADDER_DEFAULT_MAX_PODS)}, at most ${rows(LADDER_MAX_PODS)}); the ladder
                          ends at the largest pod count within it
  --min-rows N            smallest size (default ${rows(LADDER_MIN_PODS)})
  --steps N               ladder points per decade of pods (default ${DEFAULT_LADDER_STEPS}: steps of sqrt(10); 4 is finer)
  --runs N                repetitions per size and mode, each in a fresh process (default ${SWEEP_DEFAULT_RUNS});
                          the crossover's interval comes from them
  --warmup N              warm-up runs per size and mode before those, validated but left out of
                          every figure (default 0; as in run)
  --modes LIST            in-memory,streaming (default both; a crossover needs both)
  --profile NAME          data of each size: constant (default) or realistic (as in run)
  --seed N                seed of the generated data (default ${DEFAULT_SEED})
  --memory-limit LIST     cap on each engine child's memory (e.g. 750MiB; a list runs the ladder under each);
                          a mode over it is OOM at that size, and the sweep adds sizes between its largest
                          PASS and smallest OOM until they are within 1.5x (summary.json derived.frontier)
  --cpus N, --limits PRESET, --timeout DURATION   as in run (streambench run --help)
  --tolerance R           relative tolerance of the validation (as in run)
${SHARED_FLAGS_HELP}
Examples:
  streambench sweep --max-rows 3720000             # 10 to 5,000 pods, 7 sizes, 3 runs each
  streambench sweep --min-rows 100000 --steps 4    # a finer ladder from 100,000 rows up
`;

export type SweepConfigOrHelp = { help: true } | { help: false; config: Config; sweep: SweepInfo };

function rowsFlag(value: string, flag: string): number {
  // 3720000, 3,720,000 and 3_720_000 all read as the same number
  return positiveInteger(value.replace(/[,_]/g, ""), flag);
}

/** A ladder of one size has no crossover to find: the error names the size and the --max-rows that gives a second. */
function oneSizeError(rows: number, steps: number | undefined): UsageError {
  const next = sweepLadder({ minRows: rows, steps })[1];
  const raise = next ? `; --max-rows ${next.podRows} or more gives a second size (${next.podRows.toLocaleString("en-US")} rows)` : "";
  return new UsageError(`sweep: --min-rows and --max-rows leave one size (${rows.toLocaleString("en-US")} pod usage rows); a crossover needs at least 2 sizes${raise}`);
}

export function sweepConfigFromArgs(argv: string[], env: Record<string, string | undefined>, cwd = process.cwd()): SweepConfigOrHelp {
  const flags = parseFlags(argv, SWEEP_FLAGS, "sweep");
  if (flags.help) return { help: true };
  if (flags.scales !== undefined) throw new UsageError("sweep: --scales does not apply, the ladder is the list of sizes (use --min-rows, --max-rows, --steps)");
  if (flags.input !== undefined) throw new UsageError("sweep: --input does not apply, a sweep generates each size (use run --input for your own data)");
  const ladder = sweepLadder({
    minRows: flags["min-rows"] !== undefined ? rowsFlag(flags["min-rows"], "--min-rows") : undefined,
    maxRows: flags["max-rows"] !== undefined ? rowsFlag(flags["max-rows"], "--max-rows") : undefined,
    steps: flags.steps !== undefined ? positiveInteger(flags.steps, "--steps") : undefined,
  });
  if (ladder.length < 2) throw oneSizeError(ladder[0].podRows, flags.steps !== undefined ? positiveInteger(flags.steps, "--steps") : undefined);
  const names = ladder.map((point) => point.name);
  const { "max-rows": _max, "min-rows": _min, steps: _steps, help: _help, ...runFlags } = flags;
  const config = configFromFlags({ ...runFlags, scales: names.join(","), runs: flags.runs ?? String(SWEEP_DEFAULT_RUNS) }, env, names, cwd);
  const sweep: SweepInfo = {
    points: ladder.map((p) => ({ scale: p.name, pods: p.pods, namespaces: p.namespaces, nodes: p.nodes, podRows: p.podRows })),
    minRows: ladder[0].podRows,
    maxRows: ladder[ladder.length - 1].podRows,
    steps: flags.steps !== undefined ? Number(flags.steps) : DEFAULT_LADDER_STEPS,
  };
  return { help: false, config, sweep };
}
