// The PostgreSQL the postgres mode loads the hourly rows into and runs the summary SQL on: either a
// PGlite this child hosts itself (so the child's peak RSS IS the server's), or a real server reached
// with `pg` (DATABASE_URL). One interface, two bulk paths: real PostgreSQL gets COPY FROM STDIN
// (pg-copy-streams); in-process PGlite gets COPY FROM '/dev/blob' (PGlite's in-process COPY; COPY
// over the wire protocol wedges PGlite's socket server, stack-notes section 4, but nothing here
// goes over the wire).
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { PgAccess } from "../../src/contract/job.ts";

export interface PostgresTarget {
  /** "pglite" (in this process) or "postgresql" (a server). */
  readonly engine: "pglite" | "postgresql";
  /**
   * How staging tables are created: TEMP on a server (gone with the session, even if this child is
   * killed); UNLOGGED in PGlite, whose temp tables go through the 8 MB of local temp buffers (a COPY
   * of 200,000 pod rows took 13.3 s into a TEMP table, 7.9 s into an UNLOGGED one); the database
   * ends with the process anyway.
   */
  readonly tableKind: "TEMP" | "UNLOGGED";
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Array<Record<string, unknown>>>;
  /** COPY a headerless CSV file into a table. */
  copyIn(table: string, csvFile: string): Promise<void>;
  /** COPY a query's result out to a CSV file with a header line. */
  copyOut(query: string, csvFile: string): Promise<void>;
  /** What the peak memory figure is, and the figure in kB (null: only the child's own can be given). */
  serverPeak(): Promise<{ kb: number; what: string } | null>;
  close(): Promise<void>;
}

/** PGlite (PostgreSQL in wasm) hosted by this process, in memory. */
export async function embeddedTarget(): Promise<PostgresTarget> {
  const db = await PGlite.create();
  return {
    engine: "pglite",
    tableKind: "UNLOGGED",
    exec: async (sql) => {
      await db.exec(sql);
    },
    rows: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
    copyIn: async (table, csvFile) => {
      await db.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([readFileSync(csvFile)]) });
    },
    copyOut: async (query, csvFile) => {
      const result = await db.query(`COPY (${query}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`);
      if (!result.blob) throw new Error("PGlite returned no data for COPY TO '/dev/blob'");
      writeFileSync(csvFile, Buffer.from(await result.blob.arrayBuffer()));
    },
    serverPeak: async () => null, // the child's own VmHWM is the server's
    close: () => db.close(),
  };
}

/** A PostgreSQL server: one connection (one backend), COPY both ways. */
export async function serverTarget(access: PgAccess): Promise<PostgresTarget> {
  const client = new pg.Client({
    host: access.host,
    port: access.port,
    user: access.user,
    password: access.password,
    database: access.database,
    ssl: access.ssl === false ? false : { rejectUnauthorized: access.ssl === "verify" },
    connectionTimeoutMillis: 15_000,
    application_name: "streambench-postgres-mode",
  });
  await client.connect();
  const backendPid = Number((await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid);
  return {
    engine: "postgresql",
    tableKind: "TEMP",
    exec: async (sql) => {
      await client.query(sql);
    },
    rows: async (sql) => (await client.query(sql)).rows as Array<Record<string, unknown>>,
    copyIn: async (table, csvFile) => {
      await pipeline(createReadStream(csvFile), client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv)`)));
    },
    copyOut: async (query, csvFile) => {
      await pipeline(client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(csvFile));
    },
    serverPeak: async () => {
      // a server on this machine: its backend's own high-water mark (readable as the same user or root)
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${backendPid}/status`, "utf8"));
        if (m) {
          return {
            kb: Number(m[1]),
            what: `peak RSS (VmHWM) of the PostgreSQL backend process ${backendPid} that ran the load and the query (shared buffers it touched included; parallel workers, if any, not)`,
          };
        }
      } catch {
        // a remote server, or another user's process
      }
      return null;
    },
    close: () => client.end(),
  };
}
