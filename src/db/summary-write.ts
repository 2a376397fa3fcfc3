// Writing and reading the daily summary. One (scale, mode) run = one source_uuid. A write is ONE
// transaction: lock the source, delete its rows in the date range being written, bulk insert,
// commit. A writer killed midway leaves the table as it was (the server rolls back on
// disconnect); a rerun replaces, never doubles. Bulk path: INSERT ... SELECT FROM unnest($1) in
// batches, $1 one binary array of a composite row type (binary.ts), labels as indexes into each
// batch's distinct texts (the default, fastest on both servers); COPY FROM STDIN (CSV) on request,
// never on PGlite, where COPY over the socket server wedges it (stack-notes §4b).
// The write's pieces: the rows and their checks (write-rows.ts), the connection's watch
// (connection-watch.ts), the two bulk paths (unnest-rows.ts, copy-rows.ts); the readback on the
// open transaction is summary-read.ts.
import type pg from "pg";
import { DataError } from "../errors.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { detectPglite, pgFault, poolSettings } from "./pool.ts";
import type { PgSettings } from "./settings.ts";
import { DEFAULT_SCHEMA, ensureMonthPartitions, ensureSummaryTable, qualifiedTable } from "./schema.ts";
import { UUID_RE, validateRows } from "./write-rows.ts";
import { isLostConnection, watchConnection, watchServer, type Connection } from "./connection-watch.ts";
import { copyRows } from "./copy-rows.ts";
import { ensureRowType, unnestRows } from "./unnest-rows.ts";
import { readSummaryRows } from "./summary-read.ts";
import type { AnswerWatch } from "./answer-watch.ts";

export type BulkMethod = "copy" | "unnest";

export interface WriteSummaryOptions {
  schema?: string;
  sourceUuid: string;
  clusterId: string;
  clusterAlias?: string;
  rows: readonly SummaryRow[];
  /** Called as rows go in: (doneRows, totalRows). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Default "unnest" on both servers. At 132,060 rows it beats COPY on real PostgreSQL too (2.8 s
   * vs 3.2 s, half the client CPU): the label columns ship as indexes into a few hundred distinct
   * texts, so the server parses a few hundred jsonb values per batch instead of three per row.
   */
  method?: BulkMethod;
  /** Rows per unnest statement (default 2000) / per COPY chunk and progress report (default 5000). */
  batchSize?: number;
  /**
   * Days to replace, inclusive ("YYYY-MM-DD"). Default: min..max usage_start of the rows. Give it
   * when rows may be empty, so an empty rerun still clears the source's old rows.
   */
  range?: { start: string; end: string };
  /**
   * No word from the server for this long while a statement waits (a stopped backend, a proxy that
   * stopped forwarding): the connection is ended and the write fails with a ServiceError (exit 3).
   * Default DEFAULT_PG_ANSWER_TIMEOUT_MS.
   */
  answerTimeoutMs?: number;
  /** Told, as a sentence, when the server has not answered for a few seconds, and when it answers again. */
  onSilence?: (text: string) => void;
  /** Aborting ends the connection at once, so nothing waits on it (an interrupted run). */
  signal?: AbortSignal;
}

export interface WriteSummaryResult {
  deleted: number;
  inserted: number;
  method: BulkMethod;
  ms: number;
}

function dayRange(rows: readonly SummaryRow[]): { start: string; end: string } | null {
  let start: string | null = null;
  let end: string | null = null;
  for (const r of rows) {
    if (start === null || r.usage_start < start) start = r.usage_start;
    if (end === null || r.usage_start > end) end = r.usage_start;
  }
  return start === null || end === null ? null : { start, end };
}

/** Replaces one source's rows for the days written, in one transaction. */
export async function writeSummary(pool: pg.Pool, opts: WriteSummaryOptions): Promise<WriteSummaryResult> {
  const pending = await beginSummaryWrite(pool, opts);
  await pending.commit();
  return pending.result;
}

