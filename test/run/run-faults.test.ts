// Faults during `streambench run`, injected as a user or an operator would cause them: PostgreSQL
// ending the write's connection, SIGTERM to `npm start` (npm exits at once), the output pipe
// closed early (`| head`), kill -9 mid-run, an --out that cannot be written. Each ends cleanly:
// one clear line and the documented exit code, the reports written for what completed, latest
// only at a folder with a summary.json, no scratch folders or processes left.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { connectPg, pgSettingsFromEnv } from "../../src/db/index.ts";
import { deriveSourceUuid } from "../../src/nise/generate.ts";
import { DEFAULT_SEED } from "../../src/commands/run-config.ts";
import { sourceUuidFor } from "../../src/run/source-uuid.ts";
import { RUN_MARKER } from "../../src/run/results-folder.ts";
import { startEmbeddedS3 } from "../../src/storage/embedded.ts";
import { createS3Client } from "../../src/storage/client.ts";
import { listObjects } from "../../src/storage/objects.ts";
import { BIN, processesWithMarker, startCli, waitFor } from "./cli-process.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DATABASE_URL = process.env.DATABASE_URL;
const realPg = DATABASE_URL ? test.serial : test.serial.skip;

function runFolder(out: string): string {
  return realpathSync(join(out, "latest"));
}

function summaryJson(dir: string): { status: string } {
  return JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { status: string };
}

function scratchLeft(dir: string): string[] {
  return readdirSync(dir).filter((n) => ["data", "s3", "work", RUN_MARKER].includes(n));
}

realPg("PostgreSQL ending the write's connection: exit 3 naming host:port and user, reports written, no rows kept", async (t) => {
  const settings = pgSettingsFromEnv({ DATABASE_URL })!;
  const schema = `sbt_runfault_${process.pid}`;
  const admin = new pg.Client({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database });
  await admin.connect();
  const out = mkdtempSync(join(tmpdir(), "streambench-pgfault-"));
  try {
    // Hold the lock the in-memory write takes first thing in its transaction, so its backend is
    // found waiting mid-write and ended exactly there (pg_terminate_backend).
    const source = sourceUuidFor("small", "in-memory", deriveSourceUuid("benchmark-small", DEFAULT_SEED));
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [`streambench:${schema}:${source}`]);
    const { done } = startCli(["run", "--headless", "--scales", "small", "--schema", schema, "--out", out], { DATABASE_URL });
    let victim: number | null = null;
    const poll = async () => {
      while (victim === null) {
        const r = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))");
        if (r.rows.length > 0) victim = r.rows[0].pid;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await Promise.race([poll(), done]);
    if (victim === null) {
      const r = await done;
      return t.fail(`the run ended before its write blocked: ${r.stdout}${r.stderr}`);
    }
    await admin.query("SELECT pg_terminate_backend($1)", [victim]);
    await admin.query("SELECT pg_advisory_unlock_all()");
    const result = await done;
    t.is(result.code, 3, result.stdout + result.stderr);
    t.regex(result.stdout, new RegExp(`PostgreSQL at ${settings.user}@${settings.host}:${settings.port}/${settings.database} dropped the connection`));
    t.notRegex(result.stdout + result.stderr, /\n\s+at /, "no stack trace");
    const dir = runFolder(out);
    t.is(summaryJson(dir).status, "ERROR");
    const summary = readFileSync(join(dir, "SUMMARY.csv"), "utf8").trim().split("\n");
    t.deepEqual(summary.slice(1).map((l) => l.split(",").slice(0, 3)), [["small", "in-memory", "FAILED"]]);
    const rows = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".reporting_ocpusagelineitem_daily_summary`);
    t.is(rows.rows[0].n, "0", "no rows of a run that did not PASS");
    t.deepEqual(scratchLeft(dir), []);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
    rmSync(out, { recursive: true, force: true });
  }
});

