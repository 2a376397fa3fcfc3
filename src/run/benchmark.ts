// The benchmark as a controllable object: runs the selected scales, fails fast, writes reports,
// and takes the front end's commands (rerun a scale, run all again, quit). One run at a time.
import { readFileSync } from "node:fs";
import type { Config } from "../commands/run-config.ts";
import { diskIsFull, exitCodeFor, isFsError, OutputError } from "../errors.ts";
import type { RunReport, ScaleResult, Environment } from "../report/model.ts";
import { compareScales } from "../report/analysis.ts";
import { EventBus } from "./event-bus.ts";
import type { RunCommands, RunStatus } from "./events.ts";
import { RunEta, type CostPoint } from "./eta.ts";
import type { Parts } from "./parts.ts";
import { InterruptedError, runScale, ValidationFailure } from "./scale-run.ts";

export interface BenchmarkSetup {
  config: Config;
  runDir: string;
  parts: Parts;
  environment: Environment;
  settings: Record<string, unknown>;
  /** Pod usage rows of a scale before it runs, for the ETA (null when unknown, e.g. --input). */
  expectedRows(scale: string): number | null;
  /** Earlier runs' (rows, ms) per scale, for an ETA before the first scale finishes. */
  history: CostPoint[];
}

export class Benchmark implements RunCommands {
  readonly bus = new EventBus();
  readonly #setup: BenchmarkSetup;
  readonly #abort = new AbortController();
  readonly #report: RunReport;
  #busy: Promise<RunStatus> | null = null;
  #kill: (() => void) | null = null;
  #lastStatus: RunStatus = "running";
  #exitCode = 0;

  constructor(setup: BenchmarkSetup) {
    this.#setup = setup;
    this.#report = {
      startedAt: new Date().toISOString(),
      finishedAt: null,
      status: "INTERRUPTED",
      settings: setup.settings,
      environment: setup.environment,
      scales: [],
    };
  }

  get runDir(): string {
    return this.#setup.runDir;
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

  async #runScales(scales: readonly string[]): Promise<RunStatus> {
    const { config, parts, runDir } = this.#setup;
    const bus = this.bus;
    this.#lastStatus = "running";
    bus.emit({ type: "run-start", scales: [...scales], modes: [...config.modes], runs: config.runs, outDir: runDir });
    const eta = new RunEta(this.#setup.history);
    let current: { scale: string; rows: number; startedAt: number } | null = null;
    const rowsToGo = (from: number) => scales.slice(from).map((s) => this.#setup.expectedRows(s) ?? 0);
    let status: Exclude<RunStatus, "running"> = "PASS";
    let index = 0;
    const onPace = (fractionDone: number, phaseRemainingMs: number | null) => {
      const running = current ? { rows: current.rows, elapsedMs: performance.now() - current.startedAt, fractionDone } : undefined;
      bus.emit({ type: "eta", phaseRemainingMs, runRemainingMs: eta.remainingMs(rowsToGo(index + 1), running) });
    };
    try {
      for (index = 0; index < scales.length; index++) {
        const scale = scales[index];
        current = { scale, rows: this.#setup.expectedRows(scale) ?? 0, startedAt: performance.now() };
        const result = await runScale(
          {
            config,
            bus,
            parts,
            runDir,
            signal: this.#abort.signal,
            setKill: (kill) => {
              this.#kill = kill;
            },
            setChild: (pid, rssBytes) => {
              this.#child = pid === null ? null : { pid, rssBytes };
            },
            onResult: (partial) => this.#putScale(partial),
            onPace,
          },
          scale,
        );
        this.#putScale(result);
        this.#emitComparison(scale);
        eta.scaleFinished({ rows: result.inputRows, ms: performance.now() - current.startedAt });
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
    else this.#report.scales.push(result);
  }

  /** The scale's winner by the report's own rule, for the front ends (they decide nothing). */
  #emitComparison(scale: string): void {
    const comparison = compareScales(this.#report).find((c) => c.scale === scale);
    if (!comparison) return;
    this.bus.emit({
      type: "comparison",
      scale,
      faster: comparison.timeClass === "comparable" ? "tie" : comparison.timeClass === "streaming faster" ? "streaming" : "in-memory",
      lessMemory: comparison.memoryClass === "comparable" ? "tie" : comparison.memoryClass === "streaming lower" ? "streaming" : "in-memory",
      speedRatio: comparison.speedRatio,
      memorySavedPercent: comparison.memorySavedPercent,
    });
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
