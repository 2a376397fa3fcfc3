// A pg.Pool for the settings, checked with a first query (bounded retries for transient failures),
// and the mapping of connection failures to ServiceError: host:port, user and database, never
// the password.
import pg from "pg";
import { ServiceError } from "../errors.ts";
import { withRetry } from "./retry.ts";
import { describePg, type PgSettings } from "./settings.ts";

export const PG_CONNECT_TIMEOUT_MS = 2_500;
/**
 * The embedded PGlite server runs in this very process and answers one message at a time: it is
 * never unreachable, only slow when the machine is loaded (a pool of 4 timed out at 2.5 s under
 * a load average of 24 on 2 cores). Give its handshakes the whole time a connect may take.
 */
export const PG_EMBEDDED_CONNECT_TIMEOUT_MS = 12_000;

// date (1082) as the "YYYY-MM-DD" text, never a JS Date shifted by the local time zone.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 1082 || oid === 1114 || oid === 1184) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export function poolConfig(settings: PgSettings, max = 4): pg.PoolConfig {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: settings.ssl === false ? false : { rejectUnauthorized: settings.ssl === "verify" },
    max,
    connectionTimeoutMillis: settings.embedded ? PG_EMBEDDED_CONNECT_TIMEOUT_MS : PG_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 10_000,
    application_name: "streambench",
    keepAlive: true,
    types: types as pg.CustomTypesConfig,
  };
}

const TRANSIENT_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EPIPE", "57P03", "53300", "08006", "08001"]);

function errInfo(err: unknown): { code?: string; message: string } {
  const e = err as { code?: string; message?: string; errors?: { code?: string; message?: string }[] };
  const sub = e?.errors?.find((x) => x?.code);
  return { code: e?.code ?? sub?.code, message: String(e?.message || sub?.message || err) };
}

export function isTransientPgError(err: unknown): boolean {
  const { code, message } = errInfo(err);
  if (code && TRANSIENT_CODES.has(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated unexpectedly|Connection terminated due to connection timeout/i.test(message);
}

/**
 * The server went away under a running statement: terminated by an administrator
 * (pg_terminate_backend, 57P01), shut down (57P02/57P03), or the socket closed (EPIPE, ECONNRESET).
 */
function isDroppedConnection(code: string | undefined, message: string): boolean {
  if (code === "57P01" || code === "57P02" || code === "EPIPE" || code === "ECONNRESET") return true;
  return /Connection terminated unexpectedly|terminating connection/i.test(message);
}

/** A ServiceError describing why PostgreSQL at `settings` failed while `action`. */
export function pgFault(err: unknown, settings: PgSettings, action: string): ServiceError {
  if (err instanceof ServiceError) return err;
  const where = `PostgreSQL at ${describePg(settings)}`;
  const { code, message } = errInfo(err);
  const attempts = (err as { attempts?: number })?.attempts;
  const tries = attempts && attempts > 1 ? ` (after ${attempts} attempts)` : "";
  let what: string;
  if (code === "ECONNREFUSED") what = `cannot be reached: connection refused${tries}`;
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN") what = `cannot be reached: unknown host ${settings.host}`;
  else if (code === "ETIMEDOUT" || /timeout/i.test(message)) what = `cannot be reached: connection timed out${tries}`;
  else if (code === "28P01") what = `refused the login of user "${settings.user}": password authentication failed`;
  else if (code === "28000") what = `refused the login of user "${settings.user}": ${message}`;
  else if (code === "3D000") what = `has no database "${settings.database}"`;
  else if (/client password must be a string|password/i.test(message) && !code)
    what = `asks for a password for user "${settings.user}" and none is set (PGPASSWORD or DATABASE_URL)`;
  else if (code === "42501") what = `denied permission to user "${settings.user}": ${message}`;
  else if (isDroppedConnection(code, message)) what = `dropped the connection (${message})`;
  else what = `failed: ${message}${code ? ` (${code})` : ""}${tries}`;
  // A server message never holds the password, but scrub it anyway in case a driver echoes it
  // (only in what came from outside: the host, user and database above are ours to print).
  if (settings.password && settings.password.length >= 3) what = what.split(settings.password).join("***");
  return new ServiceError(`${where} ${what} while ${action}`);
}

/** A pool whose first connection and query succeeded; throws ServiceError within ~15 s. */
export async function connectPg(settings: PgSettings, opts: { max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool(poolConfig(settings, opts.max ?? 4));
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    await withRetry(async () => {
      const client = await pool.connect();
      try {
        await client.query("SELECT 1");
      } finally {
        client.release();
      }
    }, { isTransient: isTransientPgError });
  } catch (err) {
    await pool.end().catch(() => {});
    throw pgFault(err, settings, "connecting");
  }
  return pool;
}

/** true when the server is PGlite (SELECT version() names it), where COPY FROM STDIN must not be used. */
export async function isPglite(pool: pg.Pool | pg.PoolClient): Promise<boolean> {
  const r = await pool.query<{ version: string }>("SELECT version() AS version");
  return /PGlite/i.test(r.rows[0]?.version ?? "");
}

const pgliteCache = new WeakMap<object, boolean>();

export async function detectPglite(pool: pg.Pool): Promise<boolean> {
  let v = pgliteCache.get(pool);
  if (v === undefined) {
    v = await isPglite(pool);
    pgliteCache.set(pool, v);
  }
  return v;
}

/** Where a pool points (from its own options), for error messages; no password. */
export function poolSettings(pool: pg.Pool): PgSettings {
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
