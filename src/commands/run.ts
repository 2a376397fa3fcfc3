// `streambench run`: flags -> Config -> services -> the benchmark, shown by the TUI in a terminal
// or by the headless printer otherwise. Ctrl-C, SIGTERM and the exit of the process that started
// it (npm) stop children and servers, mark the results interrupted, and exit 130. The results
// folder carries a marker while the run lives, so the next run removes what a killed one left.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPORT_FILES } from "../report/write.ts";
import { exitCodeFor, OutputError } from "../errors.ts";
import { appendHistory, HISTORY_FILE } from "../compare/history.ts";
import { describeS3 } from "../storage/client.ts";
import { deleteTree } from "../storage/upload.ts";
import { describePg } from "../db/settings.ts";
import type { Parts } from "../run/run-parts.ts";
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import type { Config } from "../run/config.ts";
import type { RunReport, SweepInfo } from "../report/model.ts";
import { manifestPodRows, SCALES, scaleManifest } from "../scales.ts";
import { Benchmark } from "../run/benchmark.ts";
import { bindParts } from "../run/real-parts.ts";
import { captureEnvironment } from "../run/environment.ts";
import { attachHeadlessPrinter } from "../output/headless.ts";
import { combineCosts, readCostHistory } from "../run/eta.ts";
import { attachLiveLog } from "../output/live-log.ts";
import {
  createRunFolder,
  describeStaleRun,
  findStaleRuns,
  recentSummaryJsons,
  pointLatestAt,
  removeRunMarker,
  removeScratch,
  removeStaleRun,
  runFiles,
  writeRunMarker,
  type RunMarker,
  type StaleRun,
} from "../run/results-folder.ts";
import { watchParent } from "../run/parent-watch.ts";
import { startServices, type Services } from "../run/services.ts";
import { startGauges } from "../run/gauges.ts";
import { EventBus } from "../run/event-bus.ts";
import { memoryCap, probeEnforcement } from "../limits/enforce.ts";
import { engineBudget } from "../limits/engine-budget.ts";
import { LIMIT_PRESETS, NO_LIMITS } from "../limits/limit-settings.ts";
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

  // Leftovers of runs that were killed (kill -9): their scratch folders go now, their uploads to
  // a lasting S3 server once it is connected.
  const stale = findStaleRuns(config.outRoot);
  const notes: string[] = [];
  for (const run of stale) {
    removeStaleRun(run);
    notes.push(describeStaleRun(run));
  }
  if (!interactive) for (const note of notes) say(note);

  const history = combineCosts(recentSummaryJsons(config.outRoot).map(readCostHistory));
  const { dir: runDir } = createRunFolder(config.outRoot);
  const marker: RunMarker = { pid: process.pid, startedAt: new Date().toISOString(), uploads: [] };
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
    const sweepRows = plan.sweep ? Object.fromEntries(plan.sweep.points.map((p) => [p.scale, p.podRows])) : undefined;
    const planned = { scales: [...config.scales], modes: [...config.modes], runs: config.repetitions, warmup: config.warmup, ...(sweepRows ? { sweepRows } : {}) };
    monitor = renderMonitor({ events: bus, commands, signal: notStarted.signal, plan: planned });
  } else {
    attachHeadlessPrinter((listener) => bus.subscribe(listener), say);
  }
  let services: Services;
  try {
    writeRunMarker(runDir, marker);
    services = await startServices(config, runDir, (event) => bus.emit(event));
  } catch (error) {
    // Nothing ran: leave no results folder behind (latest still points at the last run's).
    notStarted.abort();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  if (quitBeforeStart) {
    await services.stop();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    return 130;
  }
  notes.push(...(await removeStaleUploads(stale, services)));

  const described = services.describe();
  const serverVersion = await services.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]?.v ?? "unknown", () => "unknown");
  const environment = await captureEnvironment({ postgres: `${serverVersion}${services.pglite ? " (PGlite)" : ""}` });
  const parts = recordUploads(bindParts(config, services), services, runDir, marker);
  const limits = await limitSettings(config, services);
  const folders = runFolders(config.outRoot, runDir, marker, bus);
  const run = new Benchmark({
    bus,
    config,
    runDir,
    parts,
    environment,
    settings: {
      scales: config.scales,
      input: config.input,
      modes: config.modes,
      runs: config.repetitions,
      ...(config.autoRuns ? { runsAuto: { firstRuns: config.repetitions, budgetSeconds: config.autoRuns.budgetSeconds } } : {}),
      warmup: config.warmup,
      seed: config.seed,
      profile: config.input === null ? config.profile : "input",
      relTolerance: config.relTolerance,
      absTolerance: config.absTolerance,
      enabledTagKeys: config.enabledTagKeys ?? "all",
      s3: described.s3,
      postgres: described.postgres,
      schema: config.schema,
      limits,
      ...(plan.sweep ? { ladder: plan.sweep.points.map((p) => p.scale) } : {}),
    },
    expectedRows: plan.expectedRows,
    sweep: plan.sweep,
    history,
    // a rerun (r, a in the monitor) writes a folder of its own: a finished result is never rewritten
    openFolder: folders.openRerun,
  });
  benchmark = run;
  try {
    // The reports of a run not yet finished (status INTERRUPTED, nothing measured): latest moves
    // only to a folder that holds a summary.json, and a full or read-only disk stops the run here.
    await parts.writeReports(runDir, run.report).catch((error) => {
      throw OutputError.from(error, "cannot write the reports into", runDir);
    });
    pointLatestAt(config.outRoot, runDir);
  } catch (error) {
    notStarted.abort();
    await services.stop();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  folders.logFirst();
  for (const note of notes) bus.emit({ type: "log", level: "warn", text: note });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals | string) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`streambench: ${signal} again, exiting now\n`);
      folders.removeScratch();
      process.exit(130);
    }
    void run.quit();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const stopWatching = watchParent((why) => {
    if (signals > 0) return; // already stopping (a signal to the whole process group, say)
    bus.emit({ type: "log", level: "warn", text: `stopping: ${why}` });
    onSignal("parent exit");
  });

  try {
    if (monitor) {
      const stopGauges = startGauges(bus, () => run.child);
      void run.start();
      await monitor;
      await run.quit();
      stopGauges();
    } else {
      // (the S3 and PostgreSQL lines were printed as the services became ready)
      await run.start();
      say(`results: ${runDir}`);
    }
  } finally {
    stopWatching();
    await services.stop();
    folders.removeScratch();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return recordHistory(config.outRoot, run.report, runDir, run.exitCode);
}

