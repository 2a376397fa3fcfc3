// A control group of the child's own, where this process may make one: cgroup v1 (memory and cpu
// controllers mounted read-write, as on this project's VM) or cgroup v2 where memory (and cpu) are
// delegated to the group this process runs in. Detected from /proc/self/mountinfo and
// /proc/self/cgroup, never assumed. Only groups named streambench-<pid>-<n> are ever made or
// removed; no other group is written, but for enabling the controllers in this process's own
// group (cgroup.subtree_control, v2 only).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type CgroupVersion = "cgroup v1" | "cgroup v2";

export interface CgroupLimits {
  memoryBytes: number;
  /** null: no CPU limit. */
  cpus: number | null;
}

/** What the kernel says about a child once it has ended. */
export interface CgroupReading {
  /** The kernel's OOM killer killed a process of the group. */
  oomKilled: boolean;
  /** The group's peak memory charge (max_usage_in_bytes / memory.peak), null where not kept. */
  peakBytes: number | null;
}

export interface ChildCgroup {
  version: CgroupVersion;
  /** The cgroup.procs files the child writes its own pid into before it loads anything. */
  procsFiles: string[];
  read(): CgroupReading;
  /** Removes the groups made (retried briefly while the kernel lets go of a dead child). */
  remove(): Promise<void>;
}

const CFS_PERIOD_US = 100_000;
const GROUP_PREFIX = "streambench-";
let made = 0;

interface Mount {
  path: string;
  fstype: string;
  options: string[];
}

function mounts(): Mount[] {
  let text: string;
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    const [left, right] = line.split(" - ");
    if (!left || !right) return [];
    const [fstype, , superOptions] = right.split(" ");
    if (fstype !== "cgroup" && fstype !== "cgroup2") return [];
    return [{ path: left.split(" ")[4], fstype, options: (superOptions ?? "").split(",") }];
  });
}

const write = (dir: string, file: string, value: string) => writeFileSync(join(dir, file), value);
const readNumber = (path: string): number | null => {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
};
const readField = (path: string, field: string): number => {
  try {
    const match = new RegExp(`^${field} (\\d+)`, "m").exec(readFileSync(path, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
};

async function removeDirs(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

/** Groups named streambench-<pid>-<n> whose pid no longer lives and which hold no process (a run killed with -9). */
function removeStaleGroups(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith(GROUP_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(GROUP_PREFIX.length).split("-")[0]);
    if (!Number.isInteger(pid) || pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    try {
      if (readFileSync(join(root, name, "cgroup.procs"), "utf8").trim() === "") rmdirSync(join(root, name));
    } catch {
      // not ours to insist on
    }
  }
}

function makeGroup(root: string): string {
  removeStaleGroups(root);
  const dir = join(root, `${GROUP_PREFIX}${process.pid}-${++made}`);
  mkdirSync(dir);
  return dir;
}

/** cgroup v1: a group under the memory controller's root (and the cpu controller's, for --cpus). */
function v1Group(all: Mount[], limits: CgroupLimits): ChildCgroup | null {
  const memoryRoot = all.find((m) => m.fstype === "cgroup" && m.options.includes("memory"))?.path;
  const cpuRoot = all.find((m) => m.fstype === "cgroup" && m.options.includes("cpu"))?.path;
  if (!memoryRoot || (limits.cpus !== null && !cpuRoot)) return null;
  const dirs: string[] = [];
  try {
    const memory = makeGroup(memoryRoot);
    dirs.push(memory);
    write(memory, "memory.limit_in_bytes", String(limits.memoryBytes));
    // swap counts too where swap exists (memsw is the memory + swap cap; it must be >= the memory cap)
    if (existsSync(join(memory, "memory.memsw.limit_in_bytes"))) write(memory, "memory.memsw.limit_in_bytes", String(limits.memoryBytes));
    // The child joins before it loads (limit-enforcement.ts), so nothing is charged elsewhere first; where
    // the kernel still offers it (deprecated, refused by 6.x), a page charged before the move follows it.
    try {
      write(memory, "memory.move_charge_at_immigrate", "3");
    } catch {
      // refused: nothing to move anyway
    }
    if (limits.cpus !== null && cpuRoot) {
      const cpu = makeGroup(cpuRoot);
      dirs.push(cpu);
      write(cpu, "cpu.cfs_period_us", String(CFS_PERIOD_US));
      write(cpu, "cpu.cfs_quota_us", String(Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))));
    }
    return {
      version: "cgroup v1",
      procsFiles: dirs.map((dir) => join(dir, "cgroup.procs")),
      read: () => ({
        oomKilled: readField(join(memory, "memory.oom_control"), "oom_kill") > 0,
        peakBytes: readNumber(join(memory, "memory.max_usage_in_bytes")),
      }),
      remove: () => removeDirs([...dirs].reverse()),
    };
  } catch {
    void removeDirs([...dirs].reverse());
    return null;
  }
}

/** cgroup v2: a group below the one this process runs in, where memory (and cpu) are delegated to it. */
function v2Group(all: Mount[], limits: CgroupLimits): ChildCgroup | null {
  const mount = all.find((m) => m.fstype === "cgroup2")?.path;
  if (!mount) return null;
  let own: string | undefined;
  try {
    own = /^0::(.*)$/m.exec(readFileSync("/proc/self/cgroup", "utf8"))?.[1];
  } catch {
    return null;
  }
  if (own === undefined) return null;
  const parent = join(mount, own);
  const needed = limits.cpus !== null ? ["memory", "cpu"] : ["memory"];
  try {
    const available = readFileSync(join(parent, "cgroup.controllers"), "utf8").trim().split(/\s+/);
    if (!needed.every((c) => available.includes(c))) return null;
    const enabled = readFileSync(join(parent, "cgroup.subtree_control"), "utf8").trim().split(/\s+/);
    const missing = needed.filter((c) => !enabled.includes(c));
    if (missing.length > 0) write(parent, "cgroup.subtree_control", missing.map((c) => `+${c}`).join(" "));
  } catch {
    return null;
  }
  let dir: string | null = null;
  try {
    dir = makeGroup(parent);
    write(dir, "memory.max", String(limits.memoryBytes));
    if (existsSync(join(dir, "memory.swap.max"))) write(dir, "memory.swap.max", "0");
    if (limits.cpus !== null) write(dir, "cpu.max", `${Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))} ${CFS_PERIOD_US}`);
    const group = dir;
    return {
      version: "cgroup v2",
      procsFiles: [join(group, "cgroup.procs")],
      read: () => ({ oomKilled: readField(join(group, "memory.events"), "oom_kill") > 0, peakBytes: readNumber(join(group, "memory.peak")) }),
      remove: () => removeDirs([group]),
    };
  } catch {
    if (dir) void removeDirs([dir]);
    return null;
  }
}

/** A group of the child's own with these limits, v1 or v2 as this host allows; null where it cannot be made. */
export function makeChildCgroup(limits: CgroupLimits): ChildCgroup | null {
  const all = mounts();
  return v1Group(all, limits) ?? v2Group(all, limits);
}
