// The limits every engine child runs under, as a user writes them: --memory-limit SIZE[,SIZE...],
// --cpus N, --limits PRESET, --timeout DURATION. Parsed here once, with errors naming the flag.
import { UsageError } from "../errors.ts";

const KIB = 1024;

/** With no --memory-limit, children run under this share of MemAvailable at the run's start (the guard). */
export const GUARD_SHARE = 0.9;

/** What a deployed Koku worker is given (Koku's deploy/clowdapp.yaml and the self-hosted chart). */
export const LIMIT_PRESETS: Readonly<Record<string, { memoryLimitBytes: number; cpus: number | null; what: string }>> = {
  // SaaS summary worker: limits memory 750Mi, cpu 200m
  "koku-worker": { memoryLimitBytes: 750 * KIB * KIB, cpus: 0.2, what: "Koku's SaaS summary worker: 750 MiB, 0.2 CPU" },
  // self-hosted (on-prem) chart: summary workers 400Mi, no CPU limit
  "koku-onprem-worker": { memoryLimitBytes: 400 * KIB * KIB, cpus: null, what: "Koku's self-hosted summary worker: 400 MiB" },
};

/** The limits of one run (one memory limit of the list). */
export interface Limits {
  /** The cap on the child's memory; null: none given (the machine guard still applies). */
  memoryLimitBytes: number | null;
  /** CPUs the child may use (fractional); null: no CPU limit. */
  cpus: number | null;
  /** The preset named with --limits, or null. */
  preset: string | null;
  /** Per child run; null: none. */
  timeoutSeconds: number | null;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  kib: KIB,
  mib: KIB ** 2,
  gib: KIB ** 3,
  tib: KIB ** 4,
  k: KIB,
  m: KIB ** 2,
  g: KIB ** 3,
};

/** "750MiB", "4GiB", "512MB", "1.5G" -> bytes. At least 16 MiB: below that no runtime starts. */
export function parseMemorySize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(`${flag}: expected a size such as 750MiB, 4GiB or 512MB, got "${text}"`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 16 * KIB * KIB) throw new UsageError(`${flag}: ${text} is below 16MiB, too little for any engine to start`);
  return bytes;
}

/** "0.2", "1", "2" -> CPUs (more than 0). */
export function parseCpus(text: string, flag = "--cpus"): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > 1024) {
    throw new UsageError(`${flag}: expected a number of CPUs above 0 such as 0.2, 1 or 2, got "${text}"`);
  }
  return value;
}

/** "90", "90s", "5m" -> seconds (more than 0). */
export function parseTimeout(text: string, flag = "--timeout"): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/i.exec(text.trim());
  const seconds = match ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[(match[2] ?? "s").toLowerCase() as "s" | "m" | "h"]) : NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag}: expected a duration such as 90s, 5m or 0.5 (seconds), got "${text}"`);
  return seconds;
}

export interface LimitFlags {
  "memory-limit"?: string;
  cpus?: string;
  limits?: string;
  timeout?: string;
}

/**
 * The flags -> one Limits per memory limit of the list, in the order given ([one without a memory
 * limit] when none is given). A preset gives the memory and CPU figures; an explicit flag beside it
 * overrides its part.
 */
export function limitsFromFlags(flags: LimitFlags): Limits[] {
  let preset: string | null = null;
  let presetFigures: (typeof LIMIT_PRESETS)[string] | null = null;
  if (flags.limits !== undefined) {
    preset = flags.limits.trim();
    presetFigures = LIMIT_PRESETS[preset] ?? null;
    if (presetFigures === null) throw new UsageError(`--limits: unknown preset "${preset}" (known: ${Object.keys(LIMIT_PRESETS).join(", ")})`);
  }
  const cpus = flags.cpus !== undefined ? parseCpus(flags.cpus) : (presetFigures?.cpus ?? null);
  const timeoutSeconds = flags.timeout !== undefined ? parseTimeout(flags.timeout) : null;
  let memory: (number | null)[] = [presetFigures?.memoryLimitBytes ?? NO_LIMITS.memoryLimitBytes];
  if (flags["memory-limit"] !== undefined) {
    const items = flags["memory-limit"].split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    if (items.length === 0) throw new UsageError("--memory-limit needs at least one size, e.g. 750MiB");
    memory = items.map((item) => parseMemorySize(item, "--memory-limit"));
    if (new Set(memory).size !== memory.length) throw new UsageError("--memory-limit lists a size twice");
  }
  return memory.map((memoryLimitBytes) => ({ memoryLimitBytes, cpus, preset, timeoutSeconds }));
}

/** "750 MiB", "4 GiB", "1.5 GiB": a limit as the report prints it. */
export function formatLimitBytes(bytes: number): string {
  const gib = bytes / KIB ** 3;
  if (gib >= 1) return `${Number.isInteger(gib) ? gib : gib.toFixed(2).replace(/0+$/, "")} GiB`;
  const mib = bytes / KIB ** 2;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** No limit given: the machine guard alone holds the children. */
export const NO_LIMITS: Limits = Object.freeze({ memoryLimitBytes: null, cpus: null, preset: null, timeoutSeconds: null });

/** "750MiB": a limit in a scale's label when several limits run (<scale>@<tag>); "guard" for none. */
export function limitTag(limits: Limits): string {
  return limits.memoryLimitBytes === null ? "guard" : formatLimitBytes(limits.memoryLimitBytes).replace(" ", "");
}

/** "750 MiB, 0.2 CPU (koku-worker)", or the guard's cap when no limit was given. */
export function describeLimits(limits: Limits, cap: { bytes: number; source: "limit" | "guard" } | null): string {
  const memory =
    limits.memoryLimitBytes !== null
      ? formatLimitBytes(limits.memoryLimitBytes)
      : cap !== null
        ? `no memory limit (the guard: ${formatLimitBytes(cap.bytes)}, ${GUARD_SHARE * 100}% of the memory available at the start)`
        : "no memory limit (no guard: MemAvailable unreadable)";
  const cpus = limits.cpus !== null ? `, ${limits.cpus} CPU` : "";
  const timeout = limits.timeoutSeconds !== null ? `, timeout ${limits.timeoutSeconds} s` : "";
  return `${memory}${cpus}${timeout}${limits.preset ? ` (${limits.preset})` : ""}`;
}

/**
 * STREAMBENCH_LIMIT_ENFORCEMENT: "watchdog" skips the control group (to test that path where
 * groups can be made); "cgroup" fails when none can be made instead of falling back. Read when a
 * run's flags are (a bad value is exit 2 before anything starts) and when each child is limited.
 */
export function enforcementWanted(env: Record<string, string | undefined>): "auto" | "watchdog" | "cgroup" {
  const wanted = env.STREAMBENCH_LIMIT_ENFORCEMENT?.trim() || "auto";
  if (wanted !== "auto" && wanted !== "watchdog" && wanted !== "cgroup") {
    throw new UsageError(`STREAMBENCH_LIMIT_ENFORCEMENT must be auto, watchdog or cgroup, got "${wanted}"`);
  }
  return wanted;
}
