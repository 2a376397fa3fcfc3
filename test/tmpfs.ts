// A small tmpfs for tests of a disk that fills: mounted only where this process may mount one (root).
import { execFileSync } from "node:child_process";

/** Mounts a tmpfs of `size` (e.g. "1m") at the existing folder `dir`; false when this process may not. */
export function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function unmountTmpfs(dir: string): void {
  execFileSync("umount", [dir]);
}
