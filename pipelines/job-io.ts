// The child's side of the job protocol that every pipeline entry shares, polars or SQL: reading the
// job and measuring the child's own peak memory. No engine imported here.
import { readFileSync } from "node:fs";
import type { Job, JobFailure, JobReport, Mode } from "../src/contract/job.ts";
import { InputError } from "./input-files.ts";
import { OutputError } from "../src/errors.ts";

export function parseJob(argv: string[]): Job {
  const text = argv[2] ?? readFileSync(0, "utf8");
  let job: Job;
  try {
    job = JSON.parse(text) as Job;
  } catch (e) {
    throw new Error(`the job is not valid JSON: ${(e as Error).message}`);
  }
  if (!job || typeof job !== "object" || !job.input || typeof job.output !== "string") {
    throw new Error("the job needs input and output");
  }
  return job;
}

/**
 * This process's own peak RSS in kB: VmHWM of its address space. Not resourceUsage().maxRSS:
 * Linux carries the spawning parent's high-water mark into ru_maxrss across exec, so a child of a
 * large parent (PGlite runs in the parent) would report the parent's size (43 MB real, 823 MB
 * reported with an 800 MB parent, in Node and in Deno alike).
 */
export function ownPeakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall back to the rusage figure
  }
  return process.resourceUsage().maxRSS;
}

/** Prints the child's one JSON line, its report, and exits 0. */
export function exitWithReport(report: JobReport): never {
  process.stdout.write(JSON.stringify(report) + "\n");
  process.exit(0);
}

/**
 * Prints the child's one JSON line for a failure and exits 1: bad input (InputError) as kind "input",
 * a file it cannot write (OutputError: disk full while staging) as kind "output"
 * with its message as it is (file, line, column), anything else as a "fault" described by `describe`
 * (the engine knows how to make its errors short); STREAMBENCH_DEBUG prints the stack of a fault.
 */
export function exitWithFailure(mode: Mode, e: unknown, describe: (e: unknown) => string): never {
  const input = e instanceof InputError;
  const output = e instanceof OutputError;
  const failure: JobFailure = {
    ok: false,
    mode,
    error: input || output ? e.message : `${e instanceof Error ? e.name + ": " : ""}${describe(e)}`,
    kind: input ? "input" : output ? "output" : "fault",
    ...(output && e.code ? { code: e.code } : {}),
  };
  if (!input && process.env.STREAMBENCH_DEBUG) console.error(e);
  process.stdout.write(JSON.stringify(failure) + "\n");
  process.exit(1);
}
