// A fake of the run's Parts (src/run/run-parts.ts) for tests of the engine alone, the way hyperfine
// tests its scheduler with a mock executor: every call is recorded in order and answers at once,
// so a test of phase order, fail-fast, rerun or interruption takes milliseconds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { Benchmark } from "../../src/run/benchmark.ts";
import { recordedSettings } from "../../src/run/lifecycle.ts";
import type { Config } from "../../src/run/config.ts";
import type { RunEvent } from "../../src/run/events.ts";
import type { Parts, PreparedData } from "../../src/run/run-parts.ts";
import type { RunLimits, SweepInfo } from "../../src/records/run-report.ts";
import type { RunSettings } from "../../src/records/run-settings.ts";
import type { SummaryComparison, ValidationResult } from "../../src/validate/compare.ts";
import { LimitKilled } from "../../src/child/limit-enforcement.ts";
import { NO_LIMITS, type Limits } from "../../src/limits/limit-settings.ts";

export interface FakeOptions {
  /** "scale mode" pairs whose validation against the reference fails. */
  failValidation?: Set<string>;
  /** Called when a mode's child starts, with a kill switch the engine may use. */
  onAggregate?(scale: string, mode: Mode, kill: Promise<void>): Promise<void>;
  /** The child's total milliseconds (its duration) on its n-th run of the mode (from 1); 4 unless given. */
  totalMs?(mode: Mode, n: number): number;
  /** The child its limits end (OOM or TIMEOUT) at this scale and mode, with the peak MiB it reached; undefined: none. */
  limitKill?(scale: string, mode: Mode, podRows: number): { outcome: "OOM" | "TIMEOUT"; peakMiB: number } | undefined;
  /** Pod rows of a scale (default 10 for every scale). */
  podRows?(scale: string): number;
}

const ROWS = { pod: 10, storage: 4, nodeLabels: 2, namespaceLabels: 3 };

function verdict(pass: boolean): ValidationResult {
  return {
    verdict: pass ? "PASS" : "FAIL",
    tolerance: { relTolerance: 1e-9, absTolerance: 1e-9 },
    empty: false,
    rows: { expected: 1, actual: 1, matched: pass ? 1 : 0, missing: 0, extra: 0, duplicateExpected: 0, duplicateActual: 0 },
    samples: { missing: [], extra: [], duplicateExpected: [], duplicateActual: [] },
    metrics: [],
    text: [],
    maxAbsDiff: pass ? 0 : 1,
    maxRelDiff: pass ? 0 : 0.5,
  };
}

/** A comparison that collects the rows it is fed and hands them to `compare` when finished. */
export function collectingComparison(compare: (actual: SummaryRow[]) => ValidationResult): SummaryComparison {
  const rows: SummaryRow[] = [];
  return { add: (row) => void rows.push(row), finish: () => compare(rows) };
}

/** What a fake readEach does: every row to `each`; how many. */
export function readEach(rows: SummaryRow[], each: (row: SummaryRow) => void): number {
  for (const row of rows) each(row);
  return rows.length;
}

