// `streambench run`: flags -> Config -> the run's lifecycle in run/ (lifecycle.ts), shown by the
// TUI in a terminal or by the headless printer otherwise, logged to the results folder's
// benchmark.log. Ctrl-C, SIGTERM and the exit of the process that started it (npm) stop children
// and servers, mark the results interrupted, and exit 130 (run/lifecycle.ts).
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import type { Config } from "../run/config.ts";
import { manifestPodRows, SCALES, scaleManifest } from "../scales.ts";
import { runLifecycle, type BenchmarkPlan, type RunPresentation } from "../run/lifecycle.ts";
import { attachHeadlessPrinter } from "../output/headless.ts";
import { attachLiveLog } from "../output/live-log.ts";

export async function runBenchmarkCommand(argv: string[]): Promise<number> {
  const parsed = configFromArgs(argv, process.env, SCALES.map((scale) => scale.name));
  if (parsed.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const { config } = parsed;
  // (the realistic profile has fewer rows than pods x 744: some pods live part of the month)
  const expectedRows = (scale: string) => {
    const named = SCALES.find((s) => s.name === scale);
    if (!named) return null;
    return config.profile === "constant" ? named.podRows : manifestPodRows(scaleManifest(scale, config.seed, config.profile));
  };
  return runBenchmark(config, { expectedRows });
}

/** Runs the benchmark in the monitor or headless, as the terminal allows; returns the exit code. */
export async function runBenchmark(config: Config, plan: BenchmarkPlan): Promise<number> {
  return runLifecycle(config, plan, presentation(config, plan));
}

/** The monitor when both ends are a terminal (and not CI or --headless), else the headless printer. */
function presentation(config: Config, plan: BenchmarkPlan): RunPresentation {
  const interactive = !config.headless && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && !process.env.CI;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (!interactive) {
    return {
      say,
      liveLog: attachLiveLog,
      show: async (bus) => {
        attachHeadlessPrinter((listener) => bus.subscribe(listener), say);
        return null;
      },
    };
  }
  return {
    say: () => {}, // the monitor's log shows the notes
    liveLog: attachLiveLog,
    show: async (bus, commands, notStarted) => {
      const { renderMonitor } = await import("../../tui/render.tsx");
      const sweepRows = plan.sweep ? Object.fromEntries(plan.sweep.points.map((p) => [p.scale, p.podRows])) : undefined;
      const planned = { scales: [...config.scales], modes: [...config.modes], repetitions: config.repetitions, warmup: config.warmup, ...(sweepRows ? { sweepRows } : {}) };
      return { closed: renderMonitor({ events: bus, commands, signal: notStarted, plan: planned }) };
    },
  };
}
