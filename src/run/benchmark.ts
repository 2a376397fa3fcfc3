// The benchmark as a controllable object: runs the selected scales, fails fast, writes reports,
// and takes the front end's commands (rerun a scale, run all again, quit). One run at a time.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Mode } from "../contract/job.ts";
import type { Config } from "./config.ts";
import { diskIsFull, exitCodeFor, isFsError, OutputError } from "../errors.ts";
import type { RunReport, ScaleResult, Environment, SweepInfo } from "../records/run-report.ts";
import type { RunSettings } from "../records/run-settings.ts";
import { compareScales } from "../report/analysis.ts";
import { comparisonExitCode, compareRuns, regressions } from "../compare/run-comparison.ts";
import { describeDifference } from "../records/comparison-text.ts";
import { analyseSweep, crossoverFigures } from "../report/crossover.ts";
import { liveCrossoverText } from "../report/crossover-report.ts";
import { EventBus } from "./event-bus.ts";
import { childRunsPerScale, type RunCommands, type RunStatus } from "./events.ts";
import { atLeastPhase, newerCosts, RunEta, type CostHistory } from "./eta.ts";
import type { Parts } from "./run-parts.ts";
import { createRunFolder, runFiles } from "./results-folder.ts";
import { InterruptedError, runScale, ValidationFailure, type ScaleRunContext } from "./scale-run.ts";
import { SamplingBudget } from "./sampling.ts";
import { describeLimits, limitTag, NO_LIMITS, type Limits } from "../limits/limit-settings.ts";
import { capacityFrontier, frontierGaps } from "../report/limits-frontier.ts";
import { ladderScale, SCALE_HOURS } from "../scales.ts";

export interface BenchmarkSetup {
  config: Config;
  runDir: string;
  parts: Parts;
  environment: Environment;
  settings: RunSettings;
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

  /** Runs the configured scales (under each limit in turn); resolves with the final status. */
  start(): Promise<RunStatus> {
    return this.#run(this.#configuredUnits());
  }

