// Runs a pipeline child (zx), samples its RSS from the parent every intervalMs, and parses the one JSON
// line it prints last. The parent never measures a mode in its own process.
import { $ } from "zx";
import { readProcMemory } from "./proc-status.ts";

export interface MemorySample {
  tMs: number;
  rssBytes: number;
  rssAnonBytes: number;
}

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last line of stdout parsed as JSON, or null. */
  report: unknown;
  stdout: string;
  stderr: string;
  wallMs: number;
  samples: MemorySample[];
}

export interface ChildOptions {
  intervalMs?: number;
  /** Written to the child's stdin (the job: kept off the command line, where secrets would show in ps). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  onSample?: (sample: MemorySample, pid: number) => void;
  /** Called with each stderr/stdout line as it arrives, for the live log. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Lets the caller kill the child (Ctrl-C). */
  onSpawn?: (kill: (signal?: NodeJS.Signals) => void) => void;
}

export async function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  const intervalMs = options.intervalMs ?? 200;
  const started = performance.now();
  const process$ = $({ env: options.env ?? process.env, quiet: true, nothrow: true, input: options.input })`${command} ${args}`;
  // A child killed before it read its job (SIGTERM to the whole process group) closes its stdin:
  // the write of the job then fails with EPIPE, which must not crash the parent. The outcome
  // (exit code, signal) says what happened.
  process$.stdin.on("error", () => {});
  const samples: MemorySample[] = [];
  const sample = () => {
    const pid = process$.pid;
    if (pid === undefined) return;
    const memory = readProcMemory(pid);
    if (!memory || memory.rssBytes === 0) return;
    const point = { tMs: Math.round(performance.now() - started), rssBytes: memory.rssBytes, rssAnonBytes: memory.rssAnonBytes };
    samples.push(point);
    options.onSample?.(point, pid);
  };
  const timer = setInterval(sample, intervalMs);
  options.onSpawn?.((signal = "SIGTERM") => void process$.kill(signal).catch(() => undefined));
  const forward = (stream: "stdout" | "stderr") => {
    let pending = "";
    return (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) options.onLine?.(line, stream);
    };
  };
  process$.stdout.on("data", forward("stdout"));
  process$.stderr.on("data", forward("stderr"));
  try {
    const output = await process$;
    const last = output.stdout.trim().split("\n").pop() ?? "";
    let report: unknown = null;
    try {
      report = JSON.parse(last);
    } catch {
      report = null;
    }
    return {
      exitCode: output.exitCode,
      signal: output.signal,
      report,
      stdout: output.stdout,
      stderr: output.stderr,
      wallMs: performance.now() - started,
      samples,
    };
  } finally {
    clearInterval(timer);
  }
}
