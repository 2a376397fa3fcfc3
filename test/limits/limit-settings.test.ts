// The limit flags as a user writes them: sizes in binary and decimal units, presets named after the
// worker they copy, a list of limits, and every mistake a usage error naming the flag.
import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { limitsFromFlags, parseCpus, parseMemorySize, parseTimeout } from "../../src/limits/limit-settings.ts";
import { engineBudget } from "../../src/limits/engine-budget.ts";
import { configFromArgs } from "../../src/commands/run-config.ts";

const MiB = 1024 * 1024;

test("sizes: 750MiB is 750 x 1,048,576 = 786,432,000 bytes, 4GiB 4,294,967,296, 512MB 512,000,000", (t) => {
  t.is(parseMemorySize("750MiB", "--memory-limit"), 786_432_000);
  t.is(parseMemorySize("4GiB", "--memory-limit"), 4_294_967_296);
  t.is(parseMemorySize("512MB", "--memory-limit"), 512_000_000);
  t.is(parseMemorySize("1.5g", "--memory-limit"), 1_610_612_736); // 1.5 x 1,073,741,824
});

test("a size that is not one, or too small to start an engine, is a usage error naming the flag", (t) => {
  for (const bad of ["750", "lots", "-1GiB", "4 furlongs"]) t.throws(() => parseMemorySize(bad, "--memory-limit"), { instanceOf: UsageError, message: /--memory-limit/ });
  t.throws(() => parseMemorySize("8MiB", "--memory-limit"), { message: /below 16MiB/ });
});

test("--cpus takes fractions above 0; --timeout takes seconds, 90s, 5m", (t) => {
  t.is(parseCpus("0.2"), 0.2);
  t.throws(() => parseCpus("0"), { instanceOf: UsageError, message: /--cpus/ });
  t.throws(() => parseCpus("two"), { instanceOf: UsageError });
  t.is(parseTimeout("90s"), 90);
  t.is(parseTimeout("5m"), 300);
  t.is(parseTimeout("0.5"), 0.5);
  t.throws(() => parseTimeout("soon"), { instanceOf: UsageError, message: /--timeout/ });
});

test("--limits koku-worker is 750 MiB and 0.2 CPU; koku-onprem-worker 400 MiB and no CPU limit; an explicit flag overrides its part", (t) => {
  t.deepEqual(limitsFromFlags({ limits: "koku-worker" }), [{ memoryLimitBytes: 750 * MiB, cpus: 0.2, preset: "koku-worker", timeoutSeconds: null }]);
  t.deepEqual(limitsFromFlags({ limits: "koku-onprem-worker" }), [{ memoryLimitBytes: 400 * MiB, cpus: null, preset: "koku-onprem-worker", timeoutSeconds: null }]);
  t.deepEqual(limitsFromFlags({ limits: "koku-worker", cpus: "1" })[0].cpus, 1);
  t.throws(() => limitsFromFlags({ limits: "big-box" }), { instanceOf: UsageError, message: /unknown preset "big-box" \(known: koku-worker, koku-onprem-worker\)/ });
});

test("a list of memory limits gives one set of limits each, in order; none gives one without a memory limit", (t) => {
  t.deepEqual(limitsFromFlags({ "memory-limit": "400MiB,750MiB,4GiB" }).map((l) => l.memoryLimitBytes), [400 * MiB, 750 * MiB, 4096 * MiB]);
  t.deepEqual(limitsFromFlags({}), [{ memoryLimitBytes: null, cpus: null, preset: null, timeoutSeconds: null }]);
  t.throws(() => limitsFromFlags({ "memory-limit": "750MiB,750MiB" }), { message: /twice/ });
});

test("run and sweep read the flags into the config", (t) => {
  const parsed = configFromArgs(["--scales", "small", "--memory-limit", "750MiB", "--cpus", "0.5", "--timeout", "2m"], {}, ["small"]);
  t.false(parsed.help);
  if (!parsed.help) t.deepEqual(parsed.config.limits, [{ memoryLimitBytes: 750 * MiB, cpus: 0.5, preset: null, timeoutSeconds: 120 }]);
});

test("engines are told their budget: polars threads from --cpus; DuckDB 80% of the limit and threads, --duckdb-memory-limit overriding", (t) => {
  const under = { limits: { memoryLimitBytes: 750 * MiB, cpus: 0.2, preset: null, timeoutSeconds: null }, cap: { bytes: 750 * MiB, source: "limit" as const } };
  t.is(engineBudget("streaming", under, null, "embedded").told, "POLARS_MAX_THREADS=1 (polars has no memory budget)"); // ceil(0.2) = 1
  // 0.8 x 750 MiB = 600 MiB
  t.deepEqual(engineBudget("duckdb", under, null, "embedded").job, { duckdbMemoryLimit: "600MiB", duckdbThreads: 1 });
  t.deepEqual(engineBudget("duckdb", under, "2GB", "embedded").job, { duckdbMemoryLimit: "2GB", duckdbThreads: 1 });
  t.regex(engineBudget("postgres", under, null, "server").told, /outside the limit/);
  t.regex(engineBudget("postgres", under, null, "embedded").told, /covers the server too/);
});

test("a bad STREAMBENCH_LIMIT_ENFORCEMENT stops the run at its flags, exit 2 naming the setting, before any service starts", (t) => {
  const e = t.throws(() => configFromArgs(["--scales", "small"], { STREAMBENCH_LIMIT_ENFORCEMENT: "kernel" }, ["small"]), { instanceOf: UsageError });
  t.regex(e!.message, /STREAMBENCH_LIMIT_ENFORCEMENT must be auto, watchdog or cgroup, got "kernel"/);
  t.notThrows(() => configFromArgs(["--scales", "small"], { STREAMBENCH_LIMIT_ENFORCEMENT: "watchdog" }, ["small"]));
});
