// Memory of another process, read from Linux's /proc/<pid>/status (kB lines).
import { readFileSync } from "node:fs";

export interface ProcMemory {
  rssBytes: number;
  /** Anonymous memory only: excludes file-backed pages such as polars' memory-mapped parquet. */
  rssAnonBytes: number;
  /** The kernel's high-water mark of RSS. */
  hwmBytes: number;
}

export function readProcMemory(pid: number): ProcMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rssBytes: field("VmRSS"), rssAnonBytes: field("RssAnon"), hwmBytes: field("VmHWM") };
}
