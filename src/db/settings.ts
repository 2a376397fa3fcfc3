// PostgreSQL settings from DATABASE_URL or the standard PG* variables, plus overrides from flags.
// Always names a user (default "postgres"): pg would otherwise read $USER, which may be unset.
// The password is never printed: describePg() gives "user@host:port/database".
import { UsageError } from "../errors.ts";
import { nonEmpty, type Env } from "../contract/setting-value.ts";
import type { PgAccess } from "../contract/job.ts";

export interface PgSettings {
  host: string;
  port: number;
  user: string;
  /** Never print this. */
  password: string | undefined;
  database: string;
  /** TLS: false (off), "require" (on, no certificate check), "verify" (on, verified). */
  ssl: false | "require" | "verify";
  /** True for the PGlite server streambench started itself (no COPY there). */
  embedded: boolean;
}

export interface PgOverrides {
  databaseUrl?: string;
  host?: string;
  port?: number | string;
  user?: string;
  password?: string;
  database?: string;
}

export const DEFAULT_PG_USER = "postgres";

/** "postgres@127.0.0.1:5432/bench": where and who, never the password. */
export function describePg(s: Pick<PgSettings, "host" | "port" | "user" | "database">): string {
  const host = s.host.startsWith("/") ? s.host : s.host.includes(":") ? `[${s.host}]` : s.host;
  return `${s.user}@${host}:${s.port}/${s.database}`;
}

function parsePort(raw: string | number, source: string): number {
  const n = typeof raw === "number" ? raw : Number(raw.trim());
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${source}: "${raw}" is not a port number (1-65535)`);
  return n;
}

function sslFrom(mode: string | undefined, source: string): PgSettings["ssl"] {
  switch (mode ?? "disable") {
    case "disable":
    case "allow":
    case "prefer":
      return false;
    case "require":
      return "require";
    case "verify-ca":
    case "verify-full":
      return "verify";
    default:
      throw new UsageError(`${source}: sslmode "${mode}" is not one of disable, allow, prefer, require, verify-ca, verify-full`);
  }
}

/**
 * Parses a postgres:// or postgresql:// URL. A malformed URL is a UsageError that names
 * DATABASE_URL but does not echo it (it may hold a password).
 */
export function parseDatabaseUrl(raw: string, source = "DATABASE_URL"): Omit<PgSettings, "embedded"> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${source} is not a valid URL (expected postgresql://user:password@host:port/database)`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new UsageError(`${source}: the scheme must be postgresql:// or postgres://, not ${url.protocol.replace(/:$/, "")}://`);
  }
  const params = url.searchParams;
  const hostParam = nonEmpty(params.get("host") ?? undefined);
  let host = hostParam ?? decodeURIComponent(url.hostname);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (!host) throw new UsageError(`${source} names no host (expected postgresql://user:password@host:port/database)`);
  const port = url.port ? parsePort(url.port, `${source} port`) : 5432;
  let user: string;
  let password: string | undefined;
  let database: string;
  try {
    user = decodeURIComponent(url.username) || DEFAULT_PG_USER;
    password = url.password ? decodeURIComponent(url.password) : undefined;
    database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
  } catch {
    throw new UsageError(`${source} has a malformed percent-escape in the user, password or database`);
  }
  if (database.includes("/")) throw new UsageError(`${source}: the database name must not contain "/"`);
  return { host, port, user, password, database, ssl: sslFrom(params.get("sslmode") ?? undefined, source) };
}

/**
 * External PostgreSQL settings, or null when neither DATABASE_URL nor PGHOST (nor an override)
 * is set: then the embedded PGlite server is used. DATABASE_URL wins over PG*; an override
 * (a flag) wins over both for its field.
 */
export function pgSettingsFromEnv(env: Env, overrides: PgOverrides = {}): PgSettings | null {
  const urlRaw = nonEmpty(overrides.databaseUrl) ?? nonEmpty(env.DATABASE_URL);
  const urlSource = nonEmpty(overrides.databaseUrl) ? "--database-url" : "DATABASE_URL";
  const hostRaw = nonEmpty(overrides.host) ?? nonEmpty(env.PGHOST);
  if (urlRaw === undefined && hostRaw === undefined) return null;

  let base: Omit<PgSettings, "embedded">;
  if (urlRaw !== undefined) {
    base = parseDatabaseUrl(urlRaw, urlSource);
  } else {
    const user = nonEmpty(env.PGUSER) ?? DEFAULT_PG_USER;
    base = {
      host: hostRaw!,
      port: env.PGPORT && env.PGPORT.trim() ? parsePort(env.PGPORT, "PGPORT") : 5432,
      user,
      password: env.PGPASSWORD || undefined,
      database: nonEmpty(env.PGDATABASE) ?? user,
      ssl: sslFrom(nonEmpty(env.PGSSLMODE), "PGSSLMODE"),
    };
  }
  const s: PgSettings = { ...base, embedded: false };
  if (nonEmpty(overrides.host)) s.host = overrides.host!.trim();
  if (overrides.port !== undefined && String(overrides.port).trim() !== "") s.port = parsePort(overrides.port, "--pg-port");
  if (nonEmpty(overrides.user)) s.user = overrides.user!.trim();
  if (overrides.password !== undefined) s.password = overrides.password;
  if (nonEmpty(overrides.database)) s.database = overrides.database!.trim();
  if (!/^[^\s]+$/.test(s.host)) throw new UsageError(`PostgreSQL host "${s.host}" is not a host name`);
  return s;
}

/** What the postgres child needs to reach this server (contract/job.ts PgAccess; it travels in the job, on stdin, so the password stays out of ps). */
export function toPgAccess(settings: PgSettings): PgAccess {
  return { host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database, ssl: settings.ssl };
}
