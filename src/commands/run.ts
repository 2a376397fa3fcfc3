// `streambench run`: flags -> Config -> services -> the benchmark, shown by the TUI in a terminal
// or by the headless printer otherwise. Ctrl-C and SIGTERM stop children and servers, mark the
// results interrupted, and exit 130.
import { rmSync } from "node:fs";
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import type { Config } from "../run/config.ts";
import type { SweepInfo } from "../report/model.ts";
import { manifestPodRows, SCALES, scaleManifest } from "../scales.ts";
import { Benchmark } from "../run/benchmark.ts";
import { bindParts } from "../run/real-parts.ts";
import { captureEnvironment } from "../run/environment.ts";
import { attachHeadlessPrinter } from "../output/headless.ts";
import { readCostHistory } from "../run/eta.ts";
import { attachLiveLog } from "../output/live-log.ts";
import { createRunFolder, latestSummaryJson, removeScratch, restoreLatest, runFiles } from "../run/results-folder.ts";
import { startServices, type Services } from "../run/services.ts";
import { startGauges } from "../run/gauges.ts";
import { EventBus } from "../run/event-bus.ts";
import type { RunCommands } from "../run/events.ts";

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

/** What differs between `run` and `sweep` once the Config is made. */
export interface BenchmarkPlan {
  /** Pod usage rows of a scale before it runs (ETA, monitor); null when unknown (--input). */
  expectedRows(scale: string): number | null;
  /** `streambench sweep`: the ladder, for the crossover report and its live estimate. */
  sweep?: SweepInfo;
}

/** Starts the services, runs the benchmark in the monitor or headless, stops everything; returns the exit code. */
export async function runBenchmark(config: Config, plan: BenchmarkPlan): Promise<number> {
  const interactive = !config.headless && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && !process.env.CI;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const history = readCostHistory(latestSummaryJson(config.outRoot));
  const { dir: runDir, previousLatest } = createRunFolder(config.outRoot);
  // One bus from the start, so the monitor or the printer shows the services starting too.
  const bus = new EventBus();
  let benchmark: Benchmark | null = null;
  let quitBeforeStart = false;
  const notStarted = new AbortController();
  let monitor: Promise<void> | null = null;
  if (interactive) {
    const { renderMonitor } = await import("../../tui/render.tsx");
    // The benchmark exists once the services are up; until then q only asks to stop.
    const commands: RunCommands = {
      rerunScale: (scale) => benchmark?.rerunScale(scale),
      runAll: () => benchmark?.runAll(),
      quit: async () => {
        if (benchmark) return benchmark.quit();
        quitBeforeStart = true;
      },
    };
    monitor = renderMonitor({ events: bus, commands, signal: notStarted.signal });
  } else {
    attachHeadlessPrinter((listener) => bus.subscribe(listener), say);
  }
  let services: Services;
  try {
    services = await startServices(config, runDir, (event) => bus.emit(event));
  } catch (error) {
    // Nothing ran: leave no empty results folder behind.
    notStarted.abort();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    restoreLatest(config.outRoot, previousLatest);
    throw error;
  }
  if (quitBeforeStart) {
    await services.stop();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    restoreLatest(config.outRoot, previousLatest);
    return 130;
  }

  const described = services.describe();
  const serverVersion = await services.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]?.v ?? "unknown", () => "unknown");
  const environment = await captureEnvironment({ postgres: `${serverVersion}${services.pglite ? " (PGlite)" : ""}` });
  const run = new Benchmark({
    bus,
    config,
    runDir,
    parts: bindParts(config, services),
    environment,
    settings: {
      scales: config.scales,
      input: config.input,
      modes: config.modes,
      runs: config.runs,
      warmup: config.warmup,
      seed: config.seed,
      profile: config.input === null ? config.profile : "input",
      relTolerance: config.relTolerance,
      absTolerance: config.absTolerance,
      enabledTagKeys: config.enabledTagKeys ?? "all",
      s3: described.s3,
      postgres: described.postgres,
      schema: config.schema,
      ...(plan.sweep ? { ladder: plan.sweep.points.map((p) => p.scale) } : {}),
    },
    expectedRows: plan.expectedRows,
    sweep: plan.sweep,
    history,
  });
  benchmark = run;
  attachLiveLog(runFiles(runDir).liveLog, (listener) => bus.subscribe(listener));

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`streambench: ${signal} again, exiting now\n`);
      removeScratch(runDir);
      process.exit(130);
    }
    void run.quit();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    if (monitor) {
      const stopGauges = startGauges(bus, () => run.child);
      void run.start();
      await monitor;
      await run.quit();
      stopGauges();
    } else {
      say(`S3: ${described.s3}`);
      say(`PostgreSQL: ${described.postgres}`);
      await run.start();
      say(`results: ${runDir}`);
    }
  } finally {
    await services.stop();
    removeScratch(runDir);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return run.exitCode;
}
