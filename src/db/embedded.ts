// The default PostgreSQL: PGlite (PostgreSQL 18 in wasm), served over the wire protocol on
// 127.0.0.1 (free port) so the same `pg` code path serves it and real PostgreSQL. It runs in a
// worker thread of this process (embedded-worker.ts; the server itself is embedded-pglite.ts):
// PGlite executes queries synchronously in wasm, so in the main thread it serialised with the
// client's work (building, sending and parsing 132,060 rows) on one core and stalled the event
// loop for seconds; in a thread of its own it runs beside them. Works the same under Deno 2.
// `inProcess: true` (or STREAMBENCH_PGLITE_IN_PROCESS=1) keeps it in the calling thread.
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../child/runtime.ts";
import { startPgliteServer, type PgliteOrigin, type PgliteServerOptions } from "./embedded-pglite.ts";
import type { EmbeddedWorkerData } from "./embedded-worker.ts";
import type { PgSettings } from "./settings.ts";

export { EMBEDDED_PG_MAX_CONNECTIONS, growFilesByDoubling } from "./embedded-pglite.ts";

export interface EmbeddedPostgres {
  settings: PgSettings;
  /** Idempotent: closes every connection, the server and the database. */
  stop(): Promise<void>;
  /** How the cluster was made: loaded from the cached template, initdb (template then saved), or a data folder. */
  origin: PgliteOrigin;
}

export interface EmbeddedPostgresOptions extends PgliteServerOptions {
  /** Run PGlite in the calling thread instead of a worker thread. */
  inProcess?: boolean;
}

/** How long stop() waits for the worker to close the database before ending the thread. */
const STOP_TIMEOUT_MS = 15_000;

function settingsFor(port: number): PgSettings {
  return { host: "127.0.0.1", port, user: "postgres", password: undefined, database: "postgres", ssl: false, embedded: true };
}

/** Starts PGlite (in memory, or on disk in `dataDir`) and its socket server on a free port. */
export async function startEmbeddedPostgres(dataDir?: string, opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { inProcess, ...serverOpts } = opts;
  if (inProcess || process.env.STREAMBENCH_PGLITE_IN_PROCESS === "1") {
    const server = await startPgliteServer(dataDir, serverOpts);
    return { settings: settingsFor(server.port), stop: server.stop, origin: server.origin };
  }
  try {
    return await startInWorker({ dataDir, ...("cacheDir" in serverOpts ? { cacheDir: serverOpts.cacheDir } : {}) });
  } catch (err) {
    // PGlite itself failed: the same would happen here. Anything else (the thread could not be
    // made or could not load its module) only costs the thread: run it in this one.
    if (err instanceof PgliteStartError) throw err;
    const server = await startPgliteServer(dataDir, serverOpts);
    return { settings: settingsFor(server.port), stop: server.stop, origin: server.origin };
  }
}

/** PGlite or its socket server failed to start in the worker thread. */
class PgliteStartError extends Error {}

/** The worker thread running embedded-worker.ts. */
function spawnWorker(data: EmbeddedWorkerData): Worker {
  return startModuleWorker(new URL("./embedded-worker.ts", import.meta.url), data);
}

type WorkerMessage = { type: "ready"; port: number; origin: PgliteOrigin } | { type: "error"; message: string } | { type: "stopped" };

async function startInWorker(data: EmbeddedWorkerData): Promise<EmbeddedPostgres> {
  const worker = spawnWorker(data); // throws when no thread can be made: the caller runs PGlite in process
  // After the start, a dying thread closes its sockets: the next query reports a lost connection.
  let failure: Error | undefined;
  worker.on("error", (err) => {
    failure ??= err;
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  const ready = await new Promise<{ port: number; origin: PgliteOrigin }>((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      if (m.type === "ready") resolve(m);
      else if (m.type === "error") reject(new PgliteStartError(`embedded PostgreSQL (PGlite) failed to start: ${m.message}`));
    };
    worker.on("message", onMessage);
    void exited.then((code) =>
      reject(new Error(`embedded PostgreSQL (PGlite) thread ended (exit code ${code}) before it started${failure ? `: ${failure.message}` : ""}`)),
    );
  }).catch(async (err) => {
    await worker.terminate();
    throw err;
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const stopped = new Promise<void>((resolve) => {
        worker.on("message", (m: WorkerMessage) => {
          if (m.type === "stopped") resolve();
        });
        void exited.then(() => resolve());
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      });
      try {
        worker.postMessage("stop");
      } catch {
        // the thread is gone already
      }
      await Promise.race([stopped, timeout]);
      clearTimeout(timer);
      await worker.terminate();
    })());
  return { settings: settingsFor(ready.port), stop, origin: ready.origin };
}
