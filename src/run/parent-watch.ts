// Noticing that the process that started streambench went away. `npm start` runs streambench as
// npm -> sh -c -> node, and npm exits at once on SIGTERM without passing it on (what `timeout` or
// a supervisor sends): the shell stays, so streambench's own parent does not change, its
// grandparent does. Under a package runner (npm, yarn, pnpm set npm_lifecycle_event) both are
// watched; otherwise the direct parent only (a supervisor, bin/streambench). Linux reads the
// ancestry from /proc; elsewhere only process.ppid is watched.
import { readFileSync } from "node:fs";

/** The parent pid of `pid` (from /proc/<pid>/stat), or null when it cannot be read. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ")" ends it
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * Calls onGone once when the watched ancestors change (one exited and its child was re-parented).
 * Returns a function that stops watching. The timer never keeps the process alive.
 */
export function watchParent(onGone: (why: string) => void, opts: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): () => void {
  const env = opts.env ?? process.env;
  const parent = process.ppid;
  const grandparent = env.npm_lifecycle_event ? parentOf(parent) : null;
  const timer = setInterval(() => {
    let why: string | null = null;
    if (process.ppid !== parent) why = `its parent process (pid ${parent}) exited`;
    else if (grandparent !== null && grandparent > 1 && parentOf(parent) !== grandparent) {
      why = `the package runner that started it (pid ${grandparent}) exited`;
    }
    if (why !== null) {
      clearInterval(timer);
      onGone(why);
    }
  }, opts.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
