// The repetition schedule of a scale, driven with fakes of the parts (no servers, no children):
// the order the modes run in, warm-ups first, every run validated, warm-ups out of the verdict.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/run/config.ts";
import type { JobReport, Mode } from "../../src/contract/job.ts";
import { compareScales } from "../../src/report/analysis.ts";
import { summariseMode } from "../../src/report/mode-summary.ts";
import { EventBus } from "../../src/run/event-bus.ts";
import { childRunsPerScale, type RunEvent } from "../../src/run/events.ts";
import type { Parts } from "../../src/run/run-parts.ts";
import { runFiles } from "../../src/run/results-folder.ts";
import { repetitionOrder, runScale } from "../../src/run/scale-run.ts";
import type { ValidationResult } from "../../src/validate/compare.ts";
import { collectingComparison } from "./fake-parts.ts";

test("the modes alternate A B, B A, A B: repetition k of each mode runs back to back with the other's", (t) => {
  const order = repetitionOrder(["in-memory", "streaming"], 3, 0).map((r) => `${r.mode === "in-memory" ? "A" : "B"}${r.rep}`);
  t.deepEqual(order, ["A1", "B1", "B2", "A2", "A3", "B3"]);
});

test("warm-ups run first, alternating on their own, then the measured runs start again with A", (t) => {
  const order = repetitionOrder(["in-memory", "streaming"], 2, 2).map((r) => `${r.warmup ? "w" : ""}${r.mode === "in-memory" ? "A" : "B"}${r.rep}`);
  t.deepEqual(order, ["wA1", "wB1", "wB2", "wA2", "A1", "B1", "B2", "A2"]);
});

test("a scale has as many child runs as run-start announces: modes x (runs + warm-ups), each scheduled once", (t) => {
  // 4 modes, 3 runs, 2 warm-ups: 4 x (3 + 2) = 20; 2 modes, 4 runs, none: 2 x 4 = 8.
  t.is(childRunsPerScale(4, 3, 2), 20);
  t.is(childRunsPerScale(2, 4, 0), 8);
  t.is(repetitionOrder(["in-memory", "streaming", "duckdb", "postgres"], 3, 2).length, 20);
  t.is(repetitionOrder(["in-memory", "streaming"], 4, 0).length, 8);
});

test("one mode runs its repetitions in a row", (t) => {
  t.deepEqual(
    repetitionOrder(["streaming"], 3, 1).map((r) => [r.mode, r.rep, r.warmup]),
    [
      ["streaming", 1, true],
      ["streaming", 1, false],
      ["streaming", 2, false],
      ["streaming", 3, false],
    ],
  );
});

const ROWS = { pod: 744, storage: 0, nodeLabels: 10, namespaceLabels: 10 };

/** Fake parts: the child "takes" the given seconds per call, in call order; every call is logged. */
function fakeParts(durations: number[], calls: string[]): Parts {
  let call = 0;
  const pass: ValidationResult = {
    verdict: "PASS",
    tolerance: { relTolerance: 1e-9, absTolerance: 1e-9 },
    empty: false,
    rows: { expected: 1, actual: 1, matched: 1, missing: 0, extra: 0, duplicateExpected: 0, duplicateActual: 0 },
    samples: { missing: [], extra: [], duplicateExpected: [], duplicateActual: [] },
    metrics: [],
    text: [],
    maxAbsDiff: 0,
    maxRelDiff: 0,
  };
  return {
    prepare: async (_scale: string, _input: string | null, dir: string) => ({ root: dir, prefix: "p", sourceUuid: "u", clusterId: "c", rowsByType: ROWS, expected: [] }),
    upload: async () => ({ objects: 1, bytes: 1 }),
    removeUpload: async () => {},
    aggregate: async (mode: Mode) => {
      const seconds = durations[call++];
      calls.push(`aggregate ${mode}`);
      const report: JobReport = {
        ok: true,
        mode,
        engine: mode === "streaming" ? "streaming" : "in-memory",
        rowsIn: { pod: 744, storage: 0, nodeLabels: 10, namespaceLabels: 10 },
        rowsOut: 31,
        timings: { ready: 0, read: 0, plan: 0, execute: seconds * 1000, aggregate: seconds * 1000, write: 0, total: seconds * 1000 },
        maxRSSKb: 100 * 1024,
        cpu: { user: 0, system: 0 },
      };
      return { report, samples: [{ tMs: 0, rssBytes: 50 * 1024 * 1024, rssAnonBytes: 0 }] };
    },
    prestart: () => {},
    discardPrestarted: () => {},
    readSummaryFile: async () => [],
    writeSummary: async () => {
      calls.push("write");
      return { readback: async () => [], readEach: async () => 0, commit: async () => {}, rollback: async () => {} };
    },
    startComparison: () =>
      collectingComparison(() => {
        calls.push("validate");
        return pass;
      }),
    compare: () => {
      calls.push("validate");
      return pass;
    },
    validationLog: () => "PASS\n",
    writeSummaryCsv: async (path: string) => {
      calls.push(`csv ${path.split("/").pop()}`);
    },
    writeReports: async () => {},
    headline: () => "",
  };
}

