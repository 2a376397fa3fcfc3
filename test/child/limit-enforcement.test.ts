// The limit machinery on real processes and the kernel's own control groups: a child over its cap
// is killed (by the kernel in its group, or by the watchdog), the outcome says OOM with the peak it
// reached and the enforcement that held it, a timeout says TIMEOUT, and no group is left behind.
import test from "ava";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Job } from "../../src/contract/job.ts";
import { startChild } from "../../src/child/spawn.ts";
import { PipelineLauncher } from "../../src/child/launcher.ts";
import { makeChildCgroup } from "../../src/child/cgroup.ts";
import { limitChild, LimitKilled, type LimitKill } from "../../src/child/limit-enforcement.ts";
import type { Limits } from "../../src/limits/limit-settings.ts";
import { generate } from "../../src/nise/generate.ts";
import { scaleManifest } from "../../src/scales.ts";
import { removeDir, tempDir } from "../pipelines/helpers.ts";

const MiB = 1024 * 1024;
const limits = (memoryLimitBytes: number, timeoutSeconds: number | null = null): Limits => ({ memoryLimitBytes, cpus: null, preset: null, timeoutSeconds });

/** Grows by 10 MiB every 20 ms (touched, so resident) up to `totalMiB`, then prints "done". */
const GROW = (totalMiB: number) =>
  `const k=[];const t=setInterval(()=>{const b=Buffer.alloc(10*1024*1024,1);k.push(b);if(k.length*10>=${totalMiB}){clearInterval(t);console.log("done")}},20)`;

async function runUnder(script: string, l: Limits, env: NodeJS.ProcessEnv): Promise<{ kill: LimitKill | null; stdout: string; groups: string[] }> {
  const limited = limitChild(process.execPath, ["-e", script], l, { bytes: l.memoryLimitBytes!, source: "limit" }, env);
  const groups = limited.args[0] === "-c" ? limited.args[3].split(" ").map((f) => dirname(f)) : [];
  const child = startChild(limited.command, limited.args);
  try {
    limited.watch(child.pid!, (signal) => child.kill(signal));
    const outcome = await child.run({ input: "" });
    return { kill: limited.finish(), stdout: outcome.stdout, groups };
  } finally {
    await limited.close();
  }
}

const cgroupHere = (() => {
  const probe = makeChildCgroup({ memoryBytes: 64 * MiB, cpus: null });
  if (!probe) return null;
  void probe.remove();
  return probe.version;
})();

const onCgroup = cgroupHere ? test.serial : test.skip;
onCgroup("in a group of its own, a child that grows past 120 MiB is killed by the kernel: OOM, the peak at the cap, the group removed", async (t) => {
  const { kill, stdout, groups } = await runUnder(GROW(300), limits(120 * MiB), {});
  t.not(kill, null, `the child ended on its own: ${stdout}`);
  t.is(kill!.outcome, "OOM");
  t.is(kill!.enforcement, cgroupHere!);
  // the kernel holds the charge at the cap: the group's peak is the cap itself, 120 * 1048576 = 125829120 bytes
  t.true(kill!.peakBytes <= 120 * MiB && kill!.peakBytes > 100 * MiB, `peak ${kill!.peakBytes}`);
  t.false(stdout.includes("done"), "it never reached 300 MiB");
  t.true(groups.length > 0 && groups.every((g) => g.includes("/streambench-")));
  t.true(groups.every((g) => !existsSync(g)), "the group made for the child is gone");
});

onCgroup("the engine itself runs in the group (the wrapper shell execs it: same pid), before it loads anything", async (t) => {
  const limited = limitChild(process.execPath, ["-e", "console.log(require('fs').readFileSync('/proc/self/cgroup','utf8'))"], limits(200 * MiB), { bytes: 200 * MiB, source: "limit" }, {});
  const child = startChild(limited.command, limited.args);
  try {
    const pid = child.pid;
    limited.watch(pid!, (signal) => child.kill(signal));
    const outcome = await child.run({ input: "" });
    t.is(limited.finish(), null, "a child under its cap ends on its own");
    const group = `${dirname(limited.args[3].split(" ")[0]).split("/").pop()}`;
    t.true(outcome.stdout.includes(`/${group}`), `the child's /proc/self/cgroup names its group ${group}: ${outcome.stdout}`);
    t.true(group.startsWith(`streambench-${process.pid}-`));
  } finally {
    await limited.close();
  }
});

