// Runs one pipeline job (pipelines/<mode>.ts) in a fresh child process of the current runtime,
// measured by the parent: the job goes in on stdin (the S3 secret stays out of ps), the child's
// one JSON line comes back as its report.
import { fileURLToPath } from "node:url";
import type { Job, JobFailure, JobReport, Mode } from "../contract/job.ts";
import { DataError, OutputError } from "../errors.ts";
import { startChild, type ChildOptions, type ChildOutcome, type ChildRunOptions, type StartedChild } from "./spawn.ts";
import { compiledPipelineEntry } from "./compiled-entry.ts";
import { isDeno, typeScriptCommand } from "./runtime.ts";
import { limitChild, LimitKilled, type Enforcement, type LimitedChild } from "./limit-enforcement.ts";
import type { MemoryCap } from "../limits/memory-cap.ts";
import type { Limits } from "../limits/limit-settings.ts";
import { engineThreads } from "../limits/engine-budget.ts";

/** The entry file of a polars mode. */
export function pipelineEntry(mode: Mode): string {
  return fileURLToPath(new URL(`../../pipelines/${mode}.ts`, import.meta.url));
}

/**
 * The command that runs a pipeline entry from its TypeScript source in a fresh process of the current
 * runtime (Node: --import tsx; Deno: run -A). The reference the compiled entry is checked against,
 * and the fallback when it cannot be built.
 */
export function pipelineCommand(mode: Mode, args: string[] = []): { command: string; args: string[] } {
  return typeScriptCommand(pipelineEntry(mode), args);
}

export interface PipelineStart {
  command: string;
  args: string[];
  /** "compiled": plain node on the cached bundle (src/child/compiled-entry.ts); "source": the TypeScript entry. */
  how: "compiled" | "source";
  /** Why the compiled entry was not used (build failed), when it was wanted. */
  fallbackReason?: string;
}

/**
 * The fastest correct command for a pipeline child. Node: plain `node` on the entry compiled once to
 * JavaScript (cached by the sources' hash; built at first use), falling back to `--import tsx` if the
 * build fails. Deno (fast at TypeScript already) and STREAMBENCH_PIPELINE_COMPILE=0: the source.
 */
export async function pipelineStartCommand(mode: Mode, args: string[] = []): Promise<PipelineStart> {
  if (isDeno || process.env.STREAMBENCH_PIPELINE_COMPILE === "0") return { ...pipelineCommand(mode, args), how: "source" };
  try {
    const bundle = await compiledPipelineEntry(pipelineEntry(mode));
    return { command: process.execPath, args: [bundle, ...args], how: "compiled" };
  } catch (e) {
    const reason = (e as Error).message.split("\n").slice(0, 3).join(" ");
    return { ...pipelineCommand(mode, args), how: "source", fallbackReason: reason };
  }
}

const reportedFallbacks = new Set<string>();

/**
 * Every engine child runs with glibc's malloc limited to two arenas (MALLOC_ARENA_MAX=2) unless the
 * user set it. glibc otherwise gives each polars worker thread its own arena and keeps freed pages
 * in them: streaming's peak RSS at production-large was 857-963 MB with the default and 713-727 MB
 * with two arenas, at the same CPU time. The same setting for every mode keeps the comparison fair.
 */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MALLOC_ARENA_MAX ? env : { ...env, MALLOC_ARENA_MAX: "2" };
}

export interface PipelineRun {
  report: JobReport;
  outcome: ChildOutcome;
  /** Under limits: what held the child (a cgroup, or the watchdog). */
  enforcement?: Enforcement;
}

/** Says a fallback to the TypeScript source once per process and reason (live log, or stderr without one). */
function reportFallback(mode: Mode, reason: string | undefined, onLine: ChildRunOptions["onLine"]): void {
  if (!reason || reportedFallbacks.has(reason)) return;
  reportedFallbacks.add(reason);
  const line = `streambench: could not compile pipelines/${mode}.ts (${reason}); running it with --import tsx (slower start)`;
  if (onLine) onLine(line, "stderr");
  else process.stderr.write(`${line}\n`);
}

interface StartedPipeline {
  child: StartedChild;
  fallbackReason?: string;
  /** Under limits: the child's group or watchdog (src/child/limit-enforcement.ts). */
  limited?: LimitedChild;
}

/** Limits for every child a launcher starts, and the memory cap they come to (the user's or the guard). */
export interface ChildLimits {
  limits: Limits;
  cap: MemoryCap;
}

/**
 * The engine's budget from the limits, as a user would set it: polars sizes its thread pool from
 * POLARS_MAX_THREADS once per process, so --cpus 0.2 or 1 gives it one thread, 2 two.
 */
export function limitedEnvironment(env: NodeJS.ProcessEnv, limits: Limits | undefined): NodeJS.ProcessEnv {
  const threads = engineThreads(limits?.cpus ?? null);
  if (threads === null || env.POLARS_MAX_THREADS) return env;
  return { ...env, POLARS_MAX_THREADS: String(threads) };
}

