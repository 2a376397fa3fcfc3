// The life of one `run` or `sweep` process around the benchmark: what killed runs left is removed,
// the results folder carries a marker while the run lives (so the next run removes what a killed
// one left), the services start and stop, Ctrl-C, SIGTERM and the exit of the process that started
// it (npm) stop children and servers, mark the results interrupted and exit 130, uploads to a
// lasting S3 server are noted in the marker until removed, and history.csv gets the finished run.
// How the run is shown (monitor or printer) and logged is the command's choice (RunPresentation).
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPORT_FILES } from "../report/write.ts";
import { exitCodeFor, OutputError } from "../errors.ts";
import { appendHistory, HISTORY_FILE } from "../compare/history.ts";
import { deleteTree } from "../storage/upload.ts";
import type { Parts } from "./run-parts.ts";
import type { Config } from "./config.ts";
import type { RunReport, SweepInfo } from "../records/run-report.ts";
import type { RunSettings, SettingsLimits } from "../records/run-settings.ts";
import { Benchmark } from "./benchmark.ts";
import { bindParts } from "./real-parts.ts";
import { captureEnvironment } from "./environment.ts";
import { combineCosts, readCostHistory, type CostHistory } from "./eta.ts";
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
} from "./results-folder.ts";
import { watchParent } from "./parent-watch.ts";
import { postgresJobTarget, startServices, type Services } from "./services.ts";
import { startGauges } from "./gauges.ts";
import { EventBus } from "./event-bus.ts";
import { probeEnforcement } from "../child/limit-enforcement.ts";
import { memAvailableBytes, memoryCap, type MemoryCap } from "../limits/memory-cap.ts";
import { engineBudget } from "../limits/engine-budget.ts";
import { LIMIT_PRESETS, limitTag, NO_LIMITS, type Limits } from "../limits/limit-settings.ts";
import type { Mode } from "../contract/job.ts";
import type { RunCommands, RunEvent } from "./events.ts";

/** What differs between `run` and `sweep` once the Config is made. */
export interface BenchmarkPlan {
  /** Pod usage rows of a scale before it runs (ETA, monitor); null when unknown (--input). */
  expectedRows(scale: string): number | null;
  /** `streambench sweep`: the ladder, for the crossover report and its live estimate. */
  sweep?: SweepInfo;
}

type Subscribe = (listener: (event: RunEvent) => void) => () => void;

/** How the run is shown and logged: the command chooses it (run/ knows no screen). */
export interface RunPresentation {
  /**
   * Starts showing the bus's events before the services start: the monitor (`closed` settles when
   * the user leaves it; `notStarted` aborted takes it down) or the headless printer (null).
   */
  show(bus: EventBus, commands: RunCommands, notStarted: AbortSignal): Promise<{ closed: Promise<void> } | null>;
  /** A line on the terminal where no monitor draws (a killed run's note, where the results are). */
  say(line: string): void;
  /** Writes a results folder's live log (benchmark.log) from the events given; returns its detach. */
  liveLog(path: string, subscribe: Subscribe): () => void;
}

/** The benchmark once the services are up; until then q only asks to stop. */
interface LateBenchmark {
  benchmark: Benchmark | null;
  quitBeforeStart: boolean;
}

/** Starts the services, runs the benchmark as the presentation shows it, stops everything; returns the exit code. */
export async function runLifecycle(config: Config, plan: BenchmarkPlan, view: RunPresentation): Promise<number> {
  const { stale, notes } = clearStaleRuns(config.outRoot, view);
  const history = combineCosts(recentSummaryJsons(config.outRoot).map(readCostHistory));
  const { dir: runDir } = createRunFolder(config.outRoot);
  const marker: RunMarker = { pid: process.pid, startedAt: new Date().toISOString(), uploads: [] };
  // One bus from the start, so the monitor or the printer shows the services starting too.
  const bus = new EventBus();
  const late: LateBenchmark = { benchmark: null, quitBeforeStart: false };
  const notStarted = new AbortController();
  const monitor = (await view.show(bus, lateCommands(late), notStarted.signal))?.closed ?? null;
  const abandon = async (services: Services | null) => {
    // Nothing ran: leave no results folder behind (latest still points at the last run's).
    notStarted.abort();
    await services?.stop();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  };
  const services = await startServicesMarked(config, runDir, marker, bus, abandon);
  if (late.quitBeforeStart) {
    await services.stop();
    await monitor?.catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    return 130;
  }
  notes.push(...(await removeStaleUploads(stale, services)));
  const { run, parts, folders } = await createBenchmark(config, plan, { bus, services, runDir, marker, history, view });
  late.benchmark = run;
  await writeFirstReports(run, parts, config.outRoot, runDir, () => abandon(services));
  folders.logFirst();
  for (const note of notes) bus.emit({ type: "log", level: "warn", text: note });
  const stopping = stopOnSignals(run, bus, folders);
  try {
    await driveRun(run, bus, monitor, () => view.say(`results: ${runDir}`));
  } finally {
    stopping.stopWatchingParent();
    await services.stop();
    folders.removeScratch();
    stopping.stopHandlingSignals();
  }
  return recordHistory(config.outRoot, run.report, runDir, run.exitCode);
}

