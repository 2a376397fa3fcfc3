// The benchmark as a controllable object: runs the selected scales, fails fast, writes reports,
// and takes the front end's commands (rerun a scale, run all again, quit). One run at a time.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "./config.ts";
import { diskIsFull, exitCodeFor, isFsError, OutputError } from "../errors.ts";
import type { RunReport, ScaleResult, Environment, SweepInfo } from "../report/model.ts";
import { compareScales } from "../report/analysis.ts";
import { analyseSweep, crossoverFigures } from "../report/crossover.ts";
import { liveCrossoverText } from "../report/crossover-report.ts";
import { EventBus } from "./event-bus.ts";
import type { RunCommands, RunStatus } from "./events.ts";
import { atLeastPhase, newerCosts, RunEta, type CostHistory } from "./eta.ts";
import type { Parts } from "./run-parts.ts";
import { createRunFolder, runFiles } from "./results-folder.ts";
import { InterruptedError, runScale, ValidationFailure } from "./scale-run.ts";

export interface BenchmarkSetup {
  config: Config;
  runDir: string;
  parts: Parts;
  environment: Environment;
  settings: Record<string, unknown>;
  /** Pod usage rows of a scale before it runs, for the ETA (null when unknown, e.g. --input). */
  expectedRows(scale: string): number | null;
  /** An earlier run's unit costs: the shape of the ETA's cost curve while this run has one size (eta.ts). */
  history: CostHistory;
  /** `streambench sweep`: the ladder; the report then carries it, and a crossover estimate follows each size. */
  sweep?: SweepInfo;
  /** The bus to emit on (the command layer may have shown the services starting on it). Default: a new one. */
  bus?: EventBus;
  /**
   * Opens the results folder of a rerun (r, a): a finished run's folder is never written again.
   * The command layer's also puts the run marker and the live log there. Default: a new
   * streaming_comparison_* folder beside runDir.
   */
  openFolder?: () => string;
}

export class Benchmark implements RunCommands {
  readonly bus: EventBus;
  readonly #setup: BenchmarkSetup;
  readonly #abort = new AbortController();
  #report: RunReport;
  #runDir: string;
  /** A run has ended in #runDir: the next one goes to a new folder. */
  #folderUsed = false;
  #busy: Promise<RunStatus> | null = null;
  #kill: (() => void) | null = null;
  #lastStatus: RunStatus = "running";
  /** Earlier runs' unit costs for the ETA: from disk at first, then this process's last run (r, a). */
  #history: CostHistory;
  readonly #phaseDurations = new Map<string, number>();
  #exitCode = 0;

