// Runs one pipeline job (pipelines/<mode>.ts) in a fresh child process of the current runtime,
// measured by the parent: the job goes in on stdin (the S3 secret stays out of ps), the child's
// one JSON line comes back as its report.
import { fileURLToPath } from "node:url";
import type { Job, JobFailure, JobReport, Mode } from "./contract/job.ts";
import { DataError } from "./errors.ts";
import { runChild, type ChildOutcome, type ChildOptions } from "./metrics/child-run.ts";
import { typeScriptCommand } from "./runtime.ts";

/** The entry file of a polars mode. */
export function pipelineEntry(mode: Mode): string {
  return fileURLToPath(new URL(`../pipelines/${mode}.ts`, import.meta.url));
}

/** The command that runs a pipeline entry in a fresh process of the current runtime. */
export function pipelineCommand(mode: Mode, args: string[] = []): { command: string; args: string[] } {
  return typeScriptCommand(pipelineEntry(mode), args);
}

export interface PipelineRun {
  report: JobReport;
  outcome: ChildOutcome;
}

/**
 * Run one job in a fresh child process of the current runtime (Node: --import tsx; Deno: run -A).
 * The job goes in on stdin. A JobFailure of kind "input" becomes a DataError.
 */
export async function runPipeline(job: Job, options: Omit<ChildOptions, "input"> = {}): Promise<PipelineRun> {
  const { command, args } = pipelineCommand(job.mode);
  const outcome = await runChild(command, args, { ...options, input: JSON.stringify(job) });
  const report = outcome.report as JobReport | JobFailure | null;
  if (report && report.ok === true) return { report, outcome };
  if (report && report.ok === false) {
    if (report.kind === "input") throw new DataError(report.error);
    throw new Error(`${job.mode} pipeline failed: ${report.error}`);
  }
  const tail = outcome.stderr.trim().split("\n").slice(-5).join("\n");
  throw new Error(
    `${job.mode} pipeline exited with ${outcome.exitCode ?? outcome.signal} without a report${tail ? `:\n${tail}` : ""}`,
  );
}

