import test from "ava";
import { configFromArgs, DEFAULT_SCALES } from "../../src/commands/run-config.ts";
import { UsageError } from "../../src/errors.ts";

const known = ["small", "medium", "large", "production-large"];
const config = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = configFromArgs(argv, env, known, "/work");
  if (parsed.help) throw new Error("unexpected help");
  return parsed.config;
};

test("with no flags a run covers small, medium and large in both modes on the embedded servers", (t) => {
  const c = config([]);
  t.deepEqual([...c.scales], DEFAULT_SCALES);
  t.deepEqual([...c.modes], ["in-memory", "streaming"]);
  t.is(c.repetitions, 3, "--runs auto: three interleaved runs per scale and mode first");
  t.deepEqual(c.autoRuns, { budgetSeconds: 7 }, "then more within a 7 s budget where a verdict is inconclusive");
  t.is(c.warmup, 0);
  t.is(c.s3, null);
  t.is(c.postgres, null);
  t.is(c.relTolerance, 1e-9);
  t.is(c.bucket, "cost-management");
  t.is(c.outRoot, "/work/results");
});

test("an unknown scale is a usage error that lists the known scales", (t) => {
  const error = t.throws(() => config(["--scales", "small,huge"]), { instanceOf: UsageError });
  t.regex(error.message, /unknown scale "huge".*small, medium, large/);
});

test("an unknown flag is a usage error naming the flag", (t) => {
  const error = t.throws(() => config(["--scale", "small"]), { instanceOf: UsageError });
  t.regex(error.message, /--scale/);
});

test("--tolerance above 0.01 is refused, and at 0.01 accepted", (t) => {
  t.throws(() => config(["--tolerance", "0.02"]), { instanceOf: UsageError, message: /--tolerance/ });
  t.is(config(["--tolerance", "0.01"]).relTolerance, 0.01);
});

test("--runs must be a whole number of at least 1", (t) => {
  t.throws(() => config(["--runs", "0"]), { instanceOf: UsageError, message: /--runs/ });
  t.throws(() => config(["--runs", "2.5"]), { instanceOf: UsageError, message: /--runs/ });
  t.is(config(["--runs", "3"]).repetitions, 3);
});

test("--warmup adds runs of 0 or more, and a warm-up count that is not a whole number is refused", (t) => {
  t.is(config(["--warmup", "2"]).warmup, 2);
  t.is(config(["--warmup", "0"]).warmup, 0);
  t.throws(() => config(["--warmup", "-1"]), { instanceOf: UsageError, message: /--warmup/ });
  t.throws(() => config(["--warmup", "x"]), { instanceOf: UsageError, message: /--warmup/ });
});

test("--input and --scales exclude each other, and --input runs one scale named input", (t) => {
  t.throws(() => config(["--input", "d", "--scales", "small"]), { instanceOf: UsageError });
  const c = config(["--input", "data"]);
  t.deepEqual([...c.scales], ["input"]);
  t.is(c.input, "/work/data");
});

test("DATABASE_URL and AWS_ENDPOINT_URL switch from the embedded servers to the user's", (t) => {
  const c = config([], {
    DATABASE_URL: "postgres://koku:secret@db.example:5433/koku",
    AWS_ENDPOINT_URL: "http://minio.example:9000",
    AWS_ACCESS_KEY_ID: "minioadmin",
    AWS_SECRET_ACCESS_KEY: "minio-secret",
  });
  t.is(c.postgres?.host, "db.example");
  t.is(c.postgres?.port, 5433);
  t.is(c.s3?.endpoint, "http://minio.example:9000");
});

test("a malformed DATABASE_URL is a usage error that does not echo the password", (t) => {
  const error = t.throws(() => config([], { DATABASE_URL: "postgres://u:hunter2@[bad" }), { instanceOf: UsageError });
  t.false(error.message.includes("hunter2"));
  t.regex(error.message, /DATABASE_URL/);
});

test("--help asks for the help text instead of a config", (t) => {
  t.true(configFromArgs(["--help"], {}, known).help);
});

test("--modes takes any subset of the four engines in the order given; the default stays the two polars modes", (t) => {
  t.deepEqual([...config(["--modes", "duckdb,in-memory,postgres,streaming"]).modes], ["duckdb", "in-memory", "postgres", "streaming"]);
  t.deepEqual([...config(["--modes", "postgres"]).modes], ["postgres"]);
  t.deepEqual([...config([]).modes], ["in-memory", "streaming"]);
  const error = t.throws(() => config(["--modes", "in-memory,sqlite"]), { instanceOf: UsageError });
  t.regex(error.message, /unknown mode "sqlite".*in-memory, streaming, duckdb, postgres/);
  t.throws(() => config(["--modes", "duckdb,duckdb"]), { instanceOf: UsageError, message: /each once/ });
});

test("--duckdb-memory-limit takes a DuckDB size and defaults to DuckDB's own (null)", (t) => {
  t.is(config([]).duckdbMemoryLimit, null);
  t.is(config(["--duckdb-memory-limit", "2GB"]).duckdbMemoryLimit, "2GB");
  t.is(config(["--duckdb-memory-limit", "512MiB"]).duckdbMemoryLimit, "512MiB");
  t.throws(() => config(["--duckdb-memory-limit", "lots"]), { instanceOf: UsageError, message: /--duckdb-memory-limit/ });
});

test("--pg-timeout (else STREAMBENCH_PG_TIMEOUT) sets how long PostgreSQL may stay silent, in seconds, default 60, at least the 5 s notice", (t) => {
  t.is(config([]).pgTimeoutMs, 60_000);
  t.is(config(["--pg-timeout", "30"]).pgTimeoutMs, 30_000);
  t.is(config([], { STREAMBENCH_PG_TIMEOUT: "120" }).pgTimeoutMs, 120_000);
  t.is(config(["--pg-timeout", "10"], { STREAMBENCH_PG_TIMEOUT: "120" }).pgTimeoutMs, 10_000, "the flag wins");
  t.throws(() => config(["--pg-timeout", "4"]), { instanceOf: UsageError, message: /--pg-timeout: expected 5 seconds or more, got 4/ });
  t.throws(() => config([], { STREAMBENCH_PG_TIMEOUT: "soon" }), { instanceOf: UsageError, message: /STREAMBENCH_PG_TIMEOUT must be a whole number/ });
});
