// `streambench run`: flags -> Config -> services -> the benchmark, shown by the TUI in a terminal
// or by the headless printer otherwise. Ctrl-C and SIGTERM stop children and servers, mark the
// results interrupted, and exit 130.
import { join } from "node:path";
import { rmSync } from "node:fs";
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import { manifestPodRows, SCALES, scaleManifest } from "../scales.ts";
import { Benchmark } from "../run/benchmark.ts";
import { bindParts } from "../run/bind.ts";
import { captureEnvironment } from "../run/environment.ts";
import { attachHeadlessPrinter } from "../run/headless.ts";
import { readHistory } from "../run/history.ts";
import { attachLiveLog } from "../run/live-log.ts";
import { createRunFolder, restoreLatest } from "../run/results-dir.ts";
import { startServices, type Services } from "../run/services.ts";
import { startGauges } from "../run/gauges.ts";

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
  let services: Services;
  try {
    if (!interactive) say(`starting ${config.s3 ? "" : "embedded "}S3 and ${config.postgres ? "" : "embedded "}PostgreSQL...`);
    services = await startServices(config, runDir);
  } catch (error) {
    // Nothing ran: leave no empty results folder behind.
    rmSync(runDir, { recursive: true, force: true });
    restoreLatest(config.outRoot, previousLatest);
    throw error;
  }

  const described = services.describe();
  const serverVersion = await services.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]?.v ?? "unknown", () => "unknown");
  const environment = await captureEnvironment({ postgres: `${serverVersion}${services.pglite ? " (PGlite)" : ""}` });
  const benchmark = new Benchmark({
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
      profile: config.input === null ? config.profile : "input",
      relTolerance: config.relTolerance,
      absTolerance: config.absTolerance,
      enabledTagKeys: config.enabledTagKeys ?? "all",
      s3: described.s3,
      postgres: described.postgres,
      schema: config.schema,
    },
    // (the realistic profile has fewer rows than pods x 744: some pods live part of the month)
    expectedRows: (scale) =>
      !SCALES.some((s) => s.name === scale) ? null : config.profile === "constant" ? SCALES.find((s) => s.name === scale)!.podRows : manifestPodRows(scaleManifest(scale, config.seed, config.profile)),
    history,
  });
  attachLiveLog(join(runDir, "benchmark.log"), (listener) => benchmark.bus.subscribe(listener));

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`streambench: ${signal} again, exiting now\n`);
      removeScratch(runDir);
      process.exit(130);
    }
    void benchmark.quit();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    if (interactive) {
      const stopGauges = startGauges(benchmark.bus, () => benchmark.child);
      const { renderMonitor } = await import("../../tui/render.tsx");
      const monitor = renderMonitor({ events: benchmark.bus, commands: benchmark });
      void benchmark.start();
      await monitor;
      await benchmark.quit();
      stopGauges();
    } else {
      say(`S3: ${described.s3}`);
      say(`PostgreSQL: ${described.postgres}`);
      attachHeadlessPrinter((listener) => benchmark.bus.subscribe(listener), say);
      await benchmark.start();
      say(`results: ${runDir}`);
    }
  } finally {
    await services.stop();
    removeScratch(runDir);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return benchmark.exitCode;
}

/** The run's bulky scratch folders: generated data, the embedded S3 server's objects, child outputs. */
function removeScratch(runDir: string): void {
  for (const name of ["s3", "work", "data"]) rmSync(join(runDir, name), { recursive: true, force: true });
}