/**
 * A run that ended (not interrupted) adds its validated (scale, mode) lines to history.csv. A
 * history that cannot be written is said on stderr; it fails a run that had passed (exit 5).
 */
function recordHistory(outRoot: string, report: RunReport, runDir: string, exitCode: number): number {
  if (report.finishedAt === null) return exitCode;
  try {
    appendHistory(outRoot, report, runDir);
    return exitCode;
  } catch (error) {
    const fault = OutputError.from(error, "cannot append to the history", join(outRoot, HISTORY_FILE));
    process.stderr.write(`streambench: ${fault.message}\n`);
    return exitCode === 0 ? exitCodeFor(fault) : exitCode;
  }
}

/**
 * summary.json's settings.limits: what the children ran under and what held them, in one stable
 * shape (memoryLimitBytes: the first or only limit, null for none; memoryLimitsBytes: the whole
 * list; guardBytes: the cap without a limit; told: what each mode's engine was told).
 */
async function limitSettings(config: Config, services: Services): Promise<Record<string, unknown>> {
  const first = config.limits[0] ?? NO_LIMITS;
  const guard = memoryCap(NO_LIMITS);
  const database = services.postgres.embedded || services.pglite ? "embedded" : "server";
  const cap = memoryCap(first);
  const under = cap ? { limits: first, cap } : undefined;
  return {
    memoryLimitBytes: first.memoryLimitBytes,
    memoryLimitsBytes: config.limits.map((l) => l.memoryLimitBytes).filter((b): b is number => b !== null),
    cpus: first.cpus,
    preset: first.preset,
    ...(first.preset ? { presetFigures: LIMIT_PRESETS[first.preset]?.what ?? null } : {}),
    timeoutSeconds: first.timeoutSeconds,
    guardBytes: first.memoryLimitBytes === null ? (guard?.bytes ?? null) : null,
    enforcement: await probeEnforcement(first),
    told: Object.fromEntries(config.modes.map((mode) => [mode, engineBudget(mode, under, config.duckdbMemoryLimit, database).told])),
  };
}

