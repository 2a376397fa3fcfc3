// What the CLI does with hostile or careless settings (issue 20): --out never replaces a device or
// a link, run --out never makes missing parents, a disk that fills while the input is unpacked is
// exit 5 naming the stage folder, and a system schema is refused naming --schema. Each run here
// stops before any benchmark work, except aggregate's over 7 plain rows.
import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REQUIRED_COLUMNS } from "../../src/nise/csv-import.ts";
import { startCli } from "../run/cli-process.ts";
import { mountTmpfs, unmountTmpfs } from "../tmpfs.ts";
import { writeSummaryCsv } from "../../src/report/canonical-summary-csv.ts";
import { SUMMARY_COLUMNS } from "../../src/contract/summary-schema.ts";
import { describeStaleRun, findStaleRuns, RUN_MARKER } from "../../src/run/results-folder.ts";

const POD_HEADER = REQUIRED_COLUMNS.pod.join(",");
const POD_ROW = "2024-01-01 00:00:00 +0000 UTC,2024-02-01 00:00:00 +0000 UTC,2024-01-01 00:00:00 +0000 UTC,2024-01-01 00:59:59 +0000 UTC,p1,ns1,alpha,i-1,1,1,2,3,4,5,4,14400,5,18000,label_app:x";

const work = mkdtempSync(join(tmpdir(), "streambench-hostile-cli-"));
const input = join(work, "in");
mkdirSync(input);
writeFileSync(join(input, "January-2024-c1-ocp_pod_usage.csv"), `${POD_HEADER}\r\n${POD_ROW}\r\n`);

/** A tmpfs of 1 MiB mounted in the scratch folder, when this process may mount one (root). */
const small = join(work, "tmpfs");
mkdirSync(small);
const mounted = mountTmpfs(small, "1m");

test.after.always(() => {
  if (mounted) unmountTmpfs(small);
  rmSync(work, { recursive: true, force: true });
});

test("aggregate --out naming a device node, a pipe or a symbolic link is exit 2 naming it, and leaves it as it was", async (t) => {
  const dir = join(work, "out-special");
  mkdirSync(dir);
  const device = join(dir, "null");
  execFileSync("mknod", [device, "c", "1", "3"]); // a fake /dev/null, in a temporary folder
  const fifo = join(dir, "pipe");
  execFileSync("mkfifo", [fifo]);
  const link = join(dir, "link.csv");
  writeFileSync(join(dir, "target.csv"), "keep");
  symlinkSync(join(dir, "target.csv"), link);
  for (const [out, kind] of [[device, "a character device"], [fifo, "a named pipe"], [link, "a symbolic link"]]) {
    const r = await startCli(["aggregate", "--input", input, "--mode", "reference", "--out", out]).done;
    t.is(r.code, 2, r.stderr);
    t.true(r.stderr.includes(`aggregate: --out ${out}: it is ${kind}; the summary is written only to a regular file or a new name`), r.stderr);
  }
  t.true(statSync(device).isCharacterDevice(), "the device node is still a device node");
  t.deepEqual(readdirSync(dir).sort(), ["link.csv", "null", "pipe", "target.csv"], "no temporary file left beside them");
});

test("run --out whose parent folder does not exist is exit 2 naming the parent, and creates nothing", async (t) => {
  const out = join(work, "a", "missing", "parent");
  const r = await startCli(["run", "--headless", "--runs", "1", "--scales", "small", "--out", out]).done;
  t.is(r.code, 2, r.stdout + r.stderr);
  t.true(r.stderr.includes(`--out ${out}: its parent folder ${join(work, "a", "missing")} does not exist`), r.stderr);
  t.false(existsSync(join(work, "a")));
});

test("--schema naming a PostgreSQL system schema is exit 2 naming --schema", async (t) => {
  const r = await startCli(["run", "--headless", "--scales", "small", "--schema", "pg_catalog", "--out", join(work, "schema")]).done;
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(r.stderr, /--schema "pg_catalog": a PostgreSQL system schema/);
});

test("aggregate --mode postgres against a refused port is exit 3 naming host:port and user, with no stack trace", async (t) => {
  const out = join(work, "refused.csv");
  const r = await startCli(["aggregate", "--input", input, "--mode", "postgres", "--out", out], { DATABASE_URL: "postgres://someone:secret@127.0.0.1:1/db" }).done;
  t.is(r.code, 3, r.stderr);
  t.true(r.stderr.includes("PostgreSQL at someone@127.0.0.1:1/db cannot be reached: connection refused"), r.stderr);
  t.false(/\n\s+at /.test(r.stderr), "no stack trace");
  t.false(r.stderr.includes("secret"));
});

const realPg = process.env.DATABASE_URL;
(realPg ? test : test.skip)("aggregate --mode postgres with a wrong password is exit 3 naming host:port and user (DATABASE_URL's server)", async (t) => {
  const url = new URL(realPg!);
  url.password = "not-the-password";
  const r = await startCli(["aggregate", "--input", input, "--mode", "postgres", "--out", join(work, "wrong.csv")], { DATABASE_URL: url.toString() }).done;
  t.is(r.code, 3, r.stderr);
  t.true(r.stderr.includes(`refused the login of user "${url.username}": password authentication failed`), r.stderr);
});

