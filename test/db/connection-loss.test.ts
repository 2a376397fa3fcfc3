// The server ending a connection: under a running COPY (pg_terminate_backend), or while it sat
// idle in the pool. The first is a ServiceError naming host:port and user, with nothing written
// and no unhandled EPIPE; the second is replaced once and the write goes through. A pending write
// (beginSummaryWrite) is invisible to others until commit, and rollback leaves nothing.
import test from "ava";
import pg from "pg";
import { ServiceError } from "../../src/errors.ts";
import {
  beginSummaryWrite,
  connectPg,
  countSummary,
  pgSettingsFromEnv,
  startEmbeddedPostgres,
  writeSummary,
} from "../../src/db/index.ts";
import { manyRows, testSchema } from "./targets.ts";
import { targetsOfFile } from "./on-targets.ts";

const names: ("pglite" | "postgres")[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
const schema = testSchema("loss");
const targets = targetsOfFile(schema);
const SOURCE = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";

const realPg = process.env.DATABASE_URL ? test.serial : test.serial.skip;

for (const [method, statement] of [["copy", "COPY"], ["unnest", "INSERT INTO"]] as const) {
realPg(`postgres: pg_terminate_backend under a ${method} write is a ServiceError naming host:port and user; no rows are kept`, async (t) => {
  const settings = pgSettingsFromEnv({ DATABASE_URL: process.env.DATABASE_URL })!;
  const pool = await connectPg(settings);
  const admin = await connectPg(settings, { max: 1 });
  try {
    let terminated: Promise<unknown> | null = null;
    const err = await t.throwsAsync(
      writeSummary(pool, {
        schema,
        sourceUuid: SOURCE,
        clusterId: "loss",
        rows: manyRows(60_000),
        method,
        batchSize: 2_000,
        onProgress: (done) => {
          // the first chunk is in: end the backend that runs this schema's bulk statement
          if (done > 0 && terminated === null) {
            terminated = admin.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()",
              [`${statement} "${schema}".%`],
            );
          }
        },
      }),
      { instanceOf: ServiceError },
    );
    await terminated;
    t.is(
      err.message.replace(/\(.*\)/, "(...)"),
      `PostgreSQL at ${settings.user}@${settings.host}:${settings.port}/${settings.database} dropped the connection (...) while writing the summary of source ${SOURCE}`,
    );
    t.is(await countSummary(admin, { schema, sourceUuid: SOURCE }), 0, "the transaction rolled back");
    // the pool still works: the broken connection was not handed out again
    const again = await writeSummary(pool, { schema, sourceUuid: SOURCE, clusterId: "loss", rows: manyRows(100) });
    t.is(again.inserted, 100);
    await writeSummary(pool, { schema, sourceUuid: SOURCE, clusterId: "loss", rows: [], range: { start: "2026-01-01", end: "2026-01-31" } });
  } finally {
    await pool.end();
    await admin.end();
  }
});
}

realPg("postgres: an idle pooled connection the server ended is replaced, and the write goes through", async (t) => {
  const settings = pgSettingsFromEnv({ DATABASE_URL: process.env.DATABASE_URL })!;
  const pool = await connectPg(settings, { max: 1 });
  const admin = new pg.Client({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database });
  await admin.connect();
  try {
    const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]); // the pool's only, idle connection
    const result = await writeSummary(pool, { schema, sourceUuid: SOURCE, clusterId: "idle", rows: manyRows(500) });
    t.is(result.inserted, 500);
    t.is(await countSummary(pool, { schema, sourceUuid: SOURCE }), 500);
    await writeSummary(pool, { schema, sourceUuid: SOURCE, clusterId: "idle", rows: [], range: { start: "2026-01-01", end: "2026-01-31" } });
  } finally {
    await pool.end();
    await admin.end();
  }
});

test.serial("pglite: the embedded server stopping mid-write is a ServiceError naming host:port and user, not a crash", async (t) => {
  const server = await startEmbeddedPostgres();
  const pool = await connectPg(server.settings);
  try {
    let stopped: Promise<void> | null = null;
    const err = await t.throwsAsync(
      writeSummary(pool, {
        schema,
        sourceUuid: SOURCE,
        clusterId: "loss",
        rows: manyRows(20_000),
        batchSize: 1_000,
        onProgress: (done) => {
          if (done > 0 && stopped === null) stopped = server.stop();
        },
      }),
      { instanceOf: ServiceError },
    );
    await stopped;
    t.regex(err.message, new RegExp(`^PostgreSQL at postgres@127\\.0\\.0\\.1:${server.settings.port}/postgres `));
    t.regex(err.message, /while writing the summary of source/);
  } finally {
    await pool.end().catch(() => {});
    await server.stop();
  }
});

for (const name of names) {
  test.serial(`${name}: a pending write is read back on its own connection, invisible to others until commit; rollback keeps nothing`, async (t) => {
    const target = targets.get(name)!;
    const pending = await beginSummaryWrite(target.pool, { schema, sourceUuid: SOURCE, clusterId: "pending", rows: manyRows(300) });
    t.is((await pending.readback()).length, 300, "the write's own connection sees its 300 rows");
    if (name === "postgres") t.is(await countSummary(target.pool, { schema, sourceUuid: SOURCE }), 0, "others see none yet");
    await pending.rollback();
    await pending.rollback(); // idempotent
    t.is(await countSummary(target.pool, { schema, sourceUuid: SOURCE }), 0, "rolled back: nothing kept");

    const kept = await beginSummaryWrite(target.pool, { schema, sourceUuid: SOURCE, clusterId: "pending", rows: manyRows(200) });
    await kept.commit();
    await kept.rollback(); // a no-op after commit
    t.is(await countSummary(target.pool, { schema, sourceUuid: SOURCE }), 200, "committed: 200 rows");
    await writeSummary(target.pool, { schema, sourceUuid: SOURCE, clusterId: "pending", rows: [], range: { start: "2026-01-01", end: "2026-01-31" } });
  });
}
