// Runs a pipeline child (zx), samples its RSS from the parent every intervalMs (SAMPLE_INTERVAL_MS), and parses the one JSON
// line it prints last. The parent never measures a mode in its own process.
//
// A child can be started ahead of its job (startChild): it loads its runtime and engine while the
// parent is busy with the previous run's database write and validation, then waits on stdin.
// run() hands it the job; its memory is sampled and its wall time counted from that moment.
import { $ } from "zx";
import { readProcMemory } from "./proc-status.ts";

/**
 * How often the parent reads the child's RSS: a small-scale child lives about 0.4 s, and at
 * 200 ms it was seen once or twice (a one-point line in memory_over_time). 15 ms gives it ~25
 * points; reading /proc/<pid>/status costs some microseconds each.
 */
export const SAMPLE_INTERVAL_MS = 15;

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
  /** From the job handed over (for a child run at once: its spawn) to its exit. */
  wallMs: number;
  samples: MemorySample[];
}

export interface ChildRunOptions {
  intervalMs?: number;
  /** Written to the child's stdin (the job: kept off the command line, where secrets would show in ps). */
  input?: string;
  onSample?: (sample: MemorySample, pid: number) => void;
  /** Called with each stderr/stdout line as it arrives, for the live log. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Lets the caller kill the child (Ctrl-C). */
  onSpawn?: (kill: (signal?: NodeJS.Signals) => void) => void;
}

export interface ChildOptions extends ChildRunOptions {
  env?: NodeJS.ProcessEnv;
}

/** A child process spawned and waiting for its input on stdin. */
export interface StartedChild {
  /** Hands over the input (stdin is then closed) and waits for the child's exit. Once only. */
  run(options?: ChildRunOptions): Promise<ChildOutcome>;
  /** Ends a child that will not be run (or is running). */
  kill(signal?: NodeJS.Signals): void;
  /** The child's process id (undefined if it could not be spawned). */
  readonly pid: number | undefined;
}

export function startChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): StartedChild {
  const process$ = $({ env: options.env ?? process.env, quiet: true, nothrow: true })`${command} ${args}`;
  // A child killed before it read its job (SIGTERM to the whole process group) closes its stdin:
  // the write of the job then fails with EPIPE, which must not crash the parent. The outcome
  // (exit code, signal) says what happened.
  process$.stdin.on("error", () => {});
  // Lines are forwarded from the spawn on (a child that fails while loading says why), to
  // whichever listener run() installs.
  let onLine: ChildRunOptions["onLine"];
  const forward = (stream: "stdout" | "stderr") => {
    let pending = "";
    return (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) onLine?.(line, stream);
    };
  };
  process$.stdout.on("data", forward("stdout"));
  process$.stderr.on("data", forward("stderr"));
  const kill = (signal: NodeJS.Signals = "SIGTERM") => void process$.kill(signal).catch(() => undefined);
  let ran = false;
  return {
    kill,
    get pid() {
      return process$.pid;
    },
    async run(runOptions = {}) {
      if (ran) throw new Error("a started child runs once");
      ran = true;
      onLine = runOptions.onLine;
      const intervalMs = runOptions.intervalMs ?? SAMPLE_INTERVAL_MS;
      const started = performance.now();
      const samples: MemorySample[] = [];
      const sample = () => {
        const pid = process$.pid;
        if (pid === undefined) return;
        const memory = readProcMemory(pid);
        if (!memory || memory.rssBytes === 0) return;
        const point = { tMs: Math.round(performance.now() - started), rssBytes: memory.rssBytes, rssAnonBytes: memory.rssAnonBytes };
        samples.push(point);
        runOptions.onSample?.(point, pid);
      };
      const timer = setInterval(sample, intervalMs);
      runOptions.onSpawn?.(kill);
      process$.stdin.end(runOptions.input ?? "");
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
    },
  };
}

export async function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  return startChild(command, args, { env: options.env }).run(options);
}
