// Process entry: run the CLI, turn errors into one clear line and an exit code.
import { main } from "./commands/cli.ts";
import { exitCodeFor, UsageError, DataError, ServiceError, OutputError } from "./errors.ts";

// `streambench ... | head`: once the reader is gone, output is dropped instead of crashing the
// run with an unhandled EPIPE; the run goes on and writes its results folder.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

try {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
} catch (error) {
  const known = error instanceof UsageError || error instanceof DataError || error instanceof ServiceError || error instanceof OutputError;
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`streambench: ${known ? text : `internal error: ${error instanceof Error && error.stack ? error.stack : text}`}\n`);
  process.exitCode = exitCodeFor(error);
}
// Exit explicitly: a stray handle (a polars thread pool, a closed server's timer) must not keep a
// finished run alive.
process.exit(process.exitCode ?? 0);
