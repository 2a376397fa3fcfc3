// A PostgreSQL backend that stops answering (SIGSTOP: its TCP connection stays open, keepalives
// pass, nothing fails) under a write's open transaction: the write says so after a few seconds,
// gives up after its timeout with a ServiceError (exit 3) naming the server, and an abort ends the
// wait at once. Real PostgreSQL only (PGlite is a thread of the test process: it cannot be stopped
// alone). The stopped backend is resumed in every case.
import type pg from "pg";
import { beginSummaryWrite, connectPg, countSummary, ensureSummaryTable } from "../../src/db/index.ts";
import { PG_SILENCE_NOTICE_MS } from "../../src/db/answer-watch.ts";
import { exitCodeFor, ServiceError } from "../../src/errors.ts";
import { manyRows, testSchema } from "./targets.ts";
import { serialTestOn, targetsOfFile } from "./on-targets.ts";

const schema = testSchema("stalled");
const targets = targetsOfFile(schema);
const test_ = serialTestOn("postgres");

/** The backend holding the write's advisory lock (summary-write.ts takes it on `streambench:<schema>:<source>`). */
async function backendOf(pool: pg.Pool, sourceUuid: string): Promise<number> {
  const r = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND objid = (hashtext($1)::bigint & 4294967295)::oid AND classid = ((hashtext($1)::bigint >> 32) & 4294967295)::oid`,
    [`streambench:${schema}:${sourceUuid}`],
  );
  if (r.rows.length !== 1) throw new Error(`expected one backend holding the write's lock, found ${r.rows.length}`);
  return r.rows[0].pid;
}

/** Backends stopped and not yet resumed: resumed at exit too, should a test die midway. */
const stopped = new Set<number>();
process.on("exit", () => stopped.forEach((pid) => process.kill(pid, "SIGCONT")));

/** Runs `body` with the backend stopped; resumes it whatever happens. */
async function whileStopped<T>(pid: number, body: () => Promise<T>): Promise<T> {
  process.kill(pid, "SIGSTOP");
  stopped.add(pid);
  try {
    return await body();
  } finally {
    process.kill(pid, "SIGCONT");
    stopped.delete(pid);
  }
}

test_("a stopped server: the write says it is not answering after 5 s, gives up after its timeout with exit 3, and keeps no row", async (t) => {
  const pool = targets.get("postgres")!.pool;
  const source = "e0e0e0e0-e0e0-4e0e-8e0e-e0e0e0e0e0e0";
  const said: { text: string; at: number }[] = [];
  const timeoutMs = 8_000;
  const pending = await beginSummaryWrite(pool, {
    schema,
    sourceUuid: source,
    clusterId: "stalled",
    rows: manyRows(500),
    answerTimeoutMs: timeoutMs,
    onSilence: (text) => said.push({ text, at: performance.now() }),
  });
  const pid = await backendOf(pool, source);
  const started = performance.now();
  const error = await whileStopped(pid, () => t.throwsAsync(pending.readEach(() => {})));
  const tookMs = performance.now() - started;
  await pending.rollback();
  t.true(error instanceof ServiceError, String(error));
  t.is(exitCodeFor(error), 3);
  t.regex(error!.message, /PostgreSQL at postgres@127\.0\.0\.1:5432\/\S+ did not answer for [89] s while reading back the summary/);
  t.regex(error!.message, /--pg-timeout/);
  // the notice came once, at 5 s of silence (5,000 ms, checked every 1,000 ms: 5-6 s), before the error
  t.is(said.length, 1, JSON.stringify(said));
  t.regex(said[0].text, /is not answering: nothing for [56] s while reading back/);
  t.true(said[0].at - started >= PG_SILENCE_NOTICE_MS && said[0].at - started < PG_SILENCE_NOTICE_MS + 1_500, `notice after ${said[0].at - started} ms`);
  // gave up at 8 s of silence, checked every 1 s: 8-9 s (plus slack for a loaded machine)
  t.true(tookMs >= timeoutMs && tookMs < timeoutMs + 4_000, `gave up after ${tookMs} ms`);
  t.is(await countSummary(pool, { schema, sourceUuid: source }), 0);
});

test_("a stopped server: aborting the write (a SIGTERM to the run) ends the wait at once, long before the timeout", async (t) => {
  const pool = targets.get("postgres")!.pool;
  const source = "f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0";
  const abort = new AbortController();
  const pending = await beginSummaryWrite(pool, {
    schema,
    sourceUuid: source,
    clusterId: "stalled",
    rows: manyRows(500),
    answerTimeoutMs: 600_000,
    signal: abort.signal,
  });
  const pid = await backendOf(pool, source);
  const started = performance.now();
  const error = await whileStopped(pid, async () => {
    setTimeout(() => abort.abort(), 1_000);
    return t.throwsAsync(pending.readEach(() => {}));
  });
  const tookMs = performance.now() - started;
  await pending.rollback(); // must not wait on the stopped server either
  t.truthy(error);
  // aborted at 1 s; the readback fails as the connection is dropped, not 600 s later
  t.true(tookMs >= 1_000 && tookMs < 3_000, `ended after ${tookMs} ms`);
  t.is(await countSummary(pool, { schema, sourceUuid: source }), 0);
});

test_("a stopped server before the write's BEGIN (its partitions are being checked): the write gives up at its timeout too, with exit 3", async (t) => {
  const settings = targets.get("postgres")!.settings;
  const pool = await connectPg(settings, { max: 1 }); // one connection: the write gets the one stopped below
  try {
    await ensureSummaryTable(pool, schema); // once per pool, before the write: done here while the server answers
    const pid = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    const started = performance.now();
    const error = await whileStopped(pid, () =>
      t.throwsAsync(beginSummaryWrite(pool, { schema, sourceUuid: "d0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0", clusterId: "stalled", rows: manyRows(10), answerTimeoutMs: 6_000 })),
    );
    const tookMs = performance.now() - started;
    t.true(error instanceof ServiceError, String(error));
    t.is(exitCodeFor(error), 3);
    t.regex(error!.message, /did not answer for [67] s while preparing the write of the summary of source d0d0d0d0/);
    // gave up at 6 s of silence, checked every second: 6-7 s, plus slack for a loaded machine
    t.true(tookMs >= 6_000 && tookMs < 10_000, `gave up after ${tookMs} ms`);
  } finally {
    await pool.end().catch(() => {});
  }
});
