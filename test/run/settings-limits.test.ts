// summary.json's settings.limits.told: what each engine was told of its budget. Under a list of
// limits each limit gives its own share, so the record names every one, not only the first.
import test from "ava";
import { toldOfLimits } from "../../src/run/lifecycle.ts";
import type { Limits } from "../../src/limits/limit-settings.ts";

const MiB = 1024 * 1024;
const limit = (mib: number): Limits => ({ memoryLimitBytes: mib * MiB, cpus: null, preset: null, timeoutSeconds: null });
const capOf = (l: Limits) => (l.memoryLimitBytes === null ? null : { bytes: l.memoryLimitBytes, source: "limit" as const });

test("under one limit DuckDB is told 80% of it", (t) => {
  const told = toldOfLimits("duckdb", { limits: [limit(750)], duckdbMemoryLimit: null }, "embedded", capOf);
  t.regex(told, /600MiB/);
  t.notRegex(told, /750MiB:/, "one limit needs no label");
});

test("under a list of limits each limit's own share is recorded, in the order run", (t) => {
  const told = toldOfLimits("duckdb", { limits: [limit(400), limit(750)], duckdbMemoryLimit: null }, "embedded", capOf);
  // 0.8 x 400 MiB = 320 MiB, 0.8 x 750 MiB = 600 MiB
  t.regex(told, /^400MiB: .*320MiB.*; 750MiB: .*600MiB/);
});