/** A pipeline child of this mode, spawned now, waiting for its job on stdin (under its limits, if any). */
async function startPipeline(mode: Mode, env: NodeJS.ProcessEnv = process.env, under?: ChildLimits): Promise<StartedPipeline> {
  const { command, args, fallbackReason } = await pipelineStartCommand(mode);
  const childEnv = limitedEnvironment(childEnvironment(env), under?.limits);
  if (!under) return { child: startChild(command, args, { env: childEnv }), fallbackReason };
  const limited = limitChild(command, args, under.limits, under.cap, env);
  return { child: startChild(limited.command, limited.args, { env: childEnv }), fallbackReason, limited };
}

/** Runs a started child, its limits watched from the job's hand-over; throws LimitKilled when they ended it. */
async function runLimited({ child, limited }: StartedPipeline, options: ChildRunOptions): Promise<ChildOutcome> {
  if (!limited) return child.run(options);
  try {
    if (child.pid !== undefined) limited.watch(child.pid, (signal) => child.kill(signal));
    const outcome = await child.run(options);
    const kill = limited.finish();
    if (kill) throw new LimitKilled(kill, limited.cap);
    return outcome;
  } finally {
    await limited.close();
  }
}

/** Hands the job to a started child and reads its report. A JobFailure of kind "input" becomes a DataError. */
async function runStarted(started: StartedPipeline, job: Job, options: Omit<ChildRunOptions, "input">): Promise<PipelineRun> {
  reportFallback(job.mode, started.fallbackReason, options.onLine);
  const outcome = await runLimited(started, { ...options, input: JSON.stringify(job) });
  const report = outcome.report as JobReport | JobFailure | null;
  if (report && report.ok === true) return { report, outcome, ...(started.limited ? { enforcement: started.limited.enforcement } : {}) };
  if (report && report.ok === false) {
    if (report.kind === "input") throw new DataError(report.error);
    if (report.kind === "output") throw new OutputError(report.error, report.code);
    throw new Error(`${job.mode} pipeline failed: ${report.error}`);
  }
  const tail = outcome.stderr.trim().split("\n").slice(-5).join("\n");
  throw new Error(
    `${job.mode} pipeline exited with ${outcome.exitCode ?? outcome.signal} without a report${tail ? `:\n${tail}` : ""}`,
  );
}

/**
 * Run one job in a fresh child process of the current runtime (Node: the compiled entry, else
 * --import tsx; Deno: run -A). The job goes in on stdin.
 */
export async function runPipeline(job: Job, options: Omit<ChildOptions, "input"> = {}): Promise<PipelineRun> {
  const { env, ...runOptions } = options;
  return runStarted(await startPipeline(job.mode, env), job, runOptions);
}

/**
 * Runs jobs in fresh child processes, each of which can be started ahead of its job (prestart):
 * the child then loads its runtime and engine (~0.2-0.3 s) while the parent writes and validates
 * the previous run, instead of on the clock of the run that follows. Still one process per run;
 * nothing is measured while a prestarted child loads, and its start-to-ready time is still
 * reported (timings.ready). close() ends the children never used.
 */
export class PipelineLauncher {
  #waiting = new Map<Mode, Promise<StartedPipeline>>();
  #under: ChildLimits | undefined;

  /** Every child started under these limits (none: as before). */
  constructor(under?: ChildLimits) {
    this.#under = under;
  }

  /** Children from now on start under these limits; those waiting under others are ended. */
  limitTo(under: ChildLimits | undefined): void {
    if (JSON.stringify(under) === JSON.stringify(this.#under)) return;
    this.close();
    this.#under = under;
  }

  /** Starts a child for the next job of this mode, unless one is waiting already. */
  prestart(mode: Mode): void {
    if (this.#waiting.has(mode)) return;
    const child = startPipeline(mode, process.env, this.#under);
    child.catch(() => undefined); // reported when the job is run
    this.#waiting.set(mode, child);
  }

  /** Runs the job in the child waiting for its mode, or in one started now. */
  async run(job: Job, options: Omit<ChildRunOptions, "input"> = {}): Promise<PipelineRun> {
    const waiting = this.#waiting.get(job.mode);
    this.#waiting.delete(job.mode);
    return runStarted(await (waiting ?? startPipeline(job.mode, process.env, this.#under)), job, options);
  }

  /** Ends every child still waiting for a job (and removes its group once it has exited). */
  close(): void {
    for (const started of this.#waiting.values()) void started.then(discard, () => undefined);
    this.#waiting.clear();
  }
}

/** Ends a child no job will use; once it has exited, its group (if any) goes too. */
async function discard({ child, limited }: StartedPipeline): Promise<void> {
  child.kill();
  if (!limited) return;
  await child.run({ input: "" }).catch(() => undefined);
  await limited.close();
}
