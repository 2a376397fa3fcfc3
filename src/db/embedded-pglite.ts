// PGlite (PostgreSQL 18 in wasm) and its wire-protocol socket server on 127.0.0.1 (free port), in
// the thread that calls startPgliteServer: embedded.ts runs this in a worker thread of its own.
// maxConnections > 1 is essential: the socket server allows 1 connection by default and a pg.Pool
// then fails with "Connection terminated unexpectedly". PGlite runs one query at a time; the socket
// server keeps an open transaction to its own connection and rolls it back when that connection
// closes (a killed writer leaves nothing behind).
//
// Fast start: a fresh in-memory PGlite runs initdb every time (~2.3 s of CPU). The first start
// saves the freshly initialised cluster as a tarball (PGlite's dumpDataDir) in a cache folder,
// keyed by the PGlite version; later starts load it instead (~0.7 s). A missing, unreadable or
// corrupt template only costs the initdb: it is rebuilt.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type PgliteOrigin = "template" | "initdb" | "data-dir";

export interface PgliteServer {
  port: number;
  /** How the cluster was made: loaded from the cached template, initdb (template then saved), or a data folder. */
  origin: PgliteOrigin;
  /** Idempotent: closes every connection, the server and the database. */
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  /**
   * Folder for the initialised-cluster template. Default: $STREAMBENCH_CACHE_DIR, else
   * node_modules/.cache/streambench of this project, else the OS temp folder. null: no template.
   */
  cacheDir?: string | null;
}

export const EMBEDDED_PG_MAX_CONNECTIONS = 16;

/** Starts PGlite (in memory, or on disk in `dataDir`) and its socket server on a free port. */
export async function startPgliteServer(dataDir?: string, opts: PgliteServerOptions = {}): Promise<PgliteServer> {
  let db: PGlite;
  let origin: PgliteOrigin;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    db = await PGlite.create({ dataDir });
    origin = "data-dir";
  } else {
    ({ db, origin } = await createInMemory(opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir));
  }
  growFilesByDoubling(db);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: EMBEDDED_PG_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const port = Number(server.getServerConn().split(":").pop());
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop().catch(() => {});
      await db.close().catch(() => {});
    })());
  return { port, stop, origin };
}

interface MemFileNode {
  contents: Uint8Array;
}
interface MemFs {
  expandFileStorage(node: MemFileNode, newCapacity: number): void;
  getFileDataAsTypedArray(node: MemFileNode): Uint8Array;
}

/**
 * PGlite keeps an in-memory cluster in emscripten's MEMFS, which grows a file past 1 MB by 12.5%
 * at a time, allocating a new buffer and copying the whole file on each step: writing 132,060
 * summary rows (a ~130 MB partition, its index, ~200 MB of WAL) reallocated ~2 GB and spent ~1.4 s
 * there, plus the garbage collections those buffers cause. Doubling instead (what MEMFS itself does
 * below 1 MB) makes growth linear: at most twice a file's size in memory, each byte copied about
 * once. Same function otherwise (emscripten's own, PGlite 0.5.x); a build without MEMFS on its
 * module is left alone.
 */
export function growFilesByDoubling(db: PGlite): boolean {
  const memfs = (db as unknown as { mod?: { MEMFS?: MemFs } }).mod?.MEMFS;
  if (typeof memfs?.expandFileStorage !== "function" || typeof memfs.getFileDataAsTypedArray !== "function") return false;
  memfs.expandFileStorage = function expandFileStorage(node, newCapacity) {
    const prevCapacity = node.contents.length;
    if (prevCapacity >= newCapacity) return;
    newCapacity = Math.max(newCapacity, prevCapacity * GROWTH_FACTOR, 256) >>> 0;
    const old = memfs.getFileDataAsTypedArray(node);
    node.contents = new Uint8Array(newCapacity);
    node.contents.set(old);
  };
  return true;
}

const GROWTH_FACTOR = 2;

async function createInMemory(cacheDir: string | null): Promise<{ db: PGlite; origin: "template" | "initdb" }> {
  const template = cacheDir === null ? null : join(cacheDir, `pglite-${pgliteVersion()}-cluster.tar`);
  if (template !== null && existsSync(template)) {
    try {
      const db = await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
      await db.query("SELECT 1");
      return { db, origin: "template" };
    } catch {
      rmSync(template, { force: true }); // unreadable or corrupt: rebuilt below
    }
  }
  const db = await PGlite.create();
  if (template !== null) await saveTemplate(db, template);
  return { db, origin: "initdb" };
}

/** The freshly initialised cluster, written atomically (temp file + rename), so parallel starts never read half a file. */
async function saveTemplate(db: PGlite, template: string): Promise<void> {
  try {
    const dump = await db.dumpDataDir("none");
    mkdirSync(dirname(template), { recursive: true });
    const tmp = `${template}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, template);
  } catch {
    // A read-only cache folder only means the next start runs initdb again.
  }
}

function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve("@electric-sql/pglite"));
    for (let i = 0; i < 4; i++, dir = dirname(dir)) {
      const p = join(dir, "package.json");
      if (existsSync(p)) {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "@electric-sql/pglite" && pkg.version) return pkg.version;
      }
    }
  } catch {
    // fall through
  }
  return "unknown";
}

function defaultCacheDir(): string {
  const env = process.env.STREAMBENCH_CACHE_DIR;
  if (env) return env;
  const nodeModules = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules");
  if (existsSync(nodeModules)) return join(nodeModules, ".cache", "streambench");
  return join(tmpdir(), "streambench-cache");
}
