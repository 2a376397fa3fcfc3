// Subcommands and their flags. Each subcommand module parses its own flags; this file only routes.
import { UsageError } from "../errors.ts";

export const TOP_HELP = `streambench: should Koku's OpenShift daily summary run in-memory or streaming
(nodejs-polars), and from what data size does it matter? Every figure is validated.

Usage:
  streambench run [flags]          generate, upload, aggregate both ways, write, validate, report
  streambench sweep [flags]        run both modes over a ladder of sizes; find where streaming pays
  streambench generate [flags]     write nise-format OpenShift usage data (CSV and/or parquet)
  streambench aggregate [flags]    run the daily summary on a folder of nise data, write a CSV
  streambench compare BASE NEW     did it get slower? every figure of two runs, with 95% intervals
  streambench history [flags]      the runs so far (results/history.csv) and their chart

With no subcommand, streambench runs the benchmark ("run").
Run "streambench <subcommand> --help" for its flags.

Exit codes: 0 all PASS, 1 a validation FAIL, 2 usage, settings or input error (an unusable
--out too), 3 S3 or PostgreSQL unreachable, refusing or dropping the connection, 4 internal
fault, 5 results could not be written (disk full, I/O error), 6 a regression against the baseline
with --fail-on (compare, run --baseline), 130 interrupted (Ctrl-C, SIGTERM, or the process that
started streambench, e.g. npm, went away).
`;

export async function main(argv: string[]): Promise<number> {
  // `deno task start -- run ...` passes the "--" through (npm drops it): accept it the same
  if (argv[0] === "--") argv = argv.slice(1);
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(TOP_HELP);
    return 0;
  }
  if (first === "--version") {
    process.stdout.write("streambench 0.1.0\n");
    return 0;
  }
  if (first === undefined || first.startsWith("-")) return runCommand(argv);
  switch (first) {
    case "run":
      return runCommand(rest);
    case "sweep": {
      const { runSweepCommand } = await import("./sweep.ts");
      return runSweepCommand(rest);
    }
    case "generate": {
      const { runGenerateCommand } = await import("./generate.ts");
      return runGenerateCommand(rest);
    }
    case "aggregate": {
      const { runAggregateCommand } = await import("./aggregate.ts");
      return runAggregateCommand(rest);
    }
    case "compare": {
      const { runCompareCommand } = await import("./compare.ts");
      return runCompareCommand(rest);
    }
    case "history": {
      const { runHistoryCommand } = await import("./history.ts");
      return runHistoryCommand(rest);
    }
    default:
      throw new UsageError(`unknown subcommand "${first}" (expected run, sweep, generate, aggregate, compare or history; see streambench --help)`);
  }
}

async function runCommand(argv: string[]): Promise<number> {
  const { runBenchmarkCommand } = await import("./run.ts");
  return runBenchmarkCommand(argv);
}
