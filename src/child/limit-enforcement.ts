// Holds one engine child to its limits and says how its run ended. Enforcement, in this order:
// 1. a control group of the child's own (cgroup.ts): the kernel kills it at the cap, and says so;
// 2. otherwise a watchdog in this process: the child's RSS every WATCHDOG_INTERVAL_MS, killed
//    (SIGKILL, as the kernel would) at the first sample over the cap, its VmHWM then confirming;
//    --cpus as CPU affinity for whole cores.
// Never RLIMIT_AS: V8 and jemalloc reserve large address ranges and abort under it.
// The child joins its group itself, before its runtime loads: the command is wrapped in a
// `/bin/sh -c` that writes its own pid into the group and then execs the engine (same pid).
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { readProcMemory } from "./proc-status.ts";
import { makeChildCgroup, type ChildCgroup } from "./cgroup.ts";
import { enforcementWanted, type Limits } from "../limits/limit-settings.ts";
import type { MemoryCap } from "../limits/memory-cap.ts";
import type { RunLimits } from "../records/run-report.ts";

/** Between 20 and 50 ms: a child growing 1 GB/s passes the cap by at most ~25 MB before it is killed. */
export const WATCHDOG_INTERVAL_MS = 25;

export type Enforcement = "cgroup v1" | "cgroup v2" | "watchdog";

/** How a child's run ended when its limits ended it. */
export interface LimitKill {
  outcome: "OOM" | "TIMEOUT";
  /** The highest memory the child reached: the group's peak charge, or VmHWM at the watchdog's kill. */
  peakBytes: number;
  /** From the job handed over to the kill. */
  untilKillMs: number;
  enforcement: Enforcement;
}

/** `taskset -c 0-(n-1)` for the whole cores --cpus rounds up to, when fewer than the machine's. */
function affinityPrefix(cpus: number | null): string[] {
  if (cpus === null) return [];
  const cores = Math.max(1, Math.ceil(cpus));
  if (cores >= availableParallelism() || !existsSync("/usr/bin/taskset")) return [];
  return ["/usr/bin/taskset", "-c", cores === 1 ? "0" : `0-${cores - 1}`];
}

/** A child started under limits: its command, and the watch kept over its run. */
export interface LimitedChild {
  command: string;
  args: string[];
  enforcement: Enforcement;
  cap: MemoryCap;
  /** Starts the watchdog (if that is the enforcement) and the timeout, when the job is handed over. */
  watch(pid: number, kill: (signal: NodeJS.Signals) => void): void;
  /** After the child's exit: what ended it, if its limits did (null: it ended on its own). */
  finish(): LimitKill | null;
  /** Removes the group; call once the child has exited (or will never run). */
  close(): Promise<void>;
}

// joins every group given in $1 (space-separated cgroup.procs paths), then becomes the engine
const JOIN_SCRIPT = 'for f in $1; do echo $$ > "$f" || exit 97; done; shift; exec "$@"';

export function limitChild(command: string, args: string[], limits: Limits, cap: MemoryCap, env: NodeJS.ProcessEnv = process.env): LimitedChild {
  const wanted = enforcementWanted(env);
  const group: ChildCgroup | null = wanted === "watchdog" ? null : makeChildCgroup({ memoryBytes: cap.bytes, cpus: limits.cpus });
  if (group === null && wanted === "cgroup") {
    throw new UsageError("STREAMBENCH_LIMIT_ENFORCEMENT=cgroup: no control group could be made here (give auto to fall back on the watchdog)");
  }
  const enforcement: Enforcement = group?.version ?? "watchdog";
  const engine = group ? [command, ...args] : [...affinityPrefix(limits.cpus), command, ...args];
  const wrapped = group ? { command: "/bin/sh", args: ["-c", JOIN_SCRIPT, "sh", group.procsFiles.join(" "), ...engine] } : { command: engine[0], args: engine.slice(1) };
  let watchedFrom = 0;
  let killedAt: number | null = null;
  let timedOut = false;
  let rss: RssWatch | null = null;
  const timers: ReturnType<typeof setInterval>[] = [];
  return {
    ...wrapped,
    enforcement,
    cap,
    watch(pid, kill) {
      watchedFrom = performance.now();
      const killNow = () => {
        killedAt ??= performance.now();
        kill("SIGKILL");
      };
      if (limits.timeoutSeconds !== null) {
        timers.push(setTimeout(() => ((timedOut = true), killNow()), limits.timeoutSeconds * 1000));
      }
      if (!group) rss = watchRss(pid, cap.bytes, killNow);
    },
    finish() {
      for (const timer of timers) clearInterval(timer);
      rss?.stop();
      const untilKillMs = (killedAt ?? performance.now()) - watchedFrom;
      const reading = group?.read() ?? null;
      const oom = reading ? reading.oomKilled : (rss?.overCap ?? false);
      if (!oom && !timedOut) return null;
      const peakBytes = reading?.peakBytes ?? rss?.peakBytes ?? 0;
      // a timeout that raced an OOM is an OOM: the cap ended the run first
      return { outcome: oom ? "OOM" : "TIMEOUT", peakBytes, untilKillMs, enforcement };
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      rss?.stop();
      await group?.remove();
    },
  };
}

interface RssWatch {
  /** The highest RSS or VmHWM seen (VmHWM at the kill confirms how far over it went). */
  readonly peakBytes: number;
  readonly overCap: boolean;
  stop(): void;
}

/** The watchdog: the child's RSS every WATCHDOG_INTERVAL_MS, `kill` at the first sample over the cap. */
function watchRss(pid: number, capBytes: number, kill: () => void): RssWatch {
  const watch = { peakBytes: 0, overCap: false, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const memory = readProcMemory(pid);
    if (!memory || watch.overCap) return;
    watch.peakBytes = Math.max(watch.peakBytes, memory.hwmBytes, memory.rssBytes);
    if (memory.rssBytes > capBytes) {
      watch.overCap = true;
      kill();
    }
  }, WATCHDOG_INTERVAL_MS);
  return watch;
}

/** A child's run ended by its limits: a measured outcome, not a fault (scale-run.ts records it). */
export class LimitKilled extends Error {
  override name = "LimitKilled";
  /** The limits as the report gives them (set by the part that knows the engine's budget). */
  limits?: RunLimits;
  constructor(
    readonly kill: LimitKill,
    readonly cap: MemoryCap,
  ) {
    super(
      kill.outcome === "OOM"
        ? `killed at its memory cap of ${Math.round(cap.bytes / 1024 / 1024)} MiB (${cap.source}) after ${(kill.untilKillMs / 1000).toFixed(2)} s, peak ${Math.round(kill.peakBytes / 1024 / 1024)} MiB (${kill.enforcement})`
        : `killed at its timeout after ${(kill.untilKillMs / 1000).toFixed(2)} s, peak ${Math.round(kill.peakBytes / 1024 / 1024)} MiB (${kill.enforcement})`,
    );
  }
}

/** What would hold a child under these limits here (a group is made and removed to find out). */
export async function probeEnforcement(limits: Limits, env: NodeJS.ProcessEnv = process.env): Promise<Enforcement> {
  if (enforcementWanted(env) === "watchdog") return "watchdog";
  const group = makeChildCgroup({ memoryBytes: limits.memoryLimitBytes ?? 1024 ** 3, cpus: limits.cpus });
  if (!group) return "watchdog";
  await group.remove();
  return group.version;
}
