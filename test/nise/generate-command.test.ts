import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../src/errors.ts";
import { GENERATE_HELP, parseGenerateFlags, runGenerateCommand } from "../../src/commands/generate.ts";
import { FIXTURES, scratch } from "./helpers.ts";

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let stdout = "";
  (process.stdout as { write: unknown }).write = (chunk: string) => {
    stdout += chunk;
    return true;
  };
  try {
    return { value: await fn(), stdout };
  } finally {
    (process.stdout as { write: unknown }).write = write;
  }
}

test("flags parse in both --flag value and --flag=value forms", (t) => {
  const f = parseGenerateFlags(["--static-report-file", "m.yml", "--ocp-cluster-id=c1", "--out", "o", "--file-row-limit", "500", "--seed=9", "--format", "both"]);
  t.like(f, { staticReportFile: "m.yml", clusterId: "c1", out: "o", fileRowLimit: 500, seed: 9, format: "both" });
});

test("bad flags are UsageErrors naming the flag", (t) => {
  t.throws(() => parseGenerateFlags(["--bogus"]), { instanceOf: UsageError, message: /unknown option "--bogus"/ });
  t.throws(() => parseGenerateFlags(["--file-row-limit", "0"]), { instanceOf: UsageError, message: /^--file-row-limit: / });
  t.throws(() => parseGenerateFlags(["--seed", "-1"]), { instanceOf: UsageError, message: /^--seed: expected a whole number/ });
  t.throws(() => parseGenerateFlags(["--format", "xml"]), { instanceOf: UsageError, message: /^--format: / });
  t.throws(() => parseGenerateFlags(["--out"]), { instanceOf: UsageError, message: /^--out: needs a value/ });
});

test.serial("--help prints the usage and exits 0", async (t) => {
  const { value, stdout } = await quietly(() => runGenerateCommand(["--help"]));
  t.is(value, 0);
  t.is(stdout, GENERATE_HELP);
  t.regex(stdout, /--static-report-file FILE/);
});

test("exactly one input is required, and --ocp-cluster-id with a YAML", async (t) => {
  await t.throwsAsync(runGenerateCommand(["--out", "x"]), { instanceOf: UsageError, message: /exactly one of --static-report-file FILE or --scale NAME/ });
  await t.throwsAsync(runGenerateCommand(["--scale", "small", "--static-report-file", "m.yml", "--out", "x"]), { instanceOf: UsageError });
  await t.throwsAsync(runGenerateCommand(["--static-report-file", "m.yml", "--out", "x"]), { instanceOf: UsageError, message: /--ocp-cluster-id: required/ });
  await t.throwsAsync(runGenerateCommand(["--static-report-file", "/nonexistent/m.yml", "--ocp-cluster-id", "c", "--out", "x"]), { instanceOf: UsageError, message: /cannot read \(ENOENT\)/ });
});

test.serial("a YAML run writes nise's CSVs (the default format for --static-report-file)", async (t) => {
  const s = scratch();
  try {
    const { value } = await quietly(() =>
      runGenerateCommand(["--static-report-file", join(FIXTURES, "multi-month-shared-pv", "manifest.yml"), "--ocp-cluster-id", "fixture-cluster", "--out", s.out, "--quiet"]),
    );
    t.is(value, 0);
    const names = readdirSync(s.out).sort();
    t.deepEqual(names, readdirSync(join(FIXTURES, "multi-month-shared-pv")).filter((f) => f.endsWith(".csv")).sort());
    const f = "January-2024-fixture-cluster-ocp_pod_usage.csv";
    t.is(readFileSync(join(s.out, f), "utf8"), readFileSync(join(FIXTURES, "multi-month-shared-pv", f), "utf8"));
  } finally {
    s.cleanup();
  }
});
