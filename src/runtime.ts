// The two runtimes streambench runs on. Child processes are started with the runtime the parent
// runs on, so a benchmark under Deno measures Deno children and one under Node measures Node.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

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
