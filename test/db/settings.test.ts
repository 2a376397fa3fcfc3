// PostgreSQL settings from DATABASE_URL / PG* / flags: what is picked, the default user, and that
// a malformed URL is a UsageError that does not echo the password.
import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { describePg, pgSettingsFromEnv } from "../../src/db/index.ts";

test("nothing configured means the embedded server (null)", (t) => {
  t.is(pgSettingsFromEnv({}), null);
  t.is(pgSettingsFromEnv({ PGUSER: "x", PGPASSWORD: "y" }), null);
});

test("DATABASE_URL gives host, port, user, password, database and sslmode", (t) => {
  t.deepEqual(pgSettingsFromEnv({ DATABASE_URL: "postgresql://bench:s%40cret@db.example:6543/koku?sslmode=require" }), {
    host: "db.example",
    port: 6543,
    user: "bench",
    password: "s@cret",
    database: "koku",
    ssl: "require",
    embedded: false,
  });
});

test("a user is always named: postgres when DATABASE_URL or PGUSER names none ($USER may be unset)", (t) => {
  const a = pgSettingsFromEnv({ DATABASE_URL: "postgres://127.0.0.1/x", USER: undefined })!;
  t.is(a.user, "postgres");
  t.is(a.port, 5432);
  const b = pgSettingsFromEnv({ PGHOST: "127.0.0.1" })!;
  t.is(b.user, "postgres");
  t.is(b.database, "postgres");
});

test("the PG* variables configure a server; flags win over them and over DATABASE_URL", (t) => {
  const s = pgSettingsFromEnv({ PGHOST: "h", PGPORT: "5433", PGUSER: "u", PGPASSWORD: "p", PGDATABASE: "d" })!;
  t.deepEqual([s.host, s.port, s.user, s.password, s.database], ["h", 5433, "u", "p", "d"]);
  const o = pgSettingsFromEnv({ DATABASE_URL: "postgresql://a:b@h1:1/d1" }, { host: "h2", port: "2", user: "u2", database: "d2" })!;
  t.deepEqual([o.host, o.port, o.user, o.password, o.database], ["h2", 2, "u2", "b", "d2"]);
  t.is(describePg(o), "u2@h2:2/d2");
});

test("a malformed DATABASE_URL is a UsageError naming DATABASE_URL without echoing the password", (t) => {
  for (const url of [
    "postgresql://user:hunter2secret@host:notaport/db",
    "mysql://user:hunter2secret@host/db",
    "user:hunter2secret@host/db",
    "postgresql://user:hunter2secret@/db",
    "postgresql://user:hunter2secret@host:99999/db",
  ]) {
    const err = t.throws(() => pgSettingsFromEnv({ DATABASE_URL: url }), { instanceOf: UsageError }, url);
    t.true(err.message.includes("DATABASE_URL"), err.message);
    t.false(err.message.includes("hunter2secret"), err.message);
  }
  t.throws(() => pgSettingsFromEnv({ PGHOST: "h", PGPORT: "x" }), { instanceOf: UsageError, message: /PGPORT/ });
  t.throws(() => pgSettingsFromEnv({ DATABASE_URL: "postgresql://h/d?sslmode=bogus" }), { instanceOf: UsageError, message: /sslmode/ });
});