/**
 * The results folders of this process: the first run's, then one per rerun (r, a), each with the
 * run marker and a live log of its own run only; latest follows a rerun's folder once its reports
 * are written. removeScratch ends them all (scratch and markers).
 */
function runFolders(outRoot: string, first: string, marker: RunMarker, bus: EventBus) {
  const dirs = [first];
  let detachLiveLog = () => {};
  bus.subscribe((event) => {
    if (event.type === "run-end" && event.outDir !== first && existsSync(join(event.outDir, REPORT_FILES.summaryJson))) pointLatestAt(outRoot, event.outDir);
  });
  return {
    logFirst(): void {
      detachLiveLog = attachLiveLog(runFiles(first).liveLog, (listener) => bus.subscribe(listener));
    },
    openRerun: (): string => {
      const { dir } = createRunFolder(outRoot);
      dirs.push(dir);
      writeRunMarker(dir, marker);
      detachLiveLog();
      // the bus hands a late subscriber every earlier event: this folder's log starts at its own run-start
      let own = false;
      detachLiveLog = attachLiveLog(runFiles(dir).liveLog, (listener) =>
        bus.subscribe((event) => {
          own ||= event.type === "run-start" && event.outDir === dir;
          if (own) listener(event);
        }),
      );
      return dir;
    },
    removeScratch(): void {
      for (const dir of dirs) {
        removeScratch(dir);
        removeRunMarker(dir);
      }
    },
  };
}

/** The uploads of killed runs to the S3 server this run uses: removed, one note each. */
async function removeStaleUploads(stale: StaleRun[], services: Services): Promise<string[]> {
  const notes: string[] = [];
  for (const run of stale) {
    for (const up of run.uploads) {
      if (services.s3.embedded || up.endpoint !== (services.s3.endpoint ?? "") || up.bucket !== services.s3.bucket) continue;
      try {
        const n = await deleteTree(services.s3Client, up.bucket, `${up.prefix}/`);
        notes.push(`removed ${n} objects a killed run (pid ${run.pid}) left under s3://${up.bucket}/${up.prefix}/`);
      } catch (error) {
        notes.push(`could not remove s3://${up.bucket}/${up.prefix}/ left by a killed run: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return notes;
}

/** Parts whose uploads to a lasting S3 server are noted in the run marker until removed. */
function recordUploads(parts: Parts, services: Services, runDir: string, marker: RunMarker): Parts {
  if (services.s3.embedded) return parts; // its objects live in the run folder's s3/
  const entry = (prefix: string) => ({ endpoint: services.s3.endpoint ?? "", bucket: services.s3.bucket, prefix });
  return {
    ...parts,
    async upload(data, progress) {
      marker.uploads.push(entry(data.prefix));
      writeRunMarker(runDir, marker);
      return parts.upload(data, progress);
    },
    async removeUpload(data) {
      await parts.removeUpload(data);
      marker.uploads = marker.uploads.filter((u) => u.prefix !== data.prefix);
      writeRunMarker(runDir, marker);
    },
  };
}