/** Leftovers of runs that were killed (kill -9): their scratch folders go now, their uploads to a lasting S3 server once it is connected. */
function clearStaleRuns(outRoot: string, view: RunPresentation): { stale: StaleRun[]; notes: string[] } {
  const stale = findStaleRuns(outRoot);
  const notes: string[] = [];
  for (const run of stale) {
    removeStaleRun(run);
    notes.push(describeStaleRun(run));
  }
  for (const note of notes) view.say(note);
  return { stale, notes };
}

/** The monitor's keys: they reach the benchmark once it exists; q before that only asks to stop. */
function lateCommands(late: LateBenchmark): RunCommands {
  return {
    rerunScale: (scale) => late.benchmark?.rerunScale(scale),
    runAll: () => late.benchmark?.runAll(),
    quit: async () => {
      if (late.benchmark) return late.benchmark.quit();
      late.quitBeforeStart = true;
    },
  };
}

/** The run marker, then the services; if they cannot start, the run is abandoned and the error goes on. */
async function startServicesMarked(
  config: Config,
  runDir: string,
  marker: RunMarker,
  bus: EventBus,
  abandon: (services: null) => Promise<void>,
): Promise<Services> {
  try {
    writeRunMarker(runDir, marker);
    return await startServices(config, runDir, (event) => bus.emit(event));
  } catch (error) {
    await abandon(null);
    throw error;
  }
}

/** What the benchmark is built from once the services are up. */
interface RunSetup {
  bus: EventBus;
  services: Services;
  runDir: string;
  marker: RunMarker;
  history: CostHistory;
  view: RunPresentation;
}

/** The benchmark over the real parts, its environment and settings recorded, and the folders it writes. */
async function createBenchmark(config: Config, plan: BenchmarkPlan, setup: RunSetup): Promise<{ run: Benchmark; parts: Parts; folders: RunFolders }> {
  const { bus, services, runDir, marker } = setup;
  const described = services.describe();
  const serverVersion = await services.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]?.v ?? "unknown", () => "unknown");
  const environment = await captureEnvironment({ postgres: `${serverVersion}${services.pglite ? " (PGlite)" : ""}` });
  // the guard's share is of the memory available when the run started: one reading for the children and the record
  const availableAtStart = memAvailableBytes();
  const parts = recordUploads(bindParts(config, services, availableAtStart), services, runDir, marker);
  const limits = await limitSettings(config, services, availableAtStart);
  const folders = runFolders(config.outRoot, runDir, marker, bus, setup.view.liveLog);
  const run = new Benchmark({
    bus,
    config,
    runDir,
    parts,
    environment,
    settings: recordedSettings(config, plan, described, limits),
    expectedRows: plan.expectedRows,
    sweep: plan.sweep,
    history: setup.history,
    // a rerun (r, a in the monitor) writes a folder of its own: a finished result is never rewritten
    openFolder: folders.openRerun,
  });
  return { run, parts, folders };
}

/** summary.json's settings: what the run was asked for and what it ran against. */
export function recordedSettings(config: Config, plan: BenchmarkPlan, described: ReturnType<Services["describe"]>, limits: SettingsLimits): RunSettings {
  return {
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
  };
}

/**
 * The reports of a run not yet finished (status INTERRUPTED, nothing measured): latest moves only
 * to a folder that holds a summary.json, and a full or read-only disk stops the run here.
 */
