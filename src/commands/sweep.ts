// `streambench sweep`: the ladder of sizes through the same engine as `run` (one scale per size),
// with the crossover analysis in the reports and a live estimate after each size.
import { runBenchmark } from "./run.ts";
import { SWEEP_HELP, sweepConfigFromArgs } from "./sweep-config.ts";

export async function runSweepCommand(argv: string[]): Promise<number> {
  const parsed = sweepConfigFromArgs(argv, process.env);
  if (parsed.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  const { config, sweep } = parsed;
  return runBenchmark(config, {
    expectedRows: (scale) => sweep.points.find((p) => p.scale === scale)?.podRows ?? null,
    sweep,
  });
}
