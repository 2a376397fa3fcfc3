// The child's side of the job protocol that every pipeline entry shares, polars or SQL: reading the
// job, measuring the child's own peak memory, and failing with the protocol's own kinds (bad input,
// a file it cannot write, a fault); the parent maps them to the CLI's errors. No engine imported here.
import { readFileSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import type { Job, JobFailure, JobReport, Mode } from "../src/contract/job.ts";
import { InputError } from "./input-files.ts";

/** A file the child must write cannot be (the summary on a full disk): kind "output", with the errno code. */
class WriteError extends Error {
  override name = "WriteError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The file system's failures that are the disk's, not ours: the errno code, its words, and the strerror text engines quote. */
const DISK_FAILURES = [
  { code: "ENOSPC", reason: "no space left on the device", text: "No space left on device" },
  { code: "EDQUOT", reason: "disk quota exceeded", text: "Disk quota exceeded" },
  { code: "EIO", reason: "input/output error", text: "Input/output error" },
];

/**
 * Under 1 MiB left for unprivileged writes where `path` lives (false when that cannot be read).
 * src/errors.ts `diskIsFull` is its twin on purpose: a child imports no src/errors.ts.
 */
function nearlyFull(path: string): boolean {
  try {
    const fs = statfsSync(dirname(path));
    return fs.bavail * fs.bsize < 2 ** 20;
  } catch {
    return false;
  }
}

/**
 * A write that failed for want of space or on an I/O error, as a WriteError "<what> <path>:
 * <reason> (<code>)"; any other error as it is. Node gives the errno code; polars and DuckDB quote
 * the OS's words ("... No space left on device (os error 28)"), or, when polars' parquet writer
 * fails in its footer, only "Invalid thrift: transport error": then a full disk is the cause.
 */
export function writeFailure(e: unknown, what: string, path: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const message = String((e as Error)?.message ?? "");
  const hit = DISK_FAILURES.find((d) => d.code === code || message.includes(d.text)) ?? (nearlyFull(path) ? DISK_FAILURES[0] : undefined);
  return hit ? new WriteError(`${what} ${path}: ${hit.reason} (${hit.code})`, hit.code) : e;
}

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
 * a file it cannot write (WriteError: the summary on a full disk) as kind "output" with its errno
 * code, each with its message as it is (file, line, column), anything else as a "fault" described by
 * `describe` (the engine knows how to make its errors short); STREAMBENCH_DEBUG prints the stack of a fault.
 */
export function exitWithFailure(mode: Mode, e: unknown, describe: (e: unknown) => string): never {
  const input = e instanceof InputError;
  const output = e instanceof WriteError;
  const failure: JobFailure = {
    ok: false,
    mode,
    error: input || output ? e.message : `${e instanceof Error ? e.name + ": " : ""}${describe(e)}`,
    kind: input ? "input" : output ? "output" : "fault",
    ...(output ? { code: e.code } : {}),
  };
  if (!input && process.env.STREAMBENCH_DEBUG) console.error(e);
  process.stdout.write(JSON.stringify(failure) + "\n");
  process.exit(1);
}