(mounted ? test.serial : test.skip)("a disk that fills while a .csv.gz is unpacked is exit 5 naming the stage folder, for the reference and a polars mode", async (t) => {
  const gz = join(work, "gz");
  mkdirSync(gz, { recursive: true });
  // 8,000 rows of ~270 bytes: about 2.2 MB unpacked, into a 1 MiB tmpfs
  writeFileSync(join(gz, "January-2024-c1-ocp_pod_usage.csv.gz"), gzipSync(`${POD_HEADER}\r\n${`${POD_ROW}\r\n`.repeat(8000)}`));
  for (const mode of ["reference", "in-memory"]) {
    const out = join(work, `full-${mode}.csv`);
    const r = await startCli(["aggregate", "--input", gz, "--mode", mode, "--out", out], { TMPDIR: small }).done;
    t.is(r.code, 5, r.stderr);
    t.regex(r.stderr, new RegExp(`staging the input: cannot write into ${small}/streambench-input-\\w+/csv: no space left on the device \\(ENOSPC\\)`), mode);
    t.false(existsSync(out));
  }
});

test("a bad row inside a .csv.gz is named by the .csv.gz the user gave, line and column, not by its unpacked copy (reference and a polars mode)", async (t) => {
  const dir = join(work, "cut-inside-gz");
  mkdirSync(dir);
  // a whole gzip stream whose CSV ends inside its 2nd row: 12 of 19 fields, no line end
  const gz = join(dir, "January-2024-c1-ocp_pod_usage.csv.gz");
  writeFileSync(gz, gzipSync(`${POD_HEADER}\r\n${POD_ROW}\r\n${POD_ROW.split(",").slice(0, 12).join(",")}`));
  for (const [mode, where] of [["reference", `${gz}:3: `], ["in-memory", `${gz}: line 3, column `]]) {
    const r = await startCli(["aggregate", "--input", dir, "--mode", mode, "--out", join(work, `cut-${mode}.csv`)]).done;
    t.is(r.code, 2, r.stderr);
    // header line 1, the whole row line 2, the cut row line 3
    t.true(r.stderr.includes(`streambench: ${where}`), r.stderr);
    t.false(r.stderr.includes("streambench-input-"), r.stderr);
  }
});

test("a STREAMBENCH_STAGE_LIMIT that is not a size is exit 2 naming it before any work, in aggregate's polars modes and in run", async (t) => {
  const env = { STREAMBENCH_STAGE_LIMIT: "lots" };
  const agg = await startCli(["aggregate", "--input", input, "--mode", "in-memory", "--out", join(work, "limit.csv")], env).done;
  t.is(agg.code, 2, agg.stderr);
  t.true(agg.stderr.includes('STREAMBENCH_STAGE_LIMIT="lots": give a size such as 20GB, 512MiB or a byte count'), agg.stderr);
  const out = join(work, "limit-run");
  const run = await startCli(["run", "--headless", "--runs", "1", "--input", input, "--out", out], env).done;
  t.is(run.code, 2, run.stdout + run.stderr);
  t.true(run.stderr.includes('STREAMBENCH_STAGE_LIMIT="lots"'), run.stderr);
  t.false(existsSync(out), "no results folder for a settings error");
});

test("aggregate --out naming a file inside --input is exit 2 and leaves the user's file as it was", async (t) => {
  const csv = join(input, "January-2024-c1-ocp_pod_usage.csv");
  for (const out of [csv, join(input, "summary.csv")]) {
    const r = await startCli(["aggregate", "--input", input, "--mode", "reference", "--out", out]).done;
    t.is(r.code, 2, r.stderr);
    t.true(r.stderr.includes(`aggregate: --out ${out} is inside --input ${input}: the summary would replace or join your input`), r.stderr);
  }
  t.is(readFileSync(csv, "utf8"), `${POD_HEADER}\r\n${POD_ROW}\r\n`, "the input CSV is untouched");
  t.deepEqual(readdirSync(input), ["January-2024-c1-ocp_pod_usage.csv"], "nothing written beside it");
});

test("the summary CSV is never written through a link planted at its temporary name beside --out", async (t) => {
  const dir = join(work, "planted");
  mkdirSync(dir);
  const victim = join(work, "victim.txt");
  writeFileSync(victim, "keep");
  const out = join(dir, "summary.csv");
  // the temporary name was <out>.tmp-<pid>: anyone who can write into --out's folder could plant it
  symlinkSync(victim, `${out}.tmp-${process.pid}`);
  await writeSummaryCsv(out, []);
  t.is(readFileSync(victim, "utf8"), "keep");
  t.is(readFileSync(out, "utf8"), `${SUMMARY_COLUMNS.join(",")}\n`, "no rows: the header line alone");
  t.deepEqual(readdirSync(dir).sort(), ["summary.csv", `summary.csv.tmp-${process.pid}`], "the planted link is left alone, no temporary file left");
});

test("a killed run's marker in the --out folder gets only uploads of a run's shape removed; a bare \"data\" prefix (all of Koku's parquet) is left alone", (t) => {
  const outRoot = join(work, "stale-out");
  const runDir = join(outRoot, "streaming_comparison_20261204_000000");
  mkdirSync(runDir, { recursive: true });
  const dead = spawnSync("true").pid!; // a process that has ended
  const own = { endpoint: "http://minio:9000", bucket: "cost-management", prefix: "data/1234567/OCP/source=349d3d67-ca24-5bcb-a458-f0cf4148321a" };
  const uploads = [own, { endpoint: "http://minio:9000", bucket: "cost-management", prefix: "data" }, { prefix: 7 }];
  writeFileSync(join(runDir, RUN_MARKER), JSON.stringify({ pid: dead, startedAt: "2026-12-04T00:00:00Z", uploads }));
  const [stale] = findStaleRuns(outRoot);
  t.deepEqual(stale.uploads, [own]);
  t.true(describeStaleRun(stale).endsWith("; its marker also listed 2 upload(s) not of the form data/<org>/OCP/source=<uuid>, left alone"), describeStaleRun(stale));
});