/**
 * A write whose transaction is still open: the rows are in, visible to this connection only, so
 * they can be read back and validated before anyone else sees them. commit() makes them visible;
 * rollback() (or the connection's loss) leaves the table as it was. Exactly one of the two must
 * be called; rollback() after commit() or twice does nothing.
 */
export interface PendingSummaryWrite {
  result: WriteSummaryResult;
  /** The source's rows as the server now holds them, read on the write's connection, in the server's order (readSummary sorts them). */
  readback(): Promise<SummaryRow[]>;
  /**
   * The same rows, each handed to `each` as it is parsed and not kept here; returns how many.
   * A comparison runs while the rest is still arriving, and rows nobody keeps die young: in a
   * run's large heap, keeping 132,060 rows that outlive the collector's young generation made
   * production-large's read and compare 0.5 s slower.
   */
  readEach(each: (row: SummaryRow) => void): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Opens the transaction and writes the rows (lock the source, delete its days, bulk insert). */
export async function beginSummaryWrite(pool: pg.Pool, opts: WriteSummaryOptions): Promise<PendingSummaryWrite> {
  validateRows(opts.rows);
  const settings = poolSettings(pool);
  const what = `writing the summary of source ${opts.sourceUuid}`;
  try {
    return await writeSummaryTx(pool, opts, settings, what);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw pgFault(err, settings, what);
  }
}

/** The write's connection, watched, with its transaction begun (and the month partitions and row type ready). */
interface OpenTransaction {
  conn: Connection;
  server: ReturnType<typeof watchServer>;
  method: BulkMethod;
  rowType: number;
}

async function openTransaction(
  pool: pg.Pool,
  opts: WriteSummaryOptions,
  settings: PgSettings,
  schema: string,
  range: { start: string; end: string } | null,
): Promise<OpenTransaction> {
  const rows = opts.rows;
  // Up to BEGIN nothing has been written: a pooled connection the server ended while it sat idle
  // (pg_terminate_backend, idle_session_timeout, a proxy) is replaced once, not reported. The
  // statements before BEGIN run on the write's own connection, watched like the rest of it.
  let method: BulkMethod = "copy";
  let rowType = 0;
  let conn: Connection | undefined;
  let server: ReturnType<typeof watchServer> | undefined;
  for (let attempt = 1; conn === undefined; attempt++) {
    let c: Connection | undefined;
    let s: ReturnType<typeof watchServer> | undefined;
    try {
      // COPY over PGlite's socket server wedges it: there the write is always unnest (result.method says so).
      method = opts.method === "copy" && !(await detectPglite(pool)) ? "copy" : "unnest";
      await ensureSummaryTable(pool, schema); // once per pool and schema
      c = watchConnection(await pool.connect());
      s = watchServer(c, opts, settings);
      const setup = c.client;
      s.doing.what = `preparing the write of the summary of source ${opts.sourceUuid}`;
      await s.watch.during(async () => {
        await ensureMonthPartitions(setup, schema, rows.length ? [range!.start, range!.end, ...monthStarts(rows)] : []);
        if (method === "unnest") rowType = await ensureRowType(setup, schema);
        await setup.query("BEGIN");
      });
      [conn, server] = [c, s];
    } catch (err) {
      s?.unwatch();
      if (c) c.client.release(c.broken ?? (err as Error)); // its listener stays: harmless on a discarded client
      // a connection this side ended (no answer, an interruption) is not retried
      if (attempt >= 2 || c?.hungUp || !isLostConnection(err)) throw (c?.hungUp && c.broken) || err;
    }
  }
  return { conn, server: server!, method, rowType };
}

/** Under the source's lock (two writers of one source serialise instead of both inserting), its rows in the range deleted; how many. */
async function deleteSourceRange(
  client: pg.PoolClient,
  watch: Pick<AnswerWatch, "during">,
  table: string,
  schema: string,
  sourceUuid: string,
  range: { start: string; end: string } | null,
): Promise<number> {
  await watch.during(() => client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`streambench:${schema}:${sourceUuid}`]));
  if (!range) return 0;
  const del = await watch.during(() =>
    client.query(`DELETE FROM ${table} WHERE source_uuid = $1 AND usage_start >= $2::date AND usage_start <= $3::date`, [sourceUuid, range.start, range.end]),
  );
  return del.rowCount ?? 0;
}

