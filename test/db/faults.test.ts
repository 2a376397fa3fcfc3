// PostgreSQL faults a user can hit: nothing listening, a server that never answers, a wrong
// password, a missing database. Each is a ServiceError within 15 s naming host:port and user,
// never the password; and a child process configured with a secret never prints it.
import net from "node:net";
import test, { type ImplementationFn } from "ava";
import { ServiceError } from "../../src/errors.ts";
import { connectPg, pgSettingsFromEnv, type PgSettings } from "../../src/db/index.ts";
import { connectCheck } from "./child.ts";
import { NEEDS_REAL_POSTGRES } from "./on-targets.ts";
import { closedPort } from "../net-helpers.ts";

const SECRET = "Pg-S3cr3t-do-not-print-4711";

function settingsAt(port: number, over: Partial<PgSettings> = {}): PgSettings {
  return { host: "127.0.0.1", port, user: "bench_user", password: SECRET, database: "bench", ssl: false, embedded: false, ...over };
}

test("nothing listening on the PostgreSQL port: ServiceError naming host:port and user, after bounded retries, within 15 s", async (t) => {
  const port = await closedPort();
  const t0 = Date.now();
  const err = await t.throwsAsync(connectPg(settingsAt(port)), { instanceOf: ServiceError });
  const ms = Date.now() - t0;
  t.true(ms < 15_000, `${ms} ms`);
  t.true(ms >= 1_500, `retried with backoff (${ms} ms)`);
  t.is(err.message, `PostgreSQL at bench_user@127.0.0.1:${port}/bench cannot be reached: connection refused (after 4 attempts) while connecting`);
});

test("a server that accepts but never answers: connect timeouts end it within 15 s", async (t) => {
  const socks: net.Socket[] = [];
  const srv = net.createServer((s) => socks.push(s));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  try {
    const t0 = Date.now();
    const err = await t.throwsAsync(connectPg(settingsAt(port)), { instanceOf: ServiceError });
    t.true(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
    t.regex(err.message, new RegExp(`^PostgreSQL at bench_user@127\\.0\\.0\\.1:${port}/bench cannot be reached: connection timed out`));
    t.false(err.message.includes(SECRET));
  } finally {
    for (const s of socks) s.destroy();
    srv.close();
  }
});

test("a child process with a secret PGPASSWORD pointed at a closed port never prints the secret", async (t) => {
  const port = await closedPort();
  const res = await connectCheck("pg", { PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "bench_user", PGPASSWORD: SECRET, PGDATABASE: "bench" });
  t.is(res.code, 3);
  t.true(res.ms < 20_000);
  const all = res.stdout + res.stderr;
  t.false(all.includes(SECRET));
  t.true(res.stderr.includes(`bench_user@127.0.0.1:${port}`), res.stderr);
  t.true(res.stdout.includes(`PostgreSQL: bench_user@127.0.0.1:${port}/bench`));
});

const realUrl = process.env.DATABASE_URL;
const real = realUrl ? pgSettingsFromEnv({ DATABASE_URL: realUrl }) : null;
const realTest: (title: string, implementation: ImplementationFn<[]>) => void = real ? test : (title, implementation) => test.skip(`${title} (skipped: ${NEEDS_REAL_POSTGRES})`, implementation);

realTest("[postgres] a wrong password is refused at once (no retries) and reported without the password", async (t) => {
  const s = { ...real!, password: SECRET };
  const t0 = Date.now();
  const err = await t.throwsAsync(connectPg(s), { instanceOf: ServiceError });
  t.true(Date.now() - t0 < 5_000);
  t.is(err.message, `PostgreSQL at ${s.user}@${s.host}:${s.port}/${s.database} refused the login of user "${s.user}": password authentication failed while connecting`);

  const url = new URL(realUrl!);
  url.password = SECRET;
  const res = await connectCheck("pg", { DATABASE_URL: url.toString() });
  t.is(res.code, 3);
  t.false((res.stdout + res.stderr).includes(SECRET));
  t.true(res.stderr.includes(`${s.user}@${s.host}:${s.port}`));
  t.true(res.stderr.includes("password authentication failed"));
});

realTest("[postgres] a missing database is named", async (t) => {
  const err = await t.throwsAsync(connectPg({ ...real!, database: "no_such_db_sb" }), { instanceOf: ServiceError });
  t.regex(err.message, /has no database "no_such_db_sb"/);
});