  constructor(setup: BenchmarkSetup) {
    this.#setup = setup;
    this.bus = setup.bus ?? new EventBus();
    this.#runDir = setup.runDir;
    this.#history = setup.history;
    this.#report = {
      startedAt: new Date().toISOString(),
      finishedAt: null,
      status: "INTERRUPTED",
      settings: setup.settings,
      environment: setup.environment,
      scales: [],
      ...(setup.sweep ? { sweep: setup.sweep } : {}),
    };
  }

  /** The folder the current (or last) run writes. */
  get runDir(): string {
    return this.#runDir;
  }

  get status(): RunStatus {
    return this.#lastStatus;
  }

  /** The exit code the last run earned: 0 PASS, 1 FAIL, 130 interrupted, else the error's code. */
  get exitCode(): number {
    return this.#exitCode;
  }

  get report(): RunReport {
    return this.#report;
  }

  /** Runs the configured scales; resolves with the final status. */
  start(): Promise<RunStatus> {
    return this.#run(this.#setup.config.scales);
  }

  rerunScale(scale: string): void {
    if (this.#busy) {
      this.bus.emit({ type: "log", level: "warn", text: `busy: ${scale} can be rerun once the current run ends` });
      return;
    }
    if (!this.#setup.config.scales.includes(scale)) {
      this.bus.emit({ type: "log", level: "warn", text: `unknown scale ${scale}` });
      return;
    }
    void this.#run([scale]);
  }

  runAll(): void {
    if (this.#busy) {
      this.bus.emit({ type: "log", level: "warn", text: "busy: all scales can run again once the current run ends" });
      return;
    }
    void this.#run(this.#setup.config.scales);
  }

  /** Stops the child and marks the run interrupted if work was cut off; resolves when the run has settled. */
  async quit(): Promise<void> {
    this.#abort.abort();
    this.#kill?.();
    if (this.#busy) await this.#busy.catch(() => undefined);
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    if (this.#busy) await this.#busy.catch(() => undefined);
  }

  #run(scales: readonly string[]): Promise<RunStatus> {
    const run = this.#runScales(scales).finally(() => {
      this.#busy = null;
    });
    this.#busy = run;
    return run;
  }

  /**
   * A rerun's own folder and report: the scales not rerun carry over (their verdicts still stand,
   * their logs stay in the earlier folder, which settings.rerunOf names); the rerun ones start
   * empty, so a rerun cut off never shows the earlier folder's figures as its own. False (and an
   * error event) when the folder cannot be made: the earlier folder stays as it was, nothing runs.
   */
  #openRerunFolder(rerun: readonly string[]): boolean {
    const previous = this.#runDir;
    try {
      this.#runDir = this.#setup.openFolder?.() ?? createRunFolder(dirname(previous)).dir;
    } catch (error) {
      this.#exitCode = exitCodeFor(error);
      this.bus.emit({ type: "error", message: `cannot open a results folder for the rerun: ${error instanceof Error ? error.message : String(error)}` });
      return false;
    }
    const earlier = structuredClone(this.#report);
    this.#report = {
      ...earlier,
      scales: earlier.scales.filter((s) => !rerun.includes(s.scale)),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      status: "INTERRUPTED",
      settings: { ...earlier.settings, rerunOf: previous },
    };
    return true;
  }

  async #runScales(scales: readonly string[]): Promise<RunStatus> {
    if (this.#folderUsed && !this.#openRerunFolder(scales)) return this.#lastStatus;
    this.#folderUsed = true;
    const { config, parts } = this.#setup;
    const runDir = this.#runDir;
    const bus = this.bus;
    this.#lastStatus = "running";
    const sweep = this.#setup.sweep;
    bus.emit({
      type: "run-start",
      scales: [...scales],
      modes: [...config.modes],
      runs: config.runs,
      warmup: config.warmup,
      outDir: runDir,
      ...(sweep ? { sweepRows: Object.fromEntries(sweep.points.map((p) => [p.scale, p.podRows])) } : {}),
    });
    const eta = new RunEta(
      scales.map((scale) => ({ scale, rows: this.#setup.expectedRows(scale) })),
      config.modes.length * (config.runs + config.warmup),
      this.#history,
    );
    let current: { scale: string } | null = null;
    let status: Exclude<RunStatus, "running"> = "PASS";
    const onPace = (phaseRemainingMs: number | null) => {
      bus.emit({ type: "eta", phaseRemainingMs, runRemainingMs: atLeastPhase(eta.remainingMs(performance.now()), phaseRemainingMs) });
    };
    try {
      for (const scale of scales) {
        current = { scale };
        const scaleStarted = performance.now();
        const result = await runScale(
          {
            config,
            bus,
            parts,
            files: runFiles(runDir),
            signal: this.#abort.signal,
            setKill: (kill) => {
              this.#kill = kill;
            },
            setChild: (pid, rssBytes) => {
              this.#child = pid === null ? null : { pid, rssBytes };
            },
            onResult: (partial) => {
              eta.setRows(scale, partial.inputRows);
              this.#putScale(partial);
            },
            onUnit: (kind, event, ms) => {
              if (event === "start") eta.unitStarted(scale, kind, performance.now());
              else eta.unitFinished(scale, kind, ms ?? 0);
            },
            onPace,
            phaseDurations: this.#phaseDurations,
          },
          scale,
        );
        this.#putScale(result);
        this.#emitComparison(scale);
        this.#emitCrossover();
        eta.scaleFinished(scale, performance.now() - scaleStarted);
        onPace(null);
        current = null;
      }
    } catch (error) {
      if (error instanceof InterruptedError || this.#abort.signal.aborted) {
        status = "INTERRUPTED";
        this.#exitCode = 130;
        bus.emit({ type: "log", level: "warn", text: "interrupted: children and servers stopped, results marked INTERRUPTED" });
      } else if (error instanceof ValidationFailure) {
        status = "FAIL";
        this.#exitCode = 1;
        bus.emit({ type: "error", message: error.message });
        for (const file of error.logFiles) this.#emitTail(file);
      } else {
        status = "ERROR";
        // a file the run writes (a log, a summary CSV) could not be: the path and the reason
        const fault = isFsError(error)
          ? OutputError.from(error, "cannot write", (error as NodeJS.ErrnoException).path ?? runDir)
          : diskIsFull(runDir) // e.g. polars' parquet writer says "Invalid thrift: transport error"
            ? new OutputError(`no space left on the device holding ${runDir} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`, "ENOSPC")
            : error;
        this.#exitCode = exitCodeFor(fault);
        bus.emit({ type: "error", scale: current?.scale, message: fault instanceof Error ? fault.message : String(fault) });
      }
    }
    this.#history = newerCosts(eta.finishedCosts(), this.#history);
    if (status === "PASS") {
      // A rerun of one scale answers for the whole report: the other scales' verdicts still stand.
      status = standingStatus(this.#report);
      this.#exitCode = status === "PASS" ? 0 : status === "FAIL" ? 1 : 4;
    }
    this.#report.status = status;
    this.#report.finishedAt = status === "INTERRUPTED" ? null : new Date().toISOString();
    let headline = "";
    try {
      await parts.writeReports(runDir, this.#report);
      headline = parts.headline(this.#report);
    } catch (error) {
      const fault = OutputError.from(error, "could not write the reports into", runDir);
      bus.emit({ type: "error", message: fault.message });
      // a FAIL or an interruption still says more than the disk; a PASS without reports is not one
      if (status === "PASS") {
        status = "ERROR";
        this.#exitCode = exitCodeFor(fault);
      }
    }
    this.#lastStatus = status;
    bus.emit({ type: "run-end", status, outDir: runDir, headline });
    return status;
  }

  #child: { pid: number; rssBytes: number } | null = null;

  /** The child being measured now, for the memory gauges. */
  get child(): { pid: number; rssBytes: number } | null {
    return this.#child;
  }

  #putScale(result: ScaleResult): void {
    const at = this.#report.scales.findIndex((s) => s.scale === result.scale);
    if (at >= 0) this.#report.scales[at] = result;
    else {
      // in the configured order (a rerun's report drops the rerun scales, then puts them back)
      const order = this.#setup.config.scales;
      const before = this.#report.scales.findIndex((s) => order.indexOf(s.scale) > order.indexOf(result.scale));
      this.#report.scales.splice(before < 0 ? this.#report.scales.length : before, 0, result);
    }
  }

  /** The scale's verdicts by the report's own rule, for the front ends (they decide nothing). */
  #emitComparison(scale: string): void {
    const comparison = compareScales(this.#report).find((c) => c.scale === scale);
    if (!comparison) return;
    const { time, memory } = comparison;
    this.bus.emit({
      type: "comparison",
      scale,
      time: {
        class: time.class,
        winner: time.class === "comparable" ? "tie" : time.class === "streaming faster" ? "streaming" : time.class === "in-memory faster" ? "in-memory" : null,
        ratio: time.ratio,
        interval: time.interval,
        pairs: time.pairs,
        runsToSettle: time.runsToSettle,
      },
      memory: {
        class: memory.class,
        winner: memory.class === "comparable" ? "tie" : memory.class === "streaming lower" ? "streaming" : memory.class === "streaming higher" ? "in-memory" : null,
        ratio: memory.ratio,
        interval: memory.interval,
        pairs: memory.pairs,
        runsToSettle: memory.runsToSettle,
      },
      memorySavedPercent: comparison.memorySavedPercent,
    });
  }

  /** A sweep's crossover estimate over the sizes done so far (the report's own analysis). */
  #emitCrossover(): void {
    if (!this.#report.sweep) return;
    const analysis = analyseSweep(this.#report);
    const figures = crossoverFigures(analysis);
    this.bus.emit({ type: "crossover", sizes: analysis.sizes.length, time: figures.time, memory: figures.memory, text: liveCrossoverText(analysis) });
  }

  #emitTail(file: string): void {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, "utf8").trimEnd().split("\n").slice(-20);
    } catch {
      return;
    }
    this.bus.emit({ type: "log", level: "error", text: `FAIL tail of ${file}:\n${lines.map((l) => `  ${l}`).join("\n")}` });
  }
}

/** The verdict of everything in the report: FAIL if any validation failed, ERROR if a mode broke. */
export function standingStatus(report: RunReport): "PASS" | "FAIL" | "ERROR" {
  const runs = report.scales.flatMap((scale) => scale.runs);
  if (runs.some((run) => run.validation === "FAIL") || report.scales.some((scale) => scale.modesIdentical?.verdict === "FAIL")) return "FAIL";
  if (runs.some((run) => run.status === "FAILED")) return "ERROR";
  return "PASS";
}
