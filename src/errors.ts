// Errors that reach the user as one clear line. The CLI maps each kind to an exit code:
// UsageError and DataError -> 2 (the user's flags, settings or input), ServiceError -> 3
// (a server that cannot be reached or refuses), anything else -> 4 (a fault of ours).

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

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof DataError) return 2;
  if (error instanceof ServiceError) return 3;
  return 4;
}
