// A writer killed with SIGKILL in the middle of its transaction leaves the table exactly as it
// was: same row count, same checksum over every row. The writer is a separate process talking
// TCP to the server (the parent's PGlite socket server, or real PostgreSQL when DATABASE_URL is set).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { countSummary, summaryFingerprint, writeSummary } from "../../src/db/index.ts";
import { manyRows, podRow, testSchema, type Target } from "./targets.ts";
import { serialTestOn, TARGET_NAMES, targetsOfFile } from "./on-targets.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = testSchema("txn");
const targets = targetsOfFile(schema);
const VICTIM = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const BYSTANDER = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

/** Runs the slow writer and SIGKILLs it once `killAfter` rows have gone in (before its commit). */
function runAndKill(target: Target, killAfter: number, total: number): Promise<{ killedAt: number; signal: string | null; committed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures", "slow-writer.ts")], {
      env: {
        ...process.env,
        SB_TEST_PG: JSON.stringify(target.settings),
        SB_TEST_SCHEMA: schema,
        SB_TEST_SOURCE: VICTIM,
        SB_TEST_ROWS: String(total),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let killedAt = -1;
    let committed = false;
    let buf = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === "committed") committed = true;
        const m = /^progress (\d+)$/.exec(line);
        if (m && killedAt < 0 && Number(m[1]) >= killAfter) {
          killedAt = Number(m[1]);
          child.kill("SIGKILL");
        }
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (killedAt < 0 && !committed) reject(new Error(`writer exited (${code ?? signal}) before it was killed: ${err}`));
      else resolve({ killedAt, signal, committed });
    });
  });
}

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] a writer killed mid-transaction leaves the table exactly as it was`, async (t) => {
    const target = targets.get(name)!;
    const { pool } = target;
    // Before: the victim source already has rows (its rerun deletes them first) and so does another source.
    await writeSummary(pool, { schema, sourceUuid: VICTIM, clusterId: "before", rows: manyRows(1000) });
    await writeSummary(pool, { schema, sourceUuid: BYSTANDER, clusterId: "other", rows: [podRow("2026-01-03", "ns-b")] });
    const before = await summaryFingerprint(pool, schema);
    t.is(before.count, 1001);

    const total = name === "pglite" ? 100_000 : 400_000;
    const run = await runAndKill(target, 6_000, total);
    t.is(run.signal, "SIGKILL");
    t.false(run.committed);
    t.true(run.killedAt >= 6_000 && run.killedAt < total, `killed after ${run.killedAt} rows`);

    const after = await summaryFingerprint(pool, schema);
    t.deepEqual(after, before);
    t.is(await countSummary(pool, { schema, sourceUuid: VICTIM }), 1000);

    // The dead writer's lock and transaction are gone: the same source can be written again at once.
    const again = await writeSummary(pool, { schema, sourceUuid: VICTIM, clusterId: "again", rows: manyRows(28) }); // days 1-28, as before
    t.is(again.deleted, 1000);
    t.is(await countSummary(pool, { schema, sourceUuid: VICTIM }), 28);
  });
}
