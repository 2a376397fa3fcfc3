// The two runtimes streambench runs on. Child processes are started with the runtime the parent
// runs on, so a benchmark under Deno measures Deno children and one under Node measures Node.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

interface DenoGlobal {
  execPath(): string;
  version: { deno: string };
}

const deno = (globalThis as { Deno?: DenoGlobal }).Deno;

export const isDeno = deno !== undefined;

export function runtimeDescription(): string {
  return deno ? `deno ${deno.version.deno}` : `node ${process.version}`;
}

/** The command that runs a TypeScript entry file in a fresh process of the current runtime. */
export function typeScriptCommand(entry: string, args: string[]): { command: string; args: string[] } {
  if (deno) return { command: deno.execPath(), args: ["run", "-A", entry, ...args] };
  // tsx resolved from here, so any cwd works (not import.meta.resolve, which tsx's CJS mode lacks).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { command: process.execPath, args: ["--import", tsx, entry, ...args] };
}

/**
 * A worker thread running a module of this project, given as the URL of its .ts source beside the
 * caller. Deno runs the TypeScript as it is. Node does not pass tsx's --import hooks on to worker
 * threads, so the thread registers them itself (tsx's ESM API) before it imports the entry; when
 * this code runs compiled (.js), the entry's compiled .js sibling runs instead.
 */
export function startModuleWorker(entry: URL, workerData: unknown): Worker {
  const compiled = !import.meta.url.endsWith(".ts");
  const href = compiled ? entry.href.replace(/\.ts$/, ".js") : entry.href;
  if (deno || compiled) return new Worker(new URL(href), { workerData });
  const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs")).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
