// The postgres mode's job target, one definition for run and aggregate: the user's server with its
// access (the password in the job, on stdin), or a PGlite the child hosts when the run's server is
// the embedded one or a PGlite the user runs.
import test from "ava";
import { pgSettingsFromEnv, toPgAccess, type PgSettings } from "../../src/db/index.ts";
import { postgresJobTarget } from "../../src/run/services.ts";

const server: PgSettings = pgSettingsFromEnv({ DATABASE_URL: "postgresql://bench:s%40cret@db.example:6543/koku?sslmode=require" })!;

test("a server's access carries host, port, user, password, database and TLS, and not whether it is embedded", (t) => {
  t.deepEqual(toPgAccess(server), { host: "db.example", port: 6543, user: "bench", password: "s@cret", database: "koku", ssl: "require" });
});

test("the user's PostgreSQL server is the child's target, reached with the run's settings", (t) => {
  t.deepEqual(postgresJobTarget({ postgres: server, pglite: false }), { kind: "server", pg: toPgAccess(server) });
});

test("the embedded PGlite, or a PGlite server the user runs, sends the child to a PGlite of its own", (t) => {
  t.deepEqual(postgresJobTarget({ postgres: { ...server, embedded: true }, pglite: true }), { kind: "embedded" });
  t.deepEqual(postgresJobTarget({ postgres: server, pglite: true }), { kind: "embedded" });
});