test("every run, warm-ups included, is written and validated; warm-ups are recorded as such and are in no figure", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "streambench-reps-"));
  try {
    // call order: wA1 wB1 | A1 B1 B2 A2 A3 B3; the warm-ups are 10x slower and must not count
    const durations = [10, 10, 1, 2, 2, 1, 1, 2];
    const calls: string[] = [];
    const config = { repetitions: 3, warmup: 1, modes: ["in-memory", "streaming"], input: null, injectFault: null } as unknown as Config;
    const bus = new EventBus();
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const result = await runScale(
      {
        config,
        bus,
        parts: fakeParts(durations, calls),
        files: runFiles(dir),
        signal: new AbortController().signal,
        setKill: () => {},
        setChild: () => {},
        onResult: () => {},
        onUnit: () => {},
        onPace: () => {},
      },
      "small",
    );
    // 8 child runs, each followed by its write and its validation, then in-memory vs streaming
    t.deepEqual(calls.filter((c) => c.startsWith("aggregate")).map((c) => (c.endsWith("in-memory") ? "A" : "B")).join(""), "ABABBAAB");
    t.is(calls.filter((c) => c === "write").length, 8);
    t.is(calls.filter((c) => c === "validate").length, 8 + 1);
    // the reference's summary CSV, then each mode's once, from its last measured run (A3, then B3)
    t.deepEqual(calls.filter((c) => c.startsWith("csv")), ["csv summary_small_reference.csv", "csv summary_small_in-memory.csv", "csv summary_small_streaming.csv"]);
    t.deepEqual(
      result.runs.map((r) => [r.mode, r.rep, r.warmup === true, r.durationSeconds, r.validation]),
      [
        ["in-memory", 1, true, 10, "PASS"],
        ["streaming", 1, true, 10, "PASS"],
        ["in-memory", 1, false, 1, "PASS"],
        ["streaming", 1, false, 2, "PASS"],
        ["streaming", 2, false, 2, "PASS"],
        ["in-memory", 2, false, 1, "PASS"],
        ["in-memory", 3, false, 1, "PASS"],
        ["streaming", 3, false, 2, "PASS"],
      ],
    );
    // medians over the 3 measured runs only: in-memory 1 s, streaming 2 s
    t.is(summariseMode("small", "in-memory", result.runs.filter((r) => r.mode === "in-memory"))!.duration.median, 1);
    const report = { startedAt: "", finishedAt: null, status: "PASS" as const, settings: {}, environment: {} as never, scales: [result] };
    const [c] = compareScales(report);
    // every pair 2 s ÷ 1 s = 2: interval [2, 2], in-memory faster, over 3 pairs (not 4)
    t.is(c.timeClass, "in-memory faster");
    t.is(c.time.pairs, 3);
    // the front ends learn which results are warm-ups
    t.deepEqual(events.filter((e) => e.type === "result").map((e) => (e as { warmup?: boolean }).warmup === true), [true, true, false, false, false, false, false, false]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
