// Hand-built run reports for the report tests: figures chosen so the expected answers can be
// worked out by hand.
import type { Mode } from "../../src/contract/job.ts";
import type { ModeRun, RunReport, ScaleResult } from "../../src/records/run-report.ts";

export function run(scale: string, mode: Mode, rep: number, durationSeconds: number, peakMemoryMb: number, inputRows: number, over: Partial<ModeRun> = {}): ModeRun {
  return {
    scale,
    mode,
    rep,
    status: "SUCCESS",
    validation: "PASS",
    durationSeconds,
    phases: {
      start: 0.05,
      read: durationSeconds / 4,
      plan: durationSeconds / 8,
      execute: (durationSeconds * 3) / 8,
      aggregate: durationSeconds / 2,
      output: durationSeconds / 4,
      write: durationSeconds / 4,
      validate: 0.1,
      total: durationSeconds + 0.1,
    },
    peakMemoryMb,
    baselineMemoryMb: 50,
    cpuUserSeconds: durationSeconds * 1.5,
    cpuSystemSeconds: 0.2,
    inputRows,
    inputRowsByType: { pod: inputRows, storage: 0, nodeLabels: 10, namespaceLabels: 10 },
    outputRows: Math.round(inputRows / 24),
    throughputRowsPerSecond: inputRows / durationSeconds,
    memorySeries: [
      { tMs: 0, rssMb: 50 },
      { tMs: 100, rssMb: peakMemoryMb },
    ],
    engine: mode,
    maxDiff: { abs: 0, rel: 0 },
    ...over,
  };
}

/**
 * One scale with the given [duration, peak MB] per mode, repeated `reps` times identically (so the
 * paired ratios have no spread and the verdict's interval is the ratio itself).
 */
export function scale(name: string, inputRows: number, inMem: [number, number], streaming: [number, number], reps = 1): ScaleResult {
  const runs: ModeRun[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    runs.push(run(name, "in-memory", rep, inMem[0], inMem[1], inputRows), run(name, "streaming", rep, streaming[0], streaming[1], inputRows));
  }
  return {
    scale: name,
    inputRows,
    generate: { seconds: 1, rows: inputRows, bytes: inputRows * 100 },
    upload: { seconds: 0.5, bytes: inputRows * 20, objects: 31 },
    runs,
    modesIdentical: { verdict: "PASS", maxAbs: 0, maxRel: 0 },
  };
}

export function report(scales: ScaleResult[], over: Partial<RunReport> = {}): RunReport {
  return {
    startedAt: "2026-11-24T02:00:00.000Z",
    finishedAt: "2026-11-24T02:10:00.000Z",
    status: "PASS",
    settings: { runs: 1, relTolerance: 1e-9, seed: 1 },
    environment: {
      cpu: "Test CPU",
      cores: 2,
      ramGb: 8,
      os: "Linux",
      runtime: "Node v20",
      versions: { "nodejs-polars": "0.26.1" },
      gitCommit: "abc1234",
    },
    scales,
    ...over,
  };
}
