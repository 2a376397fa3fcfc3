// Reading one source's summary back: on the write's open transaction (summary-write.ts) or on a
// pool, through COPY ... TO STDOUT, drained off the socket as it comes and parsed in between.
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { DataError } from "../errors.ts";
import { compareSummaryRows, type SummaryRow } from "../contract/summary-schema.ts";
import { pgFault, poolSettings } from "./pool.ts";
import { DEFAULT_SCHEMA, qualifiedTable } from "./schema.ts";
import { UUID_RE } from "./write-rows.ts";
import { copyTextParser, READ_COLUMNS } from "./copy-text.ts";

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

function isClient(x: pg.Pool | pg.PoolClient): x is pg.PoolClient {
  return typeof (x as pg.PoolClient).release === "function";
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
export async function readSummaryRows(pool: pg.Pool | pg.PoolClient, opts: ReadSummaryOptions, each: (row: SummaryRow) => void): Promise<number> {
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

/** How many rows one source has. */
export async function countSummary(pool: pg.Pool, opts: ReadSummaryOptions): Promise<number> {
  const r = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualifiedTable(opts.schema ?? DEFAULT_SCHEMA)} WHERE source_uuid = $1`, [
    opts.sourceUuid,
  ]);
  return Number(r.rows[0].n);
}