async function writeSummaryTx(pool: pg.Pool, opts: WriteSummaryOptions, settings: PgSettings, what: string): Promise<PendingSummaryWrite> {
  const t0 = performance.now();
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  if (!UUID_RE.test(opts.sourceUuid)) throw new DataError(`source uuid "${opts.sourceUuid}" is not a UUID`);
  const table = qualifiedTable(schema);
  const rows = opts.rows;
  const total = rows.length;
  const range = opts.range ?? dayRange(rows);
  const alias = opts.clusterAlias ?? opts.clusterId;

  const { conn, server, method, rowType } = await openTransaction(pool, opts, settings, schema, range);
  const client = conn.client;
  const { watch, doing, unwatch } = server;
  doing.what = `writing the summary of source ${opts.sourceUuid}`;
  const heard = { ...opts, onProgress: (done: number, all: number) => (watch.heard(), opts.onProgress?.(done, all)) };
  // PGlite runs in the caller's process: smaller statements keep its event loop responsive.
  const batch = Math.max(1, opts.batchSize ?? (method === "unnest" ? 2000 : 5000));

  let settled = false;
  const finish = () => {
    settled = true;
    unwatch();
    // A connection whose COPY or ROLLBACK failed is not reused (and its listener goes with it).
    if (conn.broken === undefined) client.off("error", conn.onError);
    client.release(conn.broken ?? undefined);
  };
  const rollback = async () => {
    if (settled) return;
    if (conn.broken === undefined) {
      try {
        doing.what = `rolling back the summary of source ${opts.sourceUuid}`;
        await watch.during(() => client.query("ROLLBACK"));
      } catch (e) {
        conn.broken = e as Error;
      }
    }
    finish();
  };
  let result: WriteSummaryResult;
  try {
    const deleted = await deleteSourceRange(client, watch, table, schema, opts.sourceUuid, range);
    opts.onProgress?.(0, total);
    if (total > 0) {
      if (method === "copy") await watch.during(() => copyRows(client, table, rows, heard, alias, batch, conn.lost.signal));
      else await watch.during(() => unnestRows(client, schema, rowType, rows, heard, alias, batch));
    }
    result = { deleted, inserted: total, method, ms: performance.now() - t0 };
  } catch (err) {
    const lostError = conn.broken;
    await rollback();
    // the connection's own error says more than the stream's "aborted"
    throw lostError ?? err;
  }
  const readBackEach = async (each: (row: SummaryRow) => void): Promise<number> => {
    if (settled) throw new Error("readback after the write was settled");
    try {
      if (conn.broken !== undefined) throw conn.broken;
      doing.what = `reading back the summary of source ${opts.sourceUuid}`;
      return await watch.during(() => readSummaryRows(client, { schema, sourceUuid: opts.sourceUuid }, (row) => (watch.heard(), each(row))));
    } catch (err) {
      const cause = conn.broken ?? err;
      await rollback();
      throw pgFault(cause, settings, `reading back the summary of source ${opts.sourceUuid}`);
    }
  };
  return {
    result,
    async readback() {
      const rows: SummaryRow[] = [];
      await readBackEach((row) => rows.push(row));
      return rows;
    },
    readEach: (each) => readBackEach(each),
    async commit() {
      if (settled) throw new Error("commit after the write was settled");
      try {
        if (conn.broken !== undefined) throw conn.broken;
        doing.what = `committing the summary of source ${opts.sourceUuid}`;
        await watch.during(() => client.query("COMMIT"));
        finish();
      } catch (err) {
        const cause = conn.broken ?? err;
        await rollback();
        throw pgFault(cause, settings, what);
      }
    },
    rollback,
  };
}

function monthStarts(rows: readonly SummaryRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) seen.add(r.usage_start.slice(0, 7) + "-01");
  return [...seen];
}
