// A PostgreSQL that stops answering in the middle of a run, as the user sees it: streambench run
// against real PostgreSQL through a TCP proxy the test controls, which stops forwarding at the
// second run's readback (the second COPY ... TO STDOUT: run 1 of 2 reads back once), inside the
// write's open transaction; the first run has PASSed by then. Needs DATABASE_URL.
import { mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectPg } from "../../src/db/index.ts";
import { parseDatabaseUrl } from "../../src/db/settings.ts";
import { dropSchema } from "../db/targets.ts";
import { serialTestOn } from "../db/on-targets.ts";
import { startCli, waitFor, type Finished } from "./cli-process.ts";
import { startTcpProxy } from "./tcp-proxy.ts";

const serial = serialTestOn("postgres");

/** Starts `run` through a proxy that stalls at the second run's readback; returns the finished run and its folder. */
async function runUntilStalled(extra: string[], afterStall: (cli: ReturnType<typeof startCli>) => Promise<void>): Promise<{ result: Finished; runDir: string }> {
  const real = parseDatabaseUrl(process.env.DATABASE_URL!);
  const proxy = await startTcpProxy(real.port, real.host);
  const url = new URL(process.env.DATABASE_URL!);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const out = mkdtempSync(join(tmpdir(), "streambench-stall-"));
  const schema = `sbt_stall_${process.pid}`;
  const args = ["run", "--headless", "--scales", "small", "--modes", "in-memory", "--runs", "2", "--schema", schema, "--out", out, ...extra];
  const stalled = proxy.stallAt("COPY (SELECT", 2);
  const cli = startCli(args, { DATABASE_URL: url.href });
  try {
    await Promise.race([stalled, cli.done.then(() => Promise.reject(new Error("the run ended before the stall")))]);
    await afterStall(cli);
    const result = await cli.done;
    return { result, runDir: realpathSync(join(out, "latest")) };
  } finally {
    cli.child.kill("SIGKILL");
    await proxy.close();
    const pool = await connectPg({ ...real, embedded: false });
    await dropSchema(pool, schema).finally(() => pool.end());
  }
}

serial("a server that stops answering mid-run: the run says so after 5 s and gives up with exit 3 at --pg-timeout, reporting the run that PASSed", async (t) => {
  let gaveUpAfter = 0;
  const { result, runDir } = await runUntilStalled(["--pg-timeout", "8"], async (cli) => {
    const started = performance.now();
    await waitFor(() => /is not answering/.test(cli.stdoutSoFar()), 20_000, "the not-answering line");
    // 5 s of silence before the notice (checked each second: 5-6 s, plus a loaded machine's slack)
    const noticeAfter = performance.now() - started;
    t.true(noticeAfter >= 4_500 && noticeAfter < 9_000, `notice after ${noticeAfter} ms`);
    await cli.done;
    gaveUpAfter = performance.now() - started;
  });
  t.is(result.code, 3, result.stdout + result.stderr);
  t.regex(result.stdout, /small in-memory: PostgreSQL at postgres@127\.0\.0\.1:\d+\/\S+ is not answering: nothing for 5 s while reading back the summary/);
  t.regex(result.stdout + result.stderr, /did not answer for [89] s while reading back the summary .*gave up \(the limit is --pg-timeout\)/);
  // --pg-timeout 8: gave up 8-9 s into the silence; the run then writes its reports and stops
  t.true(gaveUpAfter >= 8_000 && gaveUpAfter < 30_000, `ended ${gaveUpAfter} ms after the stall`);
  const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  t.is(json.status, "ERROR");
  // run 1 PASSed before the stall and is kept; run 2 failed before its verdict
  const runs = json.report.scales[0].runs as { rep: number; validation: string; status: string }[];
  t.deepEqual(runs.map((r) => [r.rep, r.status, r.validation]), [[1, "SUCCESS", "PASS"], [2, "FAILED", "NOT_RUN"]]);
});

serial("a run stuck on a silent server ends on a single SIGTERM with exit 130, and its summary.json reports the run that PASSed", async (t) => {
  let endedAfter = 0;
  const { result, runDir } = await runUntilStalled(["--pg-timeout", "600"], async (cli) => {
    await waitFor(() => /is not answering/.test(cli.stdoutSoFar()), 20_000, "the not-answering line");
    const signalled = performance.now();
    cli.child.kill("SIGTERM");
    await cli.done;
    endedAfter = performance.now() - signalled;
  });
  t.is(result.code, 130, result.stdout + result.stderr);
  t.notRegex(result.stderr, /again, exiting now/, "one signal was enough");
  t.true(endedAfter < 20_000, `ended ${endedAfter} ms after SIGTERM`);
  const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  t.is(json.status, "INTERRUPTED");
  // run 1 of in-memory PASSed before the stall: the headline says so instead of "no mode completed"
  t.regex(json.headline, /^INTERRUPTED: only in-memory completed a validated run/);
});
