// The embedded PostgreSQL's thread (started by embedded.ts): PGlite and its socket server, so the
// database's wasm runs on a core of its own while the main thread builds, sends and parses rows.
// Messages: -> "stop"; <- { type: "ready", port, origin } | { type: "error", message } | { type: "stopped" }.
import { parentPort, workerData } from "node:worker_threads";
import { startPgliteServer, type PgliteServer } from "./embedded-pglite.ts";

export interface EmbeddedWorkerData {
  dataDir?: string;
  cacheDir?: string | null;
}

const channel = parentPort;
if (!channel) throw new Error("embedded-worker.ts runs as a worker thread (see embedded.ts)");
const data = (workerData ?? {}) as EmbeddedWorkerData;

let server: PgliteServer | undefined;
// Done with the port: no listener keeps the thread alive. Not close(): Deno's parentPort has none.
const hangUp = () => channel.off("message", onMessage);
const onMessage = (m: unknown) => {
  if (m !== "stop") return;
  void (server ? server.stop() : Promise.resolve()).finally(() => {
    channel.postMessage({ type: "stopped" });
    hangUp();
  });
};
channel.on("message", onMessage);

try {
  server = await startPgliteServer(data.dataDir, data.cacheDir === undefined ? {} : { cacheDir: data.cacheDir });
  channel.postMessage({ type: "ready", port: server.port, origin: server.origin });
} catch (err) {
  channel.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  hangUp();
}
