// `streambench run`: flags -> Config -> services -> the benchmark, shown by the TUI in a terminal
// or by the headless printer otherwise. Ctrl-C and SIGTERM stop children and servers, mark the
// results interrupted, and exit 130.
import { join } from "node:path";
import { rmSync } from "node:fs";
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import { SCALES } from "../scales.ts";
import { Benchmark } from "../run/benchmark.ts";
import { bindParts } from "../run/bind.ts";
import { captureEnvironment } from "../run/environment.ts";
import { attachHeadlessPrinter } from "../run/headless.ts";
import { readHistory } from "../run/history.ts";
import { attachLiveLog } from "../run/live-log.ts";
import { createRunFolder, restoreLatest } from "../run/results-dir.ts";
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
  const config = parsed.config;
  const interactive = !config.headless && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && !process.env.CI;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const history = readHistory(config.outRoot);
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
      seed: config.seed,
      relTolerance: config.relTolerance,
      absTolerance: config.absTolerance,
      enabledTagKeys: config.enabledTagKeys ?? "all",
      s3: described.s3,
      postgres: described.postgres,
      schema: config.schema,
    },
    expectedRows: (scale) => SCALES.find((s) => s.name === scale)?.podRows ?? null,
    history,
  });
  benchmark = run;
  attachLiveLog(join(runDir, "benchmark.log"), (listener) => bus.subscribe(listener));

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

/** The run's bulky scratch folders: generated data, the embedded S3 server's objects, child outputs. */
function removeScratch(runDir: string): void {
  for (const name of ["s3", "work", "data"]) rmSync(join(runDir, name), { recursive: true, force: true });
}
