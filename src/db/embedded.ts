// The default PostgreSQL: PGlite (PostgreSQL 18 in wasm) inside this process, served over the
// wire protocol on 127.0.0.1 (free port) so the same `pg` code path serves it and real
// PostgreSQL. maxConnections > 1 is essential: the socket server allows 1 connection by default
// and a pg.Pool then fails with "Connection terminated unexpectedly". PGlite runs one query at a
// time; the socket server keeps an open transaction to its own connection and rolls it back when
// that connection closes (a killed writer leaves nothing behind).
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { PgSettings } from "./settings.ts";

export interface EmbeddedPostgres {
  settings: PgSettings;
  /** Idempotent: closes every connection, the server and the database. */
  stop(): Promise<void>;
}

export const EMBEDDED_PG_MAX_CONNECTIONS = 16;

/** Starts PGlite (in memory, or on disk in `dataDir`) and its socket server on a free port. */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: EMBEDDED_PG_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const port = Number(server.getServerConn().split(":").pop());
  const settings: PgSettings = {
    host: "127.0.0.1",
    port,
    user: "postgres",
    password: undefined,
    database: "postgres",
    ssl: false,
    embedded: true,
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop().catch(() => {});
      await db.close().catch(() => {});
    })());
  return { settings, stop };
}