/** Parts that record each call as "<call> <scale> [<mode>]" in `calls`. */
export function fakeParts(options: FakeOptions = {}): { parts: Parts; calls: string[]; limited: Limits[] } {
  const calls: string[] = [];
  // the limits the engine put the children under, in order (apart from calls: most tests ignore them)
  const limited: Limits[] = [];
  const right = { usage_start: "2025-10-01" } as SummaryRow;
  const wrong = { usage_start: "2025-10-02" } as SummaryRow;
  // The limits the children run under now, as a run records them (held by a watchdog, in the fake).
  const runLimits = (): RunLimits | undefined => {
    const l = limited.at(-1);
    if (!l) return undefined;
    const capBytes = l.memoryLimitBytes ?? 1024 ** 3;
    return { ...l, capBytes, capSource: l.memoryLimitBytes === null ? "guard" : "limit", enforcement: "watchdog", told: "nothing" };
  };
  // The scale and mode whose summary is being handled: set by the last aggregate call.
  let current = "";
  const runsOf = new Map<Mode, number>();
  const parts: Parts = {
    async prepare(scale) {
      calls.push(`prepare ${scale}`);
      const rowsByType = { ...ROWS, pod: options.podRows?.(scale) ?? ROWS.pod };
      return { root: "/nowhere", prefix: `data/${scale}`, sourceUuid: `uuid-${scale}`, clusterId: scale, rowsByType, expected: [right] };
    },
    async upload(data) {
      calls.push(`upload ${data.clusterId}`);
      return { objects: 4, bytes: 1000 };
    },
    async removeUpload(data) {
      calls.push(`removeUpload ${data.clusterId}`);
    },
    async aggregate(mode, data, _output, hooks) {
      current = `${data.clusterId} ${mode}`;
      calls.push(`aggregate ${current}`);
      let killed!: () => void;
      const kill = new Promise<void>((resolve) => (killed = resolve));
      hooks.onSpawn(() => killed());
      await options.onAggregate?.(data.clusterId, mode, kill);
      runsOf.set(mode, (runsOf.get(mode) ?? 0) + 1);
      const total = options.totalMs?.(mode, runsOf.get(mode)!) ?? 4;
      const limitKill = options.limitKill?.(data.clusterId, mode, data.rowsByType.pod);
      if (limitKill) {
        const kill = { outcome: limitKill.outcome, peakBytes: limitKill.peakMiB * 1024 * 1024, untilKillMs: 1500, enforcement: "watchdog" as const };
        throw Object.assign(new LimitKilled(kill, { bytes: 750 * 1024 * 1024, source: "limit" }), { limits: runLimits() });
      }
      return {
        report: { ok: true, mode, engine: mode === "streaming" ? "streaming" : "in-memory", rowsIn: { ...data.rowsByType }, rowsOut: 1, timings: { ready: 1, read: 1, plan: 1, execute: 1, aggregate: 2, write: 1, total }, maxRSSKb: 1024, cpu: { user: 1000, system: 100 } },
        samples: [],
        ...(limited.length > 0 ? { limits: runLimits() } : {}),
      };
    },
    prestart(mode) {
      calls.push(`prestart ${mode}`);
    },
    discardPrestarted() {
      calls.push("discardPrestarted");
    },
    limitChildren(limits) {
      limited.push(limits);
      return limits.memoryLimitBytes === null ? null : { bytes: limits.memoryLimitBytes, source: "limit" };
    },
    async readSummaryFile() {
      return [right];
    },
    async writeSummary(_sourceUuid, clusterId) {
      calls.push(`writeSummary ${current}`);
      void clusterId;
      const failing = options.failValidation?.has(current);
      return {
        readback: async () => (failing ? [wrong] : [right]),
        readEach: async (each) => readEach(failing ? [wrong] : [right], each),
        commit: async () => {},
        rollback: async () => {},
      };
    },
    startComparison(expected) {
      return collectingComparison((actual) => parts.compare(expected, actual));
    },
    compare(expected, actual) {
      const pass = expected[0]?.usage_start === actual[0]?.usage_start;
      calls.push(`compare ${pass ? "PASS" : "FAIL"}`);
      return verdict(pass);
    },
    validationLog: () => "log\n",
    async writeSummaryCsv() {},
    async writeReports() {
      calls.push("writeReports");
    },
    headline: () => "headline",
  };
  return { parts, calls, limited };
}

export function fakeConfig(scales: string[], over: Partial<Config> = {}): Config {
  return {
    scales,
    input: null,
    modes: ["in-memory", "streaming"],
    repetitions: 1,
    autoRuns: null,
    warmup: 0,
    profile: "constant",
    seed: 1,
    relTolerance: 1e-9,
    absTolerance: 1e-9,
    headless: true,
    outRoot: tmpdir(),
    bucket: "b",
    schema: "s",
    enabledTagKeys: null,
    s3: null,
    postgres: null,
    injectFault: null,
    duckdbMemoryLimit: null,
    baseline: null,
    failOn: [],
    threshold: 0.1,
    pgTimeoutMs: 60_000,
    limits: [NO_LIMITS],
    ...over,
  };
}

/** The settings a fake run records: run/lifecycle.ts recordedSettings over fake services, no limit. */
export function fakeSettings(config: Config): RunSettings {
  const limits = { memoryLimitBytes: null, memoryLimitsBytes: [], cpus: null, preset: null, timeoutSeconds: null, guardBytes: null, enforcement: "watchdog", told: {} };
  return recordedSettings(config, { expectedRows: () => null }, { s3: "fake S3", postgres: "fake PostgreSQL" }, limits);
}

const runDirs: string[] = [];

/** Removes the temp folders fakeBenchmark made. */
export function removeFakeRunDirs(): void {
  for (const dir of runDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A Benchmark on fake parts, writing its logs to a fresh temp folder, with every event it emits. */
export function fakeBenchmark(config: Config, parts: Parts, sweep?: SweepInfo): { benchmark: Benchmark; events: RunEvent[] } {
  const runDir = mkdtempSync(join(tmpdir(), "engine-"));
  runDirs.push(runDir);
  const benchmark = new Benchmark({
    config,
    runDir,
    parts,
    environment: { cpu: "fake", cores: 1, ramGb: 1, os: "fake", runtime: "fake", versions: {}, gitCommit: "none" },
    settings: fakeSettings(config),
    expectedRows: () => ROWS.pod,
    history: { prepare: [], mode: [], rest: [] },
    openFolder: () => {
      const dir = mkdtempSync(join(tmpdir(), "engine-rerun-"));
      runDirs.push(dir);
      return dir;
    },
    ...(sweep ? { sweep } : {}),
  });
  const events: RunEvent[] = [];
  benchmark.bus.subscribe((event) => events.push(event));
  return { benchmark, events };
}
