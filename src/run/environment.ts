// What the figures were measured on: CPU, RAM, OS, runtime, package versions and git commit.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import si from "systeminformation";
import { $ } from "zx";
import type { Environment } from "../records/run-report.ts";
import { runtimeDescription } from "../child/runtime.ts";

const PACKAGES = ["nodejs-polars", "@aws-sdk/client-s3", "pg", "@electric-sql/pglite", "s3rver", "ink", "react", "zx", "systeminformation"];
const root = fileURLToPath(new URL("../..", import.meta.url));

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

export async function captureEnvironment(extra: Record<string, string>): Promise<Environment> {
  const [cpu, mem, os] = await Promise.all([si.cpu(), si.mem(), si.osInfo()]);
  const commit = await $({ cwd: root, quiet: true, nothrow: true })`git rev-parse --short HEAD`;
  const dirty = await $({ cwd: root, quiet: true, nothrow: true })`git status --porcelain --untracked-files=no`;
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) versions[name] = packageVersion(name);
  return {
    cpu: `${cpu.manufacturer} ${cpu.brand}`.trim(),
    cores: cpu.cores,
    ramGb: Math.round((mem.total / 1024 ** 3) * 10) / 10,
    os: `${os.distro} ${os.release} (${os.platform} ${os.kernel})`,
    runtime: runtimeDescription(),
    versions: { ...versions, ...extra },
    gitCommit: commit.exitCode === 0 ? `${commit.stdout.trim()}${dirty.stdout.trim() ? " (uncommitted changes)" : ""}` : "unknown",
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}