realPg("a run against an external PostgreSQL says it starts only the embedded S3 and connects to PostgreSQL", async (t) => {
  const schema = `sbt_runext_${process.pid}`;
  const out = mkdtempSync(join(tmpdir(), "streambench-ext-"));
  try {
    const { done } = startCli(["run", "--headless", "--scales", "small", "--modes", "streaming", "--schema", schema, "--out", out], { DATABASE_URL });
    const result = await done;
    t.is(result.code, 0, result.stdout + result.stderr);
    const settings = pgSettingsFromEnv({ DATABASE_URL })!;
    t.regex(result.stdout, /S3: starting embedded S3 \(s3rver\)/);
    t.regex(result.stdout, new RegExp(`PostgreSQL: connecting to ${settings.user}@${settings.host}:${settings.port}/`));
    t.notRegex(result.stdout, /PostgreSQL: starting|PGlite/);
    // each service's ready line once: "[ 0:00] S3: ready in 284 ms (...)", no second "S3: http://..." line
    t.is(result.stdout.split("\n").filter((l) => /S3: (ready|http)/.test(l)).length, 1, result.stdout);
    t.is(result.stdout.split("\n").filter((l) => /PostgreSQL: (ready|\w+@)/.test(l)).length, 1, result.stdout);
    const pool = await connectPg(settings);
    try {
      // the PASSed run's rows are committed: 434 summary rows at small
      const r = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".reporting_ocpusagelineitem_daily_summary`);
      t.is(r.rows[0].n, "434");
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial("SIGTERM to `npm start` (npm exits at once): streambench notices, stops its children and records INTERRUPTED", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-npm-"));
  const marker = `npm-${process.pid}-${Date.now()}`;
  const npm = spawn("npm", ["start", "--", "run", "--headless", "--scales", "small,medium", "--out", out], {
    cwd: ROOT,
    env: { ...process.env, STREAMBENCH_TEST_MARKER: marker },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  npm.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  npm.stderr!.resume();
  const npmDone = new Promise<void>((resolve) => npm.on("close", () => resolve()));
  try {
    await waitFor(() => /aggregate started/.test(stdout), 180_000, "the first aggregate");
    npm.kill("SIGTERM");
    await npmDone;
    // streambench polls its ancestry: once it notices, it stops as on SIGTERM
    await waitFor(() => processesWithMarker("STREAMBENCH_TEST_MARKER", marker).length === 0, 60_000, "streambench and its children to exit");
    t.deepEqual(processesWithMarker("STREAMBENCH_TEST_MARKER", marker), []);
    const dir = runFolder(out);
    t.is(summaryJson(dir).status, "INTERRUPTED");
    // npm may take the shell with it (then the parent changes) or leave it (then the grandparent does)
    t.regex(readFileSync(join(dir, "benchmark.log"), "utf8"), /stopping: (its parent process|the package runner that started it) \(pid \d+\) exited/);
    t.deepEqual(scratchLeft(dir), []);
  } finally {
    for (const pid of processesWithMarker("STREAMBENCH_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial("SIGTERM to the process group of `npm start`: every process stops, INTERRUPTED is recorded, no scratch left", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-pgrp-"));
  const marker = `pgrp-${process.pid}-${Date.now()}`;
  const npm = spawn("npm", ["start", "--", "run", "--headless", "--scales", "small,medium", "--out", out], {
    cwd: ROOT,
    env: { ...process.env, STREAMBENCH_TEST_MARKER: marker },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, as a shell job or a supervisor's child has
  });
  let stdout = "";
  npm.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  npm.stderr!.resume();
  try {
    await waitFor(() => /aggregate started/.test(stdout), 180_000, "the first aggregate");
    process.kill(-npm.pid!, "SIGTERM");
    await waitFor(() => processesWithMarker("STREAMBENCH_TEST_MARKER", marker).length === 0, 60_000, "every process of the group to exit");
    t.deepEqual(processesWithMarker("STREAMBENCH_TEST_MARKER", marker), []);
    const dir = runFolder(out);
    t.is(summaryJson(dir).status, "INTERRUPTED");
    t.deepEqual(scratchLeft(dir), []);
  } finally {
    for (const pid of processesWithMarker("STREAMBENCH_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial("stdout closed early (`| head -1`): the run finishes, writes summary.json and leaves no scratch", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-pipe-"));
  try {
    // one run per mode: what is checked (exit 0, summary.json, no scratch) does not depend on the count
    const child = spawn(BIN, ["run", "--headless", "--scales", "small", "--runs", "1", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout!.once("data", () => child.stdout!.destroy()); // the reader goes away after the first line
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    t.is(code, 0, stderr);
    t.notRegex(stderr, /EPIPE|internal error/);
    const dir = runFolder(out);
    t.is(summaryJson(dir).status, "PASS");
    t.deepEqual(scratchLeft(dir), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial("kill -9 mid-run leaves scratch folders; the next run reports and removes them", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-kill9-"));
  const marker = `kill9-${process.pid}-${Date.now()}`;
  try {
    const first = startCli(["run", "--headless", "--scales", "small", "--out", out], { STREAMBENCH_TEST_MARKER: marker });
    await waitFor(() => /aggregate started/.test(first.stdoutSoFar()), 180_000, "the first aggregate");
    first.child.kill("SIGKILL");
    await first.done;
    const killed = runFolder(out);
    t.true(existsSync(join(killed, RUN_MARKER)), "the marker of a run that never ended");
    t.true(existsSync(join(killed, "s3")), "the embedded S3 server's objects");
    t.is(summaryJson(killed).status, "INTERRUPTED", "its summary.json says it did not finish");
    await waitFor(() => processesWithMarker("STREAMBENCH_TEST_MARKER", marker).length === 0, 60_000, "the orphaned child to end");

    const second = await startCli(["run", "--headless", "--scales", "small", "--modes", "in-memory", "--runs", "1", "--out", out]).done;
    t.is(second.code, 0, second.stdout + second.stderr);
    t.regex(second.stdout, new RegExp(`removed the leftovers of a run that was killed \\(pid ${first.child.pid}\\): ${killed.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*s3/`));
    t.deepEqual(scratchLeft(killed), []);
  } finally {
    for (const pid of processesWithMarker("STREAMBENCH_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial("kill -9 after uploading to a lasting S3 server: the next run removes the objects it left there", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-kill9s3-"));
  const s3dir = mkdtempSync(join(tmpdir(), "streambench-kill9s3-server-"));
  const server = await startEmbeddedS3(s3dir, { bucket: "leftovers" });
  const client = createS3Client(server.settings);
  const env = {
    AWS_ENDPOINT_URL: server.settings.endpoint!,
    AWS_ACCESS_KEY_ID: server.settings.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.settings.secretAccessKey,
    STREAMBENCH_BUCKET: "leftovers",
  };
  try {
    const first = startCli(["run", "--headless", "--scales", "small", "--out", out], env);
    await waitFor(() => /aggregate started/.test(first.stdoutSoFar()), 180_000, "the first aggregate");
    first.child.kill("SIGKILL");
    await first.done;
    const left = await listObjects(client, "leftovers", "data/");
    t.true(left.length > 0, "the killed run's objects are still in the bucket");

    const second = await startCli(["run", "--headless", "--scales", "medium", "--modes", "in-memory", "--runs", "1", "--out", out], env).done;
    t.is(second.code, 0, second.stdout + second.stderr);
    t.regex(second.stdout, new RegExp(`removed ${left.length} objects a killed run \\(pid ${first.child.pid}\\) left under s3://leftovers/data/`));
    t.deepEqual(await listObjects(client, "leftovers", "data/"), [], "nothing left: the killed run's objects and the finished run's own");
  } finally {
    client.destroy();
    await server.stop();
    rmSync(out, { recursive: true, force: true });
    rmSync(s3dir, { recursive: true, force: true });
  }
});

test.serial("--input with a cut file fails in the phase 'input' (not 'generate') with exit 2 and the file named", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "streambench-input-"));
  const input = mkdtempSync(join(tmpdir(), "streambench-input-data-"));
  try {
    // the random-defaults fixture with its January pod file cut inside the last row's pod_labels
    cpSync(join(NISE_FIXTURES, "random-defaults"), input, { recursive: true });
    const pod = join(input, "January-2024-test-c1-ocp_pod_usage.csv");
    const text = readFileSync(pod, "utf8");
    writeFileSync(pod, text.slice(0, text.length - 5));
    const result = await startCli(["run", "--headless", "--input", input, "--out", out]).done;
    t.is(result.code, 2, result.stdout + result.stderr);
    t.regex(result.stdout, /input ERROR/);
    t.notRegex(result.stdout, /generate ERROR/);
    t.regex(result.stdout, /January-2024-test-c1-ocp_pod_usage\.csv:\d+: the last row has no line end/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(input, { recursive: true, force: true });
  }
});

test("--runs -1 gets streambench's own message, exit 2", async (t) => {
  const result = await startCli(["run", "--runs", "-1"]).done;
  t.is(result.code, 2);
  t.is(result.stderr.trim(), 'streambench: --runs must be a whole number of at least 1, got "-1"');
});

test("a leading -- (deno task start -- run ...) is accepted", async (t) => {
  const result = await startCli(["--", "run", "--help"]).done;
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /--scales/);
});

/** A tmpfs of `size` mounted at a new folder, or null where mounting is not allowed (not root). */
function mountTmpfs(size: string): { dir: string; remount(opts: string): void; unmount(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), "streambench-tmpfs-"));
  const run = (args: string[]) => {
    const r = spawnSyncQuiet("mount", args);
    if (r !== 0) throw new Error(`mount ${args.join(" ")} failed`);
  };
  try {
    run(["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    remount: (opts) => run(["-o", `remount,${opts}`, dir]),
    unmount: () => {
      spawnSyncQuiet("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnSyncQuiet(cmd: string, args: string[]): number | null {
  return spawnSync(cmd, args, { stdio: "ignore" }).status;
}

test.serial("--out on a read-only disk: one line naming the path and the reason, exit 2, before any work", async (t) => {
  const fs = mountTmpfs("1m");
  if (fs === null) return t.pass("cannot mount a tmpfs here (not root): nothing to test");
  try {
    fs.remount("ro");
    const result = await startCli(["run", "--headless", "--out", join(fs.dir, "results")]).done;
    t.is(result.code, 2, result.stdout + result.stderr);
    t.is(result.stderr.trim(), `streambench: --out: cannot create the results folder ${join(fs.dir, "results")}: the file system is read-only (at ${fs.dir}, EROFS)`);
    t.notRegex(result.stdout, /generate started/);
    const agg = await startCli(["aggregate", "--input", ROOT, "--mode", "streaming", "--out", join(fs.dir, "x.csv")]).done;
    t.is(agg.code, 2);
    t.is(agg.stderr.trim(), `streambench: aggregate: --out: cannot write into ${fs.dir}: the file system is read-only (EROFS)`);
  } finally {
    fs.unmount();
  }
});

test.serial("--out on a full disk: exit 5 with the path and 'no space left', the reports of what completed, no scratch", async (t) => {
  // 200 KiB: room for the first reports (about 15 KB), not for the generated data
  const fs = mountTmpfs("200k");
  if (fs === null) return t.pass("cannot mount a tmpfs here (not root): nothing to test");
  try {
    const out = join(fs.dir, "results");
    mkdirSync(out);
    const result = await startCli(["run", "--headless", "--scales", "small", "--out", out]).done;
    t.is(result.code, 5, result.stdout + result.stderr);
    t.regex(result.stdout, /no space left on the device/);
    const dir = runFolder(out);
    t.is(summaryJson(dir).status, "ERROR");
    t.deepEqual(scratchLeft(dir), []);
  } finally {
    fs.unmount();
  }
});

test("aggregate --out in a folder that does not exist: exit 2 before the work, path and reason in one line", async (t) => {
  const result = await startCli(["aggregate", "--input", ROOT, "--mode", "streaming", "--out", "/nonexistent-streambench/x.csv"]).done;
  t.is(result.code, 2);
  t.is(result.stderr.trim(), "streambench: aggregate: --out: cannot write into /nonexistent-streambench: the folder does not exist (ENOENT)");
});
