import test from "ava";
import { SWEEP_DEFAULT_RUNS, sweepConfigFromArgs } from "../../src/commands/sweep-config.ts";
import { UsageError } from "../../src/errors.ts";

const parse = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = sweepConfigFromArgs(argv, env, "/work");
  if (parsed.help) throw new Error("unexpected help");
  return parsed;
};

test("with no flags a sweep runs the whole ladder, both modes, 3 runs each, on the embedded servers", (t) => {
  const { config, sweep } = parse([]);
  t.is(config.scales.length, 8);
  t.deepEqual([...config.scales], sweep.points.map((p) => p.scale));
  t.deepEqual([...config.modes], ["in-memory", "streaming"]);
  t.is(config.repetitions, SWEEP_DEFAULT_RUNS);
  t.is(config.repetitions, 3);
  t.is(config.s3, null);
  t.is(config.postgres, null);
  t.is(config.outRoot, "/work/results");
  t.deepEqual([sweep.minRows, sweep.maxRows, sweep.steps], [7_440, 14_880_000, 2]);
});

test("--max-rows, --min-rows and --steps shape the ladder; thousands separators are accepted", (t) => {
  const { config, sweep } = parse(["--max-rows", "3,720,000"]);
  t.is(config.scales.at(-1), "pods-5000");
  t.is(sweep.maxRows, 3_720_000);
  const fine = parse(["--min-rows", "100000", "--max-rows", "1_000_000", "--steps", "4"]);
  // 135 pods, then 10 · 10^(k/4) = 178, 316, 562, 1000, and the end 1,344
  t.deepEqual([...fine.config.scales], ["pods-135", "pods-178", "pods-316", "pods-562", "pods-1000", "pods-1344"]);
  t.is(fine.sweep.steps, 4);
});

test("every run flag applies to a sweep: runs, modes, seed, out, headless, tolerance, S3 and PostgreSQL settings", (t) => {
  const { config } = parse(
    ["--runs", "1", "--modes", "streaming", "--seed", "7", "--out", "elsewhere", "--headless", "--tolerance", "0.001", "--schema", "org1"],
    { DATABASE_URL: "postgres://koku:secret@db:5432/koku", AWS_ENDPOINT_URL: "http://minio:9000", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
  );
  t.is(config.repetitions, 1);
  t.deepEqual([...config.modes], ["streaming"]);
  t.is(config.seed, 7);
  t.is(config.outRoot, "/work/elsewhere");
  t.true(config.headless);
  t.is(config.relTolerance, 0.001);
  t.is(config.schema, "org1");
  t.not(config.postgres, null);
  t.not(config.s3, null);
});

test("--scales and --input do not apply to a sweep, and say what to use instead", (t) => {
  t.throws(() => parse(["--scales", "small"]), { instanceOf: UsageError, message: /--scales does not apply.*--min-rows, --max-rows, --steps/ });
  t.throws(() => parse(["--input", "data"]), { instanceOf: UsageError, message: /--input does not apply/ });
});

test("bad values are usage errors naming the flag", (t) => {
  t.throws(() => parse(["--max-rows", "lots"]), { instanceOf: UsageError, message: /--max-rows/ });
  t.throws(() => parse(["--runs", "0"]), { instanceOf: UsageError, message: /--runs/ });
  t.throws(() => parse(["--steps", "x"]), { instanceOf: UsageError, message: /--steps/ });
  t.throws(() => parse(["--scale", "small"]), { instanceOf: UsageError, message: /sweep: .*--scale/ });
});

test("--help asks for the help text", (t) => {
  t.deepEqual(sweepConfigFromArgs(["--help"], {}, "/work"), { help: true });
});

test("--max-rows that leaves one size is a usage error (exit 2) naming the size and the --max-rows that gives a second", (t) => {
  // 7,440 rows = 10 pods x 744 hours: min and max are the same pod count. The next rung is
  // round(10 x 10^(1/2)) = 32 pods = 23,808 rows.
  const error = t.throws(() => parse(["--max-rows", "7440"]), { instanceOf: UsageError });
  t.regex(error!.message, /leave one size \(7,440 pod usage rows\); a crossover needs at least 2 sizes; --max-rows 23808 or more/);
});

test("sweep --help lists every run flag a sweep takes, --warmup and --profile among them", async (t) => {
  const { SWEEP_HELP } = await import("../../src/commands/sweep-config.ts");
  for (const flag of ["--runs", "--warmup", "--modes", "--profile", "--seed", "--tolerance", "--out", "--headless"]) t.true(SWEEP_HELP.includes(`  ${flag} `), flag);
});
