// The database code under Deno 2.9.6 (node_modules/.bin/deno), each check in a child process.
// Under Deno 2.9.6 a COPY ... TO STDOUT straight after another one on the same connection never got
// its data (stack-notes §12): a run's last measured run reads its rows twice in the open
// transaction (validation, then the summary CSV) and hung there. The child runs under Deno and
// does exactly that against each target; it must print both counts and commit, within a bound.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { countSummary } from "../../src/db/index.ts";
import { testSchema } from "./targets.ts";
import { serialTestOn, TARGET_NAMES, targetsOfFile } from "./on-targets.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const deno = path.join(here, "..", "..", "node_modules", ".bin", "deno");
const schema = testSchema("deno_readback");
const targets = targetsOfFile(schema);
const SOURCE = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";
/** Well past one socket read (5,000 rows are ~2 MB of COPY text), so the second COPY needs the socket read more than once. */
const ROWS = 5_000;
/** Deno starts and type-checks nothing (deno run) in a few seconds; the hang never ended. */
const BOUND_MS = 60_000;

function runUnderDeno(fixture: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(deno, ["run", "-A", path.join(here, "fixtures", fixture)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, BOUND_MS);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] under Deno, the rows read back twice in one open transaction (validation, then the summary CSV) arrive both times`, async (t) => {
    const target = targets.get(name)!;
    const r = await runUnderDeno("readback-twice.ts", {
      SB_TEST_PG: JSON.stringify(target.settings),
      SB_TEST_SCHEMA: schema,
      SB_TEST_SOURCE: SOURCE,
      SB_TEST_ROWS: String(ROWS),
    });
    t.false(r.timedOut, `the Deno child hung (killed after ${BOUND_MS} ms); it printed:\n${r.stdout}${r.stderr}`);
    t.is(r.code, 0, r.stderr);
    // every row both times, then the commit: 5,000 rows written, 5,000 read, 5,000 read again
    t.deepEqual(r.stdout.trim().split("\n"), [`readEach ${ROWS}`, `readback ${ROWS}`, "committed"]);
    t.is(await countSummary(target.pool, { schema, sourceUuid: SOURCE }), ROWS);
  });
}

test("under Deno, the embedded PostgreSQL's thread starts and stops without an uncaught error", async (t) => {
  const r = await runUnderDeno("embedded-stop.ts", {});
  t.false(r.timedOut, `the Deno child hung; it printed:\n${r.stdout}${r.stderr}`);
  t.is(r.code, 0, r.stderr);
  // its two messages and no error: Deno's parentPort has no close(), which the thread called after "stopped"
  t.deepEqual(r.stdout.trim().split("\n"), ["ready", "stopped"]);
  t.notRegex(r.stderr, /Uncaught|TypeError/);
});
