// Process entry: run the CLI, turn errors into one clear line and an exit code.
import { main } from "./commands/cli.ts";
import { exitCodeFor, UsageError, DataError, ServiceError } from "./errors.ts";

try {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
} catch (error) {
  const known = error instanceof UsageError || error instanceof DataError || error instanceof ServiceError;
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`streambench: ${known ? text : `internal error: ${error instanceof Error && error.stack ? error.stack : text}`}\n`);
  process.exitCode = exitCodeFor(error);
}
// Exit explicitly: a stray handle (a polars thread pool, a closed server's timer) must not keep a
// finished run alive.
process.exit(process.exitCode ?? 0);
