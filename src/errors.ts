import { accessSync, constants, existsSync, statfsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

// Errors that reach the user as one clear line. The CLI maps each kind to an exit code:
// UsageError and DataError -> 2 (the user's flags, settings or input), ServiceError -> 3
// (a server that cannot be reached or refuses), OutputError -> 2 (an unusable path) or 5 (disk
// full, I/O error), anything else -> 4 (a fault of ours).

/** Bad flags, settings or manifest: names the flag, variable, file or field. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Malformed input data: names the file, and where it can, the line and column. */
export class DataError extends Error {
  override name = "DataError";
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
  }
}

/** S3 or PostgreSQL unreachable, refusing, or rejecting credentials. Never carries a secret. */
export class ServiceError extends Error {
  override name = "ServiceError";
}

/** Exit code of an output that cannot be written for want of space or an I/O error. */
export const EXIT_OUTPUT_FAULT = 5;

/**
 * Exit code of `compare` and `run --baseline` with `--fail-on`: a figure classed slower (or higher
 * in memory) against the baseline. Never for an inconclusive one.
 */
export const EXIT_REGRESSION = 6;

/** errno codes that say the path given is unusable (a setting to fix): exit 2. */
const BAD_PATH_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EISDIR", "EEXIST", "ENAMETOOLONG", "ELOOP"]);

/**
 * A file or folder streambench must write cannot be: names the path and the reason in one line.
 * Exit 2 when the path is unusable (read-only, no permission, missing parent), 5 when the disk is
 * full or the device fails (ENOSPC, EDQUOT, EIO).
 */
export class OutputError extends Error {
  override name = "OutputError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  /** From a file-system error: "<what> <path>: <reason> (<code>)". */
  static from(error: unknown, what: string, path: string): OutputError {
    if (error instanceof OutputError) return error;
    const e = error as NodeJS.ErrnoException;
    const reason = REASONS[e?.code ?? ""] ?? String(e?.message ?? error).replace(/^[A-Z]+: /, "").split(",")[0];
    return new OutputError(`${what} ${path}: ${reason}${e?.code ? ` (${e.code})` : ""}`, e?.code);
  }
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOENT: "the folder does not exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
};

/**
 * Why a folder cannot be created: recursive mkdir reports ENOENT even when the real cause is a
 * read-only or inaccessible ancestor, so the deepest existing ancestor is tested for writing.
 */
export function mkdirFailure(error: unknown, what: string, path: string): OutputError {
  if ((error as NodeJS.ErrnoException)?.code === "ENOENT") {
    let dir = resolve(path);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    try {
      if (!statSync(dir).isDirectory()) return OutputError.from(Object.assign(new Error("not a folder"), { code: "ENOTDIR" }), what, path);
      accessSync(dir, constants.W_OK);
    } catch (cause) {
      const e = OutputError.from(cause, what, path);
      return new OutputError(`${e.message.replace(/ \(E[A-Z]+\)$/, "")} (at ${dir}, ${e.code})`, e.code);
    }
  }
  return OutputError.from(error, what, path);
}

/**
 * Less than 1 MiB free where `path` lives: a failure there is most likely the full disk.
 * pipelines/job-io.ts `nearlyFull` is its twin on purpose: a child imports no src/errors.ts.
 */
export function diskIsFull(path: string): boolean {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

/** True for an errno error of the file system (as opposed to a bug). */
export function isFsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof DataError) return 2;
  if (error instanceof ServiceError) return 3;
  if (error instanceof OutputError) return BAD_PATH_CODES.has(error.code ?? "") ? 2 : EXIT_OUTPUT_FAULT;
  return 4;
}
