// Writing and reading the daily summary. One (scale, mode) run = one source_uuid. A write is ONE
// transaction: lock the source, delete its rows in the date range being written, bulk insert,
// commit. A writer killed midway leaves the table as it was (the server rolls back on
// disconnect); a rerun replaces, never doubles. Bulk path: INSERT ... SELECT FROM unnest($1) in
// batches, $1 one binary array of a composite row type (binary.ts), labels as indexes into each
// batch's distinct texts (the default, fastest on both servers); COPY FROM STDIN (CSV) on request,
// never on PGlite, where COPY over the socket server wedges it (stack-notes §4b).
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { DataError, ServiceError } from "../errors.ts";
import {
  canonicalJsonText,
  compareSummaryRows,
  SUMMARY_COLUMNS,
  SUMMARY_MEASURE_COLUMNS,
  type SummaryRow,
} from "../contract/summary-schema.ts";
import { quotedCsvField } from "../contract/csv-field.ts";
import { isPglite, pgFault } from "./pool.ts";
import { describePg, type PgSettings } from "./settings.ts";
import { AnswerWatch, DEFAULT_PG_ANSWER_TIMEOUT_MS } from "./answer-watch.ts";
import { BinaryWriter, isCalendarDay, TYPE_OID } from "./binary.ts";
import { DEFAULT_SCHEMA, ensureCompositeType, ensureMonthPartitions, ensureSummaryTable, qualifiedTable } from "./schema.ts";

/** The literal Koku's daily-summary step writes into infrastructure_usage_cost. */
export const ZERO_INFRASTRUCTURE_USAGE_COST = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

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

/** The columns a write fills, in the order of the COPY / unnest lists. */
const WRITE_COLUMNS = [
  "uuid",
  "cluster_id",
  "cluster_alias",
  "data_source",
  "usage_start",
  "usage_end",
  "namespace",
  "node",
  "resource_id",
  "pod_labels",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "volume_labels",
  "all_labels",
  "source_uuid",
  "infrastructure_usage_cost",
  "cost_category_id",
  ...SUMMARY_MEASURE_COLUMNS,
] as const;

const UNNEST_TYPES: Record<string, string> = {
  uuid: "uuid",
  cluster_id: "text",
  cluster_alias: "text",
  data_source: "text",
  usage_start: "date",
  usage_end: "date",
  namespace: "text",
  node: "text",
  resource_id: "text",
  pod_labels: "jsonb",
  persistentvolumeclaim: "text",
  persistentvolume: "text",
  storageclass: "text",
  volume_labels: "jsonb",
  all_labels: "jsonb",
  source_uuid: "uuid",
  infrastructure_usage_cost: "jsonb",
  cost_category_id: "int4",
  ...Object.fromEntries(SUMMARY_MEASURE_COLUMNS.map((c) => [c, "numeric"])),
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function numericText(v: number | null, column: string): string | null {
  if (v === null || v === undefined) return null;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) throw new DataError(`summary column ${column} holds ${v}, which numeric(33,15) cannot store`);
  return String(v);
}

/** One row's values in WRITE_COLUMNS order, as text (null = SQL NULL). */
function rowValues(r: SummaryRow, sourceUuid: string, clusterId: string, clusterAlias: string, uuid: string | null): (string | null)[] {
  if (!DAY_RE.test(r.usage_start)) throw new DataError(`summary row has usage_start "${r.usage_start}", expected YYYY-MM-DD`);
  const out: (string | null)[] = [
    uuid,
    clusterId,
    clusterAlias,
    r.data_source,
    r.usage_start,
    r.usage_start,
    r.namespace,
    r.node,
    r.resource_id,
    r.pod_labels,
    r.persistentvolumeclaim,
    r.persistentvolume,
    r.storageclass,
    r.volume_labels,
    r.all_labels,
    sourceUuid,
    ZERO_INFRASTRUCTURE_USAGE_COST,
    r.cost_category_id === null ? null : String(r.cost_category_id),
  ];
  for (const c of SUMMARY_MEASURE_COLUMNS) out.push(numericText(r[c], c));
  return out;
}

