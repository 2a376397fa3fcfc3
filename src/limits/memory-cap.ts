// The memory cap a child runs under: the user's limit, or with none the guard, GUARD_SHARE of the
// MemAvailable read when the run's parts are bound. What the cap is belongs here with the limits;
// holding a child to it is src/child/limit-enforcement.ts's.
import { readFileSync } from "node:fs";
import { GUARD_SHARE, type Limits } from "./limit-settings.ts";

/** The cap a child runs under: the user's limit, or the machine guard. */
export interface MemoryCap {
  bytes: number;
  /** "limit": the user's (or the preset's); "guard": GUARD_SHARE of MemAvailable, none given. */
  source: "limit" | "guard";
}

/** MemAvailable from /proc/meminfo, bytes (null where it cannot be read). */
export function memAvailableBytes(): number | null {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The cap for these limits: the user's, or the guard (null: neither, e.g. no /proc/meminfo). */
export function memoryCap(limits: Limits, available = memAvailableBytes()): MemoryCap | null {
  if (limits.memoryLimitBytes !== null) return { bytes: limits.memoryLimitBytes, source: "limit" };
  return available === null ? null : { bytes: Math.floor(available * GUARD_SHARE), source: "guard" };
}