async function writeFirstReports(run: Benchmark, parts: Parts, outRoot: string, runDir: string, abandon: () => Promise<void>): Promise<void> {
  try {
    await parts.writeReports(runDir, run.report).catch((error) => {
      throw OutputError.from(error, "cannot write the reports into", runDir);
    });
    pointLatestAt(outRoot, runDir);
  } catch (error) {
    await abandon();
    throw error;
  }
}

/** Ctrl-C, SIGTERM or the parent's exit quit the run; a second signal exits at once (130). */
function stopOnSignals(run: Benchmark, bus: EventBus, folders: RunFolders): { stopWatchingParent: () => void; stopHandlingSignals: () => void } {
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
  const stopWatchingParent = watchParent((why) => {
    if (signals > 0) return; // already stopping (a signal to the whole process group, say)
    bus.emit({ type: "log", level: "warn", text: `stopping: ${why}` });
    onSignal("parent exit");
  });
  return {
    stopWatchingParent,
    stopHandlingSignals: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** The run itself: under the monitor until the user leaves it, or headless to its end. */
async function driveRun(run: Benchmark, bus: EventBus, monitor: Promise<void> | null, sayWhere: () => void): Promise<void> {
  if (monitor) {
    const stopGauges = startGauges(bus, () => run.child);
    void run.start();
    await monitor;
    await run.quit();
    stopGauges();
  } else {
    // (the S3 and PostgreSQL lines were printed as the services became ready)
    await run.start();
    sayWhere();
  }
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
 * list; guardBytes: the cap without a limit; told: what each mode's engine was told, under each
 * limit of a list in turn).
 */
async function limitSettings(config: Config, services: Services, availableAtStart: number | null): Promise<SettingsLimits> {
  const first = config.limits[0] ?? NO_LIMITS;
  const guard = memoryCap(NO_LIMITS, availableAtStart);
  const database = postgresJobTarget(services).kind;
  return {
    memoryLimitBytes: first.memoryLimitBytes,
    memoryLimitsBytes: config.limits.map((l) => l.memoryLimitBytes).filter((b): b is number => b !== null),
    cpus: first.cpus,
    preset: first.preset,
    ...(first.preset ? { presetFigures: LIMIT_PRESETS[first.preset]?.what ?? null } : {}),
    timeoutSeconds: first.timeoutSeconds,
    guardBytes: first.memoryLimitBytes === null ? (guard?.bytes ?? null) : null,
    enforcement: await probeEnforcement(first),
    told: Object.fromEntries(config.modes.map((mode) => [mode, toldOfLimits(mode, config, database, (l) => memoryCap(l, availableAtStart))])),
  };
}

/** What a mode's engine is told of its budget; under a list of limits each limit's own share, in the order run. */
export function toldOfLimits(
  mode: Mode,
  config: Pick<Config, "limits" | "duckdbMemoryLimit">,
  database: "server" | "embedded",
  capOf: (limits: Limits) => MemoryCap | null,
): string {
  const toldUnder = (limits: Limits) => {
    const cap = capOf(limits);
    return engineBudget(mode, cap ? { limits, cap } : undefined, config.duckdbMemoryLimit, database).told;
  };
  if (config.limits.length <= 1) return toldUnder(config.limits[0] ?? NO_LIMITS);
  return config.limits.map((l) => `${limitTag(l)}: ${toldUnder(l)}`).join("; ");
}

type RunFolders = ReturnType<typeof runFolders>;

/**
 * The results folders of this process: the first run's, then one per rerun (r, a), each with the
 * run marker and a live log of its own run only; latest follows a rerun's folder once its reports
 * are written. removeScratch ends them all (scratch and markers).
 */
function runFolders(outRoot: string, first: string, marker: RunMarker, bus: EventBus, liveLog: RunPresentation["liveLog"]) {
  const dirs = [first];
  let detachLiveLog = () => {};
  bus.subscribe((event) => {
    if (event.type === "run-end" && event.outDir !== first && existsSync(join(event.outDir, REPORT_FILES.summaryJson))) pointLatestAt(outRoot, event.outDir);
  });
  return {
    logFirst(): void {
      detachLiveLog = liveLog(runFiles(first).liveLog, (listener) => bus.subscribe(listener));
    },
    openRerun: (): string => {
      const { dir } = createRunFolder(outRoot);
      dirs.push(dir);
      writeRunMarker(dir, marker);
      detachLiveLog();
      // the bus hands a late subscriber every earlier event: this folder's log starts at its own run-start
      let own = false;
      detachLiveLog = liveLog(runFiles(dir).liveLog, (listener) =>
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