onCgroup("--cpus 0.2 puts the child in a cpu group of its own with a quota of 20,000 us per 100,000 us period", async (t) => {
  const l: Limits = { memoryLimitBytes: 200 * MiB, cpus: 0.2, preset: null, timeoutSeconds: null };
  const script = "const fs=require('fs');const g=fs.readFileSync('/proc/self/cgroup','utf8').match(/:cpu(?:,cpuacct)?:(\\/.*)$/m);console.log(g?fs.readFileSync('/sys/fs/cgroup/cpu'+g[1]+'/cpu.cfs_quota_us','utf8').trim():'none')";
  const limited = limitChild(process.execPath, ["-e", script], l, { bytes: 200 * MiB, source: "limit" }, {});
  const child = startChild(limited.command, limited.args);
  try {
    limited.watch(child.pid!, (signal) => child.kill(signal));
    const outcome = await child.run({ input: "" });
    t.is(limited.finish(), null);
    // 0.2 CPU x 100,000 us = 20,000 us of CPU per period
    t.is(outcome.stdout.trim(), "20000", outcome.stderr);
  } finally {
    await limited.close();
  }
});

test.serial("with the watchdog (no group), a child over 120 MiB RSS is killed at the first sample over: OOM, its VmHWM past the cap", async (t) => {
  const { kill, stdout } = await runUnder(GROW(300), limits(120 * MiB), { STREAMBENCH_LIMIT_ENFORCEMENT: "watchdog" });
  t.not(kill, null, `the child ended on its own: ${stdout}`);
  t.is(kill!.outcome, "OOM");
  t.is(kill!.enforcement, "watchdog");
  // killed at the first sample over: growing 10 MiB / 20 ms and sampled every 25 ms, it passes the
  // cap by some tens of MiB at most, far below the 300 MiB it would have reached
  t.true(kill!.peakBytes > 120 * MiB && kill!.peakBytes < 220 * MiB, `peak ${kill!.peakBytes}`);
  t.false(stdout.includes("done"));
});

test.serial("a child that outlives --timeout 0.3 is killed: TIMEOUT after about 0.3 s, not OOM", async (t) => {
  for (const env of [{}, { STREAMBENCH_LIMIT_ENFORCEMENT: "watchdog" }]) {
    const { kill } = await runUnder("setTimeout(()=>console.log('done'),10000)", limits(200 * MiB, 0.3), env);
    t.is(kill?.outcome, "TIMEOUT");
    // (a timer may fire a fraction of a millisecond before the clock reads 300)
    t.true(kill!.untilKillMs >= 295 && kill!.untilKillMs < 5000, `${kill!.untilKillMs} ms`);
  }
});

test.serial("a child that stays under its cap ends on its own, under either enforcement", async (t) => {
  for (const env of [{}, { STREAMBENCH_LIMIT_ENFORCEMENT: "watchdog" }]) {
    const { kill, stdout } = await runUnder(GROW(30), limits(200 * MiB), env);
    t.is(kill, null);
    t.true(stdout.includes("done"));
  }
});

let largeScale: Promise<string> | null = null;
/** The generated "large" scale (372,000 pod rows) once for both tests below; parquet in the Koku layout. */
const largeInput = (work: string) =>
  (largeScale ??= generate(scaleManifest("large"), { clusterId: "test-limits", outDir: join(work, "input"), format: "parquet" }).then((g) => g.outDir));

const work = tempDir("limits-large");
test.after.always(() => removeDir(work));

for (const enforcement of ["auto", "watchdog"] as const) {
  test.serial(`a real in-memory engine child started ahead of its job at "large", under 120 MiB (${enforcement}): LimitKilled OOM, not an error`, async (t) => {
    const dir = await largeInput(work);
    const before = process.env.STREAMBENCH_LIMIT_ENFORCEMENT;
    process.env.STREAMBENCH_LIMIT_ENFORCEMENT = enforcement;
    // in-memory at "large" peaks at 259 MB RSS (README), and holds the 372,000 rows' frames in
    // anonymous memory the kernel must charge to its group: 120 MiB cannot hold them
    const launcher = new PipelineLauncher({ limits: limits(120 * MiB), cap: { bytes: 120 * MiB, source: "limit" } });
    try {
      launcher.prestart("in-memory");
      const job: Job = { mode: "in-memory", input: { kind: "parquet", dir }, output: join(work, "m.parquet"), enabledTagKeys: null };
      const error = await t.throwsAsync(launcher.run(job), { instanceOf: LimitKilled });
      const kill = (error as LimitKilled).kill;
      t.is(kill.outcome, "OOM");
      t.is(kill.enforcement === "watchdog", enforcement === "watchdog" || cgroupHere === null);
      t.true(kill.peakBytes > 100 * MiB, `peak ${kill.peakBytes}`);
    } finally {
      if (before === undefined) delete process.env.STREAMBENCH_LIMIT_ENFORCEMENT;
      else process.env.STREAMBENCH_LIMIT_ENFORCEMENT = before;
      launcher.close();
    }
  });
}

test("no group of this process is left under the controllers' roots once the tests above ended", (t) => {
  const roots = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(" ")[4]);
  const left = roots.filter((root) => existsSync(root)).flatMap((root) => {
    try {
      return readdirSync(root).filter((n) => n.startsWith(`streambench-${process.pid}-`));
    } catch {
      return [];
    }
  });
  t.deepEqual(left, []);
});