function copyCsvField(v: string | null): string {
  // Unquoted empty = NULL in COPY CSV; every text value is quoted, so "" stays an empty string.
  return v === null ? "" : quotedCsvField(v);
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

const pgliteCache = new WeakMap<object, boolean>();

async function detectPglite(pool: pg.Pool): Promise<boolean> {
  let v = pgliteCache.get(pool);
  if (v === undefined) {
    v = await isPglite(pool);
    pgliteCache.set(pool, v);
  }
  return v;
}

/** Where a pool points (from its own options), for error messages; no password. */
function poolSettings(pool: pg.Pool): PgSettings {
  const o = (pool as unknown as { options: pg.PoolConfig }).options ?? {};
  return {
    host: String(o.host ?? "localhost"),
    port: Number(o.port ?? 5432),
    user: String(o.user ?? "?"),
    password: typeof o.password === "string" ? o.password : undefined,
    database: String(o.database ?? "?"),
    ssl: false,
    embedded: false,
  };
}

/** A JSON text holding the escape \u0000 (not an escaped backslash before "u0000"): jsonb cannot store U+0000. */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** Label texts are few and shared by many rows: each distinct one is checked once. */
function checkLabels(r: SummaryRow, checked: Set<string>): void {
  for (const column of ["pod_labels", "volume_labels", "all_labels"] as const) {
    const text = r[column];
    if (text === null || checked.has(text)) continue;
    if (JSON_NUL.test(text)) {
      throw new DataError(`summary row of ${r.usage_start} (namespace ${r.namespace}): ${column} holds a NUL character (U+0000) from the input's labels, which PostgreSQL cannot store`);
    }
    checked.add(text);
  }
}

function validateRows(rows: readonly SummaryRow[]): void {
  const days = new Set<string>();
  const labels = new Set<string>();
  for (const r of rows) {
    checkLabels(r, labels);
    if (!days.has(r.usage_start)) {
      if (!DAY_RE.test(r.usage_start) || !isCalendarDay(r.usage_start)) throw new DataError(`summary row has usage_start "${r.usage_start}", expected a YYYY-MM-DD date`);
      days.add(r.usage_start);
    }
    for (const c of SUMMARY_MEASURE_COLUMNS) {
      const v = r[c] as unknown;
      if (v === null || v === undefined) continue; // undefined is written as NULL, like null
      if (typeof v !== "number") throw new DataError(`summary column ${c} holds ${typeof v} ${JSON.stringify(v)}, expected a number or null`);
      if (!Number.isNaN(v) && !Number.isFinite(v)) {
        throw new DataError(`summary column ${c} holds ${v} (usage_start ${r.usage_start}), which numeric(33,15) cannot store`);
      }
    }
  }
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

/** An error that says the connection went away (the server ended it, or its socket closed). */
function isLostConnection(err: unknown): boolean {
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
interface Connection {
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
function watchServer(conn: Connection, opts: WriteSummaryOptions, settings: PgSettings): { watch: AnswerWatch; doing: { what: string }; unwatch(): void } {
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

function watchConnection(client: pg.PoolClient): Connection {
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

async function writeSummaryTx(pool: pg.Pool, opts: WriteSummaryOptions, settings: PgSettings, what: string): Promise<PendingSummaryWrite> {
  const t0 = performance.now();
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  if (!UUID_RE.test(opts.sourceUuid)) throw new DataError(`source uuid "${opts.sourceUuid}" is not a UUID`);
  const table = qualifiedTable(schema);
  const rows = opts.rows;
  const total = rows.length;
  const range = opts.range ?? dayRange(rows);
  const alias = opts.clusterAlias ?? opts.clusterId;

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
  const client = conn.client;
  const { watch, doing, unwatch } = server!;
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
    // Two writers of the same source serialise here instead of both inserting.
    await watch.during(() => client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`streambench:${schema}:${opts.sourceUuid}`]));
    let deleted = 0;
    if (range) {
      const del = await watch.during(() =>
        client.query(`DELETE FROM ${table} WHERE source_uuid = $1 AND usage_start >= $2::date AND usage_start <= $3::date`, [
          opts.sourceUuid,
          range.start,
          range.end,
        ]),
      );
      deleted = del.rowCount ?? 0;
    }
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

async function copyRows(
  client: pg.PoolClient,
  table: string,
  rows: readonly SummaryRow[],
  opts: WriteSummaryOptions,
  alias: string,
  batch: number,
  signal: AbortSignal,
): Promise<void> {
  const cols = WRITE_COLUMNS.map((c) => `"${c}"`).join(", ");
  const stream = client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`));
  const total = rows.length;
  function* chunks(): Generator<string> {
    for (let i = 0; i < total; i += batch) {
      const end = Math.min(total, i + batch);
      let s = "";
      for (let j = i; j < end; j++) s += rowValues(rows[j], opts.sourceUuid, opts.clusterId, alias, randomUUID()).map(copyCsvField).join(",") + "\n";
      yield s;
      opts.onProgress?.(end, total);
    }
  }
  await pipeline(Readable.from(chunks()), stream, { signal });
}

/**
 * The fields of the composite type an unnest statement ships its rows as: the row's own values
 * and its uuid (made here: PGlite's gen_random_uuid() opens /dev/urandom in its emulated file
 * system on every call, which cost ~0.5 s per 132,060 rows). The values that are the same on every
 * row (cluster, source, the zero infrastructure cost; usage_end = usage_start) are single
 * parameters. The label columns ship as indexes into one array of the batch's distinct label
 * texts: parsing jsonb was most of PGlite's insert time, and a few hundred distinct texts serve
 * thousands of rows.
 */
const UNNEST_ROW_COLUMNS = WRITE_COLUMNS.filter(
  (c) => !["cluster_id", "cluster_alias", "usage_end", "source_uuid", "infrastructure_usage_cost"].includes(c),
);
const LABEL_COLUMNS = new Set<string>(["pod_labels", "volume_labels", "all_labels"]);

type FieldKind = "uuid" | "text" | "date" | "label" | "int4" | "numeric";

/** Each row field's kind, in UNNEST_ROW_COLUMNS order. */
const ROW_FIELDS: readonly { column: (typeof WRITE_COLUMNS)[number]; kind: FieldKind; oid: number; sqlType: string }[] = UNNEST_ROW_COLUMNS.map((column) => {
  const type = UNNEST_TYPES[column];
  const kind: FieldKind = LABEL_COLUMNS.has(column) ? "label" : type === "uuid" ? "uuid" : type === "date" ? "date" : type === "int4" ? "int4" : type === "numeric" ? "numeric" : "text";
  const oid = kind === "label" ? TYPE_OID.int4 : TYPE_OID[kind];
  return { column, kind, oid, sqlType: kind === "label" ? "int4" : type };
});

/** The composite type's name; a change of ROW_FIELDS needs a new one (the old type stays as it was). */
const ROW_TYPE = "streambench_summary_row_v1";

/** The OID of the schema's row type (created when missing, outside the write's transaction). */
function ensureRowType(pool: pg.Pool | pg.PoolClient, schema: string): Promise<number> {
  return ensureCompositeType(pool, schema, ROW_TYPE, ROW_FIELDS.map((f) => [f.column, f.sqlType] as const));
}

async function unnestRows(
  client: pg.PoolClient,
  schema: string,
  rowType: number,
  rows: readonly SummaryRow[],
  opts: WriteSummaryOptions,
  alias: string,
  batch: number,
): Promise<void> {
  const table = qualifiedTable(schema);
  const cols = WRITE_COLUMNS.map((c) => `"${c}"`).join(", ");
  const select = WRITE_COLUMNS.map((c) => {
    if (c === "cluster_id") return `$2::text`;
    if (c === "cluster_alias") return `$3::text`;
    if (c === "usage_end") return `r."usage_start"`;
    if (c === "source_uuid") return `$4::uuid`;
    if (c === "infrastructure_usage_cost") return `$5::jsonb`;
    if (LABEL_COLUMNS.has(c)) return `($6::jsonb[])[r."${c}"]`; // NULL index -> NULL
    return `r."${c}"`;
  }).join(", ");
  const sql = `INSERT INTO ${table} (${cols}) SELECT ${select} FROM unnest($1::${qualifiedTable(schema, ROW_TYPE)}[]) AS r`;
  const total = rows.length;
  const fields = ROW_FIELDS.length;
  // Two buffers, used in turn: a statement's parameters are built while the one before runs, and a
  // buffer is reused only after its statement has completed. A new ~1 MB buffer per statement made
  // V8 collect its whole heap every few statements (external memory), slow with a run's heap.
  const writers = [new BinaryWriter(Math.min(batch, total) * 640), new BinaryWriter(Math.min(batch, total) * 640)];
  let turn = 0;
  // The statement's parameters for rows [i, end): the rows as one binary array of the row type.
  const build = (i: number, end: number): (string | Buffer)[] => {
    const w = writers[turn++ % 2];
    w.reset();
    const labelTexts: string[] = [];
    const labelIndex = new Map<string, number>();
    w.arrayHeader(rowType, end - i);
    for (let j = i; j < end; j++) {
      const r = rows[j] as unknown as Record<string, string | number | null | undefined>;
      const mark = w.beginRecord(fields);
      for (const f of ROW_FIELDS) {
        w.field(f.oid);
        if (f.kind === "uuid") {
          w.randomUuid();
          continue;
        }
        const v = r[f.column];
        if (v === null || v === undefined) w.null();
        else if (f.kind === "numeric") w.numeric(v as number);
        else if (f.kind === "text") w.text(v as string);
        else if (f.kind === "date") w.date(v as string);
        else if (f.kind === "int4") w.int4(v as number);
        else {
          let at = labelIndex.get(v as string);
          if (at === undefined) {
            labelTexts.push(v as string);
            labelIndex.set(v as string, (at = labelTexts.length)); // PostgreSQL arrays are 1-based
          }
          w.int4(at);
        }
      }
      w.endRecord(mark);
    }
    return [w.finish(), opts.clusterId, alias, opts.sourceUuid, ZERO_INFRASTRUCTURE_USAGE_COST, arrayLiteral(labelTexts, true)];
  };
  // One statement in flight while the next is built: PGlite (in its own thread) or the server
  // inserts batch N while this thread prepares batch N+1.
  let inFlight: Promise<unknown> | undefined;
  let sentEnd = 0;
  for (let i = 0; i < total; i += batch) {
    const end = Math.min(total, i + batch);
    const params = build(i, end);
    if (inFlight) {
      await inFlight;
      opts.onProgress?.(sentEnd, total);
    }
    inFlight = client.query(sql, params);
    // A failed statement is awaited (and thrown) in the next round or after the loop; until then
    // its rejection must not count as unhandled.
    inFlight.catch(() => {});
    sentEnd = end;
  }
  if (inFlight) {
    await inFlight;
    opts.onProgress?.(sentEnd, total);
  }
}

/**
 * A one-dimensional PostgreSQL array literal: NULL unquoted, other elements as their text, quoted
 * (backslash and double quote escaped) when `quote`. Numbers and int indexes need no quotes. Built here rather
 * than by pg's generic converter, which inspects and escapes every element of 132,060 x 28 values.
 */
function arrayLiteral(values: readonly (string | number | null)[], quote: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) parts[i] = "NULL";
    else if (!quote) parts[i] = String(v);
    else {
      const t = String(v);
      parts[i] = t.includes("\\") || t.includes('"') ? `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : `"${t}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

/**
 * Canonical label text, memoised: at production-large 132,060 rows carry three label columns
 * but only a few thousand distinct texts, and parsing each row's JSON again was most of the read.
 */
function labelCanonicaliser(): (text: string | null) => string | null {
  const seen = new Map<string, string>();
  return (text) => {
    if (text === null) return null;
    let c = seen.get(text);
    if (c === undefined) seen.set(text, (c = canonicalJsonText(text)));
    return c;
  };
}

export interface ReadSummaryOptions {
  schema?: string;
  sourceUuid: string;
}

/**
 * One source's rows as canonical SummaryRows: usage_start "YYYY-MM-DD" (cast to text in SQL, no
 * time-zone shift), numeric parsed from its text, jsonb as canonical JSON, NULL as null. Sorted by
 * the identity columns (code-unit order, nulls first), whatever the server's collation.
 */
export async function readSummary(pool: pg.Pool, opts: ReadSummaryOptions): Promise<SummaryRow[]> {
  try {
    const rows: SummaryRow[] = [];
    await readSummaryRows(pool, opts, (row) => rows.push(row));
    return rows.sort(compareSummaryRows);
  } catch (err) {
    throw pgFault(err, poolSettings(pool), `reading the summary of source ${opts.sourceUuid}`);
  }
}

/**
 * The readback's columns: SUMMARY_COLUMNS (SUMMARY_KEY_COLUMNS then SUMMARY_MEASURE_COLUMNS), in
 * that order; the row literal in readSummaryRows indexes them (test/db/summary.test.ts gives every
 * column a distinct value, so a wrong index fails there).
 */
const READ_COLUMNS: readonly string[] = SUMMARY_COLUMNS;

/** COPY's text format: backslash escapes of control characters, the delimiter and backslash itself. */
const COPY_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function copyField(f: string): string | null {
  if (f === "\\N") return null;
  if (!f.includes("\\")) return f;
  return f.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

function isClient(x: pg.Pool | pg.PoolClient): x is pg.PoolClient {
  return typeof (x as pg.PoolClient).release === "function";
}

/**
 * Parses COPY's text output (READ_COLUMNS, tab-separated, one row a line) chunk by chunk into
 * SummaryRows: usage_start as its text, numeric parsed from its text, jsonb as canonical JSON, \\N
 * as null. Rows reach `onRow` in the order they came.
 */
export function copyTextParser(onRow: (row: SummaryRow) => void): { push(chunk: Uint8Array): void; end(): void } {
  const json = labelCanonicaliser();
  const num = (f: string): number | null => (f === "\\N" ? null : Number(f));
  const decoder = new TextDecoder();
  let rest = "";
  const take = (text: string) => {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) >= 0) {
      const r = text.slice(start, nl).split("\t");
      start = nl + 1;
      if (r.length !== READ_COLUMNS.length) throw new Error(`COPY returned a row of ${r.length} fields, expected ${READ_COLUMNS.length}`);
      // One literal, one hidden class; indexes follow SUMMARY_KEY_COLUMNS then SUMMARY_MEASURE_COLUMNS.
      onRow({
        usage_start: copyField(r[0]) as string,
        data_source: copyField(r[1]) as SummaryRow["data_source"],
        namespace: copyField(r[2]),
        node: copyField(r[3]),
        resource_id: copyField(r[4]),
        persistentvolumeclaim: copyField(r[5]),
        persistentvolume: copyField(r[6]),
        storageclass: copyField(r[7]),
        pod_labels: json(copyField(r[8])),
        volume_labels: json(copyField(r[9])),
        // As stored: a NULL here is a wrong write the validator must see, not "{}".
        all_labels: json(copyField(r[10])) as string,
        cost_category_id: num(r[11]),
        pod_usage_cpu_core_hours: num(r[12]),
        pod_request_cpu_core_hours: num(r[13]),
        pod_effective_usage_cpu_core_hours: num(r[14]),
        pod_limit_cpu_core_hours: num(r[15]),
        pod_usage_memory_gigabyte_hours: num(r[16]),
        pod_request_memory_gigabyte_hours: num(r[17]),
        pod_effective_usage_memory_gigabyte_hours: num(r[18]),
        pod_limit_memory_gigabyte_hours: num(r[19]),
        node_capacity_cpu_cores: num(r[20]),
        node_capacity_cpu_core_hours: num(r[21]),
        node_capacity_memory_gigabytes: num(r[22]),
        node_capacity_memory_gigabyte_hours: num(r[23]),
        cluster_capacity_cpu_core_hours: num(r[24]),
        cluster_capacity_memory_gigabyte_hours: num(r[25]),
        persistentvolumeclaim_capacity_gigabyte: num(r[26]),
        persistentvolumeclaim_capacity_gigabyte_months: num(r[27]),
        volume_request_storage_gigabyte_months: num(r[28]),
        persistentvolumeclaim_usage_gigabyte_months: num(r[29]),
      });
    }
    return text.slice(start);
  };
  return {
    push(chunk) {
      rest = take(rest + decoder.decode(chunk, { stream: true }));
    },
    end() {
      rest = take(rest + decoder.decode());
      if (rest !== "") throw new Error("COPY output ended inside a row");
    },
  };
}

/** Most of a COPY's output held unparsed before reading pauses; reading resumes below a quarter. */
const READ_AHEAD_BYTES = 64 * 2 ** 20;
/** Chunks parsed between two turns of the event loop (each turn takes what arrived off the socket). */
const CHUNKS_PER_TURN = 4;

/**
 * Takes a COPY's chunks off the socket as they come and parses them in between. PGlite runs a
 * statement synchronously in its thread: once the kernel's socket buffers are full, the rest of
 * its output waits until the statement ends, so reading at the parser's pace made the readback
 * "server, then client" (1.8-2.0 s of production-large's read and compare on PGlite, 1.5-1.6 s
 * when drained; real PostgreSQL streams either way).
 */
export function drainThenParse(
  stream: NodeJS.ReadableStream,
  parser: { push(chunk: Uint8Array): void; end(): void },
  readAheadBytes: number = READ_AHEAD_BYTES,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let next = 0;
    let held = 0;
    let ended = false;
    let settled = false;
    let scheduled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const work = () => {
      scheduled = false;
      if (settled) return;
      try {
        for (let n = 0; n < CHUNKS_PER_TURN && next < chunks.length; n++) {
          const chunk = chunks[next];
          chunks[next++] = EMPTY;
          held -= chunk.length;
          parser.push(chunk);
        }
        if (held < readAheadBytes / 4 && stream.isPaused()) stream.resume();
        if (next < chunks.length) schedule();
        else if (ended) {
          parser.end();
          settled = true;
          resolve();
        }
      } catch (err) {
        stream.pause();
        fail(err as Error);
      }
    };
    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        setImmediate(work);
      }
    };
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      held += chunk.length;
      if (held > readAheadBytes) stream.pause();
      schedule();
    });
    stream.on("end", () => {
      ended = true;
      schedule();
    });
    stream.on("error", fail);
    stream.on("close", () => {
      if (!ended) fail(new Error("the COPY output stopped before its end"));
    });
  });
}

const EMPTY = Buffer.alloc(0);

/**
 * The source's rows through COPY (SELECT ...) TO STDOUT (text format), taken off the socket as
 * they come and parsed in between (drainThenParse): at 132,060 rows x 30 columns, pg's per-field
 * protocol parsing was most of the readback (1.2-1.6 s); the COPY stream splits one decoded string
 * per chunk. Works over PGlite's socket server too (only COPY FROM STDIN wedges it).
 */
async function readSummaryRows(pool: pg.Pool | pg.PoolClient, opts: ReadSummaryOptions, each: (row: SummaryRow) => void): Promise<number> {
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const table = qualifiedTable(schema);
  // COPY takes no parameters: the uuid goes in as a literal, so it must be one.
  if (!UUID_RE.test(opts.sourceUuid)) throw new DataError(`source uuid "${opts.sourceUuid}" is not a UUID`);
  const select = READ_COLUMNS.map((c) => (c === "usage_start" ? `"${c}"::text` : `"${c}"`)).join(", ");
  const sql = `COPY (SELECT ${select} FROM ${table} WHERE source_uuid = '${opts.sourceUuid}') TO STDOUT`;
  const client = isClient(pool) ? pool : await pool.connect();
  // Under Deno 2.9.6 a COPY TO straight after another COPY on the same connection never gets its
  // data: pg-copy-streams waits for 'readable' on a socket Deno no longer reads (stack-notes §12).
  // An ordinary statement first hands the socket back to pg's own reader; one round trip, every run.
  await client.query("SELECT 1");
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken ??= err;
    stream.destroy(err);
  };
  const stream = client.query(copyTo(sql));
  client.on("error", onError);
  let count = 0;
  try {
    const parser = copyTextParser((row) => {
      count++;
      each(row);
    });
    await drainThenParse(stream, parser);
  } catch (err) {
    // A COPY that failed leaves its connection in doubt: a pooled one is discarded, not reused.
    broken ??= err as Error;
    throw broken;
  } finally {
    client.off("error", onError);
    if (client !== pool) (client as pg.PoolClient).release(broken);
  }
  return count;
}

/** Row count and an md5 over every row of the table (all sources), for before/after checks. */
export async function summaryFingerprint(pool: pg.Pool, schema: string = DEFAULT_SCHEMA): Promise<{ count: number; md5: string }> {
  const t = qualifiedTable(schema);
  const r = await pool.query<{ n: string; h: string }>(
    `SELECT count(*)::text AS n, md5(coalesce(string_agg(s::text, '|' ORDER BY s.usage_start, s.uuid), '')) AS h FROM ${t} s`,
  );
  return { count: Number(r.rows[0].n), md5: r.rows[0].h };
}

/** How many rows one source has. */
export async function countSummary(pool: pg.Pool, opts: ReadSummaryOptions): Promise<number> {
  const r = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualifiedTable(opts.schema ?? DEFAULT_SCHEMA)} WHERE source_uuid = $1`, [
    opts.sourceUuid,
  ]);
  return Number(r.rows[0].n);
}
