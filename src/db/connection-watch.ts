// The write's connection and its watch: a server that drops the connection under a statement is
// reported as the write's failure (not an unhandled 'error'), and a server that stops answering is
// named while it is silent and hung up on at the answer timeout (--pg-timeout) or an interruption.
import type pg from "pg";
import { ServiceError } from "../errors.ts";
import { describePg, type PgSettings } from "./settings.ts";
import { AnswerWatch, DEFAULT_PG_ANSWER_TIMEOUT_MS } from "./answer-watch.ts";
import type { WriteSummaryOptions } from "./summary-write.ts";

/** An error that says the connection went away (the server ended it, or its socket closed). */
export function isLostConnection(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code === "57P01" || e?.code === "EPIPE" || e?.code === "ECONNRESET") return true;
  return /Connection terminated|terminating connection|Client has encountered a connection error/i.test(String(e?.message ?? ""));
}

/**
 * A checked-out connection with an 'error' listener. The server can drop a connection under a
 * running statement (pg_terminate_backend, a restart): pg then emits 'error' on the checked-out
 * client, which would crash the process unhandled (EPIPE). The listener keeps the error, aborts a
 * running COPY with it, and the error is reported as the write's failure.
 */
export interface Connection {
  client: pg.PoolClient;
  broken: Error | undefined;
  lost: AbortController;
  onError(err: Error): void;
  /** This side ended it (hangUp): no answer in time, or an interruption. */
  hungUp?: boolean;
}

/** Ends a connection from this side: every statement waiting on it fails with `err`. */
function hangUp(conn: Connection, err: Error): void {
  conn.hungUp = true;
  conn.onError(err);
  // pg has no public way to drop a socket under a running statement; end() waits for the server
  (conn.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * The write's watch on its server (answer-watch.ts): says when it falls silent, ends the connection
 * when it stays silent past the timeout or when `signal` aborts. `doing` names what waits.
 */
export function watchServer(conn: Connection, opts: WriteSummaryOptions, settings: PgSettings): { watch: AnswerWatch; doing: { what: string }; unwatch(): void } {
  const doing = { what: `writing the summary of source ${opts.sourceUuid}` };
  const where = `PostgreSQL at ${describePg(settings)}`;
  const timeoutMs = opts.answerTimeoutMs ?? DEFAULT_PG_ANSWER_TIMEOUT_MS;
  const secs = (ms: number) => (ms / 1000).toFixed(0);
  const watch = new AnswerWatch({
    timeoutMs,
    onSilence: (ms) => opts.onSilence?.(`${where} is not answering: nothing for ${secs(ms)} s while ${doing.what} (giving up after ${secs(timeoutMs)} s)`),
    onAnswer: (ms) => opts.onSilence?.(`${where} answered again after ${secs(ms)} s`),
    onTimeout: (ms) => hangUp(conn, new ServiceError(`${where} did not answer for ${secs(ms)} s while ${doing.what}: gave up (the limit is --pg-timeout)`)),
  });
  const onAbort = () => hangUp(conn, new Error("interrupted"));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  return { watch, doing, unwatch: () => opts.signal?.removeEventListener("abort", onAbort) };
}

export function watchConnection(client: pg.PoolClient): Connection {
  const conn: Connection = {
    client,
    broken: undefined,
    lost: new AbortController(),
    onError(err) {
      conn.broken ??= err;
      conn.lost.abort(err);
    },
  };
  client.on("error", conn.onError);
  return conn;
}