  /** Runs one row of the report again: a scale, `<scale>@<limit>` under a list of limits, or a size a sweep added. */
  rerunScale(scale: string): void {
    if (this.#busy) {
      this.bus.emit({ type: "log", level: "warn", text: `busy: ${scale} can be rerun once the current run ends` });
      return;
    }
    const units = [...this.#configuredUnits(), ...this.#refinedUnits];
    const unit = units.find((u) => u.label === scale);
    if (!unit) {
      const rows = units.filter((u) => u.scale === scale).map((u) => u.label);
      this.bus.emit({ type: "log", level: "warn", text: rows.length > 0 ? `${scale} runs as ${rows.join(", ")}: rerun one of those` : `unknown scale ${scale}` });
      return;
    }
    void this.#run([unit]);
  }

  runAll(): void {
    if (this.#busy) {
      this.bus.emit({ type: "log", level: "warn", text: "busy: all scales can run again once the current run ends" });
      return;
    }
    void this.#run(this.#configuredUnits());
  }

  #configuredUnits(): LimitedScale[] {
    return limitedScales(this.#setup.config.scales, this.#setup.config.limits);
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

  #run(units: LimitedScale[]): Promise<RunStatus> {
    const run = this.#runScales(units).finally(() => {
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

  async #runScales(units: LimitedScale[]): Promise<RunStatus> {
    if (this.#folderUsed && !this.#openRerunFolder(units.map((u) => u.label))) return this.#lastStatus;
    this.#folderUsed = true;
    const { config, parts } = this.#setup;
    const runDir = this.#runDir;
    const bus = this.bus;
    this.#lastStatus = "running";
    const sweep = this.#setup.sweep;
    bus.emit({ type: "run-start", ...plannedRows(units, config, sweep), outDir: runDir });
    const eta = new RunEta(
      units.map(({ scale, label }) => ({ scale: label, rows: this.#setup.expectedRows(scale) })),
      childRunsPerScale(config.modes.length, config.repetitions, config.warmup),
      this.#history,
    );
    const budget = config.autoRuns ? new SamplingBudget(config.autoRuns.budgetSeconds, units.length) : undefined;
    let current: { scale: string } | null = null;
    let status: Exclude<RunStatus, "running"> = "PASS";
    const onPace = (phaseRemainingMs: number | null) => {
      bus.emit({ type: "eta", phaseRemainingMs, runRemainingMs: atLeastPhase(eta.remainingMs(performance.now()), phaseRemainingMs) });
    };
    try {
      let limitsNow: Limits | null = null;
      // a sweep appends sizes between a mode's largest PASS and smallest OOM as it goes (#refinements)
      for (let i = 0; i < units.length; i++) {
        const { scale: generateAs, label: scale, limits } = units[i];
        current = { scale };
        if (limits !== limitsNow) this.#limitChildren((limitsNow = limits));
        const scaleStarted = performance.now();
        const result = await runScale(this.#scaleContext(scale, runDir, eta, onPace, budget), scale, generateAs);
        budget?.scaleDone();
        this.#putScale(result);
        this.#emitComparison(scale);
        this.#emitBaseline(scale, true);
        this.#emitCrossover();
        eta.scaleFinished(scale, performance.now() - scaleStarted);
        onPace(null);
        current = null;
        if (i === units.length - 1) units.push(...this.#refinements(units));
      }
    } catch (error) {
      status = this.#failedWith(error, runDir, current?.scale);
    }
    this.#history = newerCosts(eta.finishedCosts(), this.#history);
    if (status === "PASS") {
      // A rerun of one scale answers for the whole report: the other scales' verdicts still stand.
      status = standingStatus(this.#report);
      this.#exitCode = status === "PASS" ? 0 : status === "FAIL" ? 1 : 4;
    }
    this.#compareWithBaseline(status);
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

  /** What runScale needs of the run for one scale: its parts and files, and the hooks that feed the ETA, the gauges and the report. */
  #scaleContext(scale: string, runDir: string, eta: RunEta, onPace: (phaseRemainingMs: number | null) => void, budget: SamplingBudget | undefined): ScaleRunContext {
    const { config, parts } = this.#setup;
    return {
      config,
      bus: this.bus,
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
        this.#emitBaseline(scale, false);
      },
      onUnit: (kind, event, ms) => {
        if (event === "start") eta.unitStarted(scale, kind, performance.now());
        else eta.unitFinished(scale, kind, ms ?? 0);
      },
      onPace,
      phaseDurations: this.#phaseDurations,
      budget,
    };
  }

  /** How the run ended when a scale threw: INTERRUPTED (130), FAIL (1) or ERROR (its exit code), said on the bus. */
  #failedWith(error: unknown, runDir: string, scale: string | undefined): Exclude<RunStatus, "running" | "PASS"> {
    if (error instanceof InterruptedError || this.#abort.signal.aborted) {
      this.#exitCode = 130;
      this.bus.emit({ type: "log", level: "warn", text: "interrupted: children and servers stopped, results marked INTERRUPTED" });
      return "INTERRUPTED";
    }
    if (error instanceof ValidationFailure) {
      this.#exitCode = 1;
      this.bus.emit({ type: "error", message: error.message });
      for (const file of error.logFiles) this.#emitTail(file);
      return "FAIL";
    }
    // a file the run writes (a log, a summary CSV) could not be: the path and the reason
    const fault = isFsError(error)
      ? OutputError.from(error, "cannot write", (error as NodeJS.ErrnoException).path ?? runDir)
      : diskIsFull(runDir) // e.g. polars' parquet writer says "Invalid thrift: transport error"
        ? new OutputError(`no space left on the device holding ${runDir} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`, "ENOSPC")
        : error;
    this.#exitCode = exitCodeFor(fault);
    this.bus.emit({ type: "error", scale, message: fault instanceof Error ? fault.message : String(fault) });
    return "ERROR";
  }

  #child: { pid: number; rssBytes: number } | null = null;
  /** Sizes a sweep added to narrow the frontier so far (at most MAX_REFINEMENTS per limit), as rows a rerun (r) can name. */
  #refinedUnits: LimitedScale[] = [];

  /**
   * A sweep under limits: one more size between each mode's largest PASS and smallest OOM that are
   * more than FRONTIER_FACTOR apart (their geometric mean, as a pods-N ladder point), at most
   * MAX_REFINEMENTS under each limit. Each runs under the limit of its gap, every mode.
   */
  #refinements(done: readonly LimitedScale[]): LimitedScale[] {
    const sweep = this.#setup.sweep;
    if (!sweep) return [];
    const next: LimitedScale[] = [];
    for (const { entry, nextRows } of frontierGaps(capacityFrontier(this.#report))) {
      const limits = this.#setup.config.limits.find((l) => l.memoryLimitBytes === entry.memoryLimitBytes && entry.memoryLimitBytes !== null);
      const point = ladderScale(Math.round(nextRows / SCALE_HOURS));
      if (!limits || this.#refinedUnits.filter((u) => u.limits === limits).length >= MAX_REFINEMENTS) continue;
      if ([...done, ...next].some((u) => u.scale === point.name && u.limits === limits)) continue;
      const label = this.#setup.config.limits.length > 1 ? `${point.name}@${limitTag(limits)}` : point.name;
      next.push({ scale: point.name, label, limits });
      this.#refinedUnits.push({ scale: point.name, label, limits });
      if (!sweep.points.some((p) => p.scale === point.name)) {
        sweep.points.push({ scale: point.name, pods: point.pods, namespaces: point.namespaces, nodes: point.nodes, podRows: point.podRows });
        sweep.points.sort((a, b) => a.pods - b.pods);
      }
      this.bus.emit({ type: "log", level: "info", text: `frontier of ${entry.mode} under ${describeLimits(limits, null)}: PASS at ${entry.maxPassRows} rows, OOM at ${entry.minOomRows}; measuring ${label} (${point.podRows} rows) between them` });
    }
    return next;
  }

  /** Every child from now on under these limits; the front ends are told the cap. */
  #limitChildren(limits: Limits): void {
    const cap = this.#setup.parts.limitChildren?.(limits) ?? null;
    this.bus.emit({ type: "limits", capBytes: cap?.bytes ?? null, source: cap?.source ?? "guard", cpus: limits.cpus, preset: limits.preset, label: describeLimits(limits, cap) });
  }

  /** The child being measured now, for the memory gauges. */
  get child(): { pid: number; rssBytes: number } | null {
    return this.#child;
  }

  #putScale(result: ScaleResult): void {
    const at = this.#report.scales.findIndex((s) => s.scale === result.scale);
    if (at >= 0) this.#report.scales[at] = result;
    else {
      // in the configured order (a rerun's report drops the rerun scales, then puts them back); a
      // scale the configuration does not name (a sweep's refinement, a scale under a list of
      // limits) after those, in the order it was measured
      const order = this.#setup.config.scales;
      const rank = (scale: string) => (order.includes(scale) ? order.indexOf(scale) : Infinity);
      const before = this.#report.scales.findIndex((s) => rank(s.scale) > rank(result.scale));
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

  /**
   * --baseline: the report's "Against the baseline"; with --fail-on, a PASS run whose figures
   * regressed exits 6 (2 when a scale could not be compared: the gate could not check it).
   */
  #compareWithBaseline(status: RunStatus): void {
    const { baseline, failOn, threshold } = this.#setup.config;
    if (!baseline) return;
    const comparison = compareRuns(baseline.report, this.#report, { threshold });
    this.#report.baseline = { against: baseline.against, comparison };
    if (status !== "PASS" || failOn.length === 0) return;
    this.#exitCode = comparisonExitCode(comparison, failOn);
    const regressed = regressions(comparison, failOn).map((c) => `${c.scale} ${c.mode} ${c.figure} ${c.class} (${c.ratio.toFixed(2)}×)`);
    if (regressed.length > 0) this.bus.emit({ type: "error", message: `against the baseline (--fail-on ${failOn.join(",")}): ${regressed.join("; ")}` });
    for (const r of comparison.refused) this.bus.emit({ type: "error", scale: r.scale, message: `${r.scale} cannot be compared with the baseline: the data differ (${r.differences.map(describeDifference).join("; ")})` });
  }

  /** Each mode of a scale against the baseline (--baseline), for the front ends: as its runs complete, and once final. */
  #emitBaseline(scale: string, final: boolean): void {
    const { baseline, threshold } = this.#setup.config;
    if (!baseline) return;
    const comparison = compareRuns(baseline.report, { ...this.#report, scales: this.#report.scales.filter((s) => s.scale === scale) }, { threshold });
    const modes = comparison.changes
      .filter((c) => c.scale === scale && (c.figure === "duration" || c.figure === "peak memory"))
      .map((c) => ({ mode: c.mode, figure: c.figure, ratio: c.ratio, interval: c.interval, class: c.class, runsToSettle: c.runsToSettle }));
    const refused = comparison.refused.find((r) => r.scale === scale);
    if (!final && modes.length === 0 && !refused) return; // nothing validated yet
    this.bus.emit({ type: "baseline", scale, final, changes: modes, refused: refused ? refused.differences.map(describeDifference).join("; ") : null });
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

/** A scale to run, the name its result goes under, and the limits its children run under. */
export interface LimitedScale {
  scale: string;
  label: string;
  limits: Limits;
}

/** Extra sizes a sweep may add under each limit to narrow the frontier (each a scale run of every mode). */
export const MAX_REFINEMENTS = 6;

/**
 * The (scale, limits) pairs a run goes through: each limit of a --memory-limit list in turn, every
 * scale under it. With more than one limit each pair is recorded as its own "scale" named
 * <scale>@<limit> (e.g. production-large@750MiB), so every report keeps one row per (scale, mode).
 */
export function limitedScales(scales: readonly string[], limits: readonly Limits[]): LimitedScale[] {
  const all = limits.length > 0 ? limits : [NO_LIMITS];
  return all.flatMap((l) => scales.map((scale) => ({ scale, label: all.length > 1 ? `${scale}@${limitTag(l)}` : scale, limits: l })));
}

/** The rows a run announces (run-start, and the monitor before it): one per (scale, limits), a sweep's with its input rows. */
export function plannedRows(
  units: readonly LimitedScale[],
  config: Pick<Config, "modes" | "repetitions" | "warmup">,
  sweep: SweepInfo | undefined,
): { scales: string[]; modes: Mode[]; repetitions: number; warmup: number; sweepRows?: Record<string, number> } {
  const rowsOf = (scale: string) => sweep?.points.find((p) => p.scale === scale)?.podRows;
  const sweepRows = sweep ? Object.fromEntries(units.flatMap((u) => (rowsOf(u.scale) === undefined ? [] : [[u.label, rowsOf(u.scale)!]]))) : undefined;
  return {
    scales: units.map((u) => u.label),
    modes: [...config.modes],
    repetitions: config.repetitions,
    warmup: config.warmup,
    ...(sweepRows ? { sweepRows } : {}),
  };
}

/** The verdict of everything in the report: FAIL if any validation failed, ERROR if a mode broke. */
export function standingStatus(report: RunReport): "PASS" | "FAIL" | "ERROR" {
  const runs = report.scales.flatMap((scale) => scale.runs);
  if (runs.some((run) => run.validation === "FAIL") || report.scales.some((scale) => scale.modesIdentical?.verdict === "FAIL")) return "FAIL";
  // OOM and TIMEOUT are measured outcomes under the limits the user set, not errors
  if (runs.some((run) => run.status === "FAILED")) return "ERROR";
  return "PASS";
}
