// The embedded PGlite server: reachable over TCP by a pg.Pool of several connections at once,
// on disk when given a folder (the data survives a restart), and gone after stop().
import net from "node:net";
import { rm } from "node:fs/promises";
import path from "node:path";
import test from "ava";
import { connectPg, isTransientPgError, readSummary, startEmbeddedPostgres, writeSummary } from "../../src/db/index.ts";
import { withRetry } from "../../src/db/retry.ts";
import { podRow } from "./targets.ts";
import { tempDir } from "../storage/helpers.ts";

// Serial: PGlite runs in this process, and an instance starting (initdb, seconds of wasm) blocks the
// event loop, so a connect timer of another test can expire before its server's answer is read:
// "a pool of 4" timed out at every length of timeout while "on disk" started its servers beside it.
test.serial("a pool of 4 runs queries in parallel on the embedded server, which then stops and frees its port", async (t) => {
  const emb = await startEmbeddedPostgres();
  const { port } = emb.settings;
  t.true(emb.settings.embedded);
  t.is(emb.settings.host, "127.0.0.1");
  // A failure must not leave the server running: the test process would never exit.
  try {
    const pool = await connectPg(emb.settings, { max: 4 });
    try {
      // PGlite answers one message at a time, so four handshakes at once queue behind each other; on a
      // loaded machine the last can pass a connect timeout (src/db/pool.ts gives the embedded server a
      // long one). The rule here is that four connections work at once, not how fast they open: retry
      // a timed-out connect, as connectPg does.
      const clients = await Promise.all([1, 2, 3, 4].map(() => withRetry(() => pool.connect(), { isTransient: isTransientPgError })));
      const res = await Promise.all(clients.map((c, i) => c.query("SELECT $1::int * 2 AS v, pg_sleep(0.05)", [i])));
      t.deepEqual(res.map((r) => r.rows[0].v), [0, 2, 4, 6]);
      for (const c of clients) c.release();
      const v = await pool.query("SELECT version() AS v");
      t.regex(v.rows[0].v, /PGlite/);
    } finally {
      await pool.end();
    }
  } finally {
    await emb.stop();
  }
  await emb.stop(); // idempotent
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("connect", () => (s.destroy(), resolve(false)));
    s.on("error", () => resolve(true));
  });
  t.true(refused);
});

test.serial("on disk, the embedded database keeps the summary across a restart", async (t) => {
  const dir = await tempDir("pglite");
  const dataDir = path.join(dir, "pgdata");
  const src = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
  try {
    const a = await startEmbeddedPostgres(dataDir);
    let pool = await connectPg(a.settings);
    await writeSummary(pool, { sourceUuid: src, clusterId: "c", rows: [podRow("2026-01-09", "ns-disk")] });
    await pool.end();
    await a.stop();
    const b = await startEmbeddedPostgres(dataDir);
    pool = await connectPg(b.settings);
    const rows = await readSummary(pool, { sourceUuid: src });
    await pool.end();
    await b.stop();
    t.is(rows.length, 1);
    t.is(rows[0].namespace, "ns-disk");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the first in-memory start saves the initialised cluster, later starts load it, a corrupt one is rebuilt", async (t) => {
  const cacheDir = await tempDir("pglite-cache");
  try {
    const first = await startEmbeddedPostgres(undefined, { cacheDir });
    await first.stop();
    t.is(first.origin, "initdb");
    const [template] = (await import("node:fs")).readdirSync(cacheDir);
    t.regex(template, /^pglite-.*-cluster\.tar$/);

    const second = await startEmbeddedPostgres(undefined, { cacheDir });
    t.is(second.origin, "template");
    const pool = await connectPg(second.settings);
    t.is((await pool.query("SELECT current_user AS u")).rows[0].u, "postgres");
    await pool.end();
    await second.stop();

    (await import("node:fs")).writeFileSync(path.join(cacheDir, template), "not a tarball");
    const third = await startEmbeddedPostgres(undefined, { cacheDir });
    await third.stop();
    t.is(third.origin, "initdb"); // fell back, and saved a good template again
    const fourth = await startEmbeddedPostgres(undefined, { cacheDir });
    await fourth.stop();
    t.is(fourth.origin, "template");
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});

test.serial("PGlite's in-memory files grow by doubling and keep their bytes", async (t) => {
  const { PGlite } = await import("@electric-sql/pglite");
  const { growFilesByDoubling } = await import("../../src/db/embedded.ts");
  const db = await PGlite.create();
  try {
    t.true(growFilesByDoubling(db));
    type Fs = {
      open(p: string, flags: string): unknown;
      write(s: unknown, b: Uint8Array, o: number, n: number): number;
      close(s: unknown): void;
      lookupPath(p: string): { node: { contents: Uint8Array; usedBytes: number } };
    };
    const fs = (db as unknown as { mod: { FS: Fs } }).mod.FS;
    const s = fs.open("/tmp/grow-test", "w");
    const mb = new Uint8Array(1024 * 1024).fill(7);
    fs.write(s, mb, 0, mb.length);
    fs.write(s, new Uint8Array(1024).fill(9), 0, 1024); // 1 MB + 1 KB: emscripten's own rule gives 1.125 MB
    fs.close(s);
    const node = fs.lookupPath("/tmp/grow-test").node;
    t.is(node.contents.length, 2 * 1024 * 1024);
    t.is(node.usedBytes, 1024 * 1024 + 1024);
    t.is(node.contents[0], 7);
    t.is(node.contents[1024 * 1024 - 1], 7);
    t.is(node.contents[1024 * 1024], 9);
    t.is(node.contents[1024 * 1024 + 1023], 9);
  } finally {
    await db.close();
  }
});
