import test from "ava";
import { LOG_KEEP, initialState, memorySparklines, plannedState, reduce, rowFraction, winner, type ViewState } from "../../tui/state.ts";
import type { RunEvent } from "../../src/run/events.ts";

const reduceAll = (events: readonly RunEvent[], state: ViewState = initialState): ViewState => events.reduce(reduce, state);
import { comparison, log, memory, modeRun, progress, runEnd, runStart, scaleRun } from "./events.ts";
import { verdictLine } from "../../tui/terminal-text.ts";

const pass = (seconds: number, peakMb: number) => ({ seconds, peakMb, verdict: "PASS" as const });

test("run-start lists its scales as pending rows with a cell per mode", (t) => {
  const s = reduce(initialState, runStart(["small", "medium"]));
  t.deepEqual(
    s.scales.map((r) => [r.name, r.status]),
    [
      ["small", "pending"],
      ["medium", "pending"],
    ],
  );
  t.deepEqual(Object.keys(s.scales[0].modes), ["in-memory", "streaming"]);
  t.true(s.running);
});

test("progress sets the current phase's done/total/unit and moves the scale's bar", (t) => {
  const s = reduceAll([runStart(["small"]), ...progress("small", 250, 1000)]);
  t.deepEqual(s.current?.progress, { done: 250, total: 1000, unit: "rows" });
  t.is(s.current?.phase, "generate");
  t.is(s.scales[0].phase, "generate");
  t.is(s.scales[0].status, "running");
  t.true(rowFraction(s.scales[0]) > 0);
});

test("a PASS for every mode marks the scale done and records duration and peak", (t) => {
  const s = reduceAll([runStart(["small"]), ...scaleRun("small", pass(3, 900), pass(5, 200))]);
  const row = s.scales[0];
  t.is(row.status, "done");
  t.deepEqual(row.modes["in-memory"]?.verdicts, ["PASS"]);
  t.deepEqual(row.modes["streaming"]?.durations, [5]);
  t.deepEqual(row.modes["streaming"]?.peaksMb, [200]);
  t.is(rowFraction(row), 1);
});

test("a FAIL marks the scale failed with the validation detail", (t) => {
  const s = reduceAll([
    runStart(["small"]),
    ...scaleRun("small", pass(3, 900), { seconds: 5, peakMb: 200, verdict: "FAIL", detail: "3 rows differ" }),
  ]);
  const row = s.scales[0];
  t.is(row.status, "failed");
  t.deepEqual(row.modes["streaming"]?.verdicts, ["FAIL"]);
  t.is(row.modes["streaming"]?.error, "3 rows differ");
});

test("memory peak is the max RSS seen for a pid and restarts with a new pid", (t) => {
  let s = reduceAll([runStart(["small"]), memory(10, 100), memory(10, 700), memory(10, 300)]);
  t.is(s.memory?.rssBytes, 300 * 1024 * 1024);
  t.is(s.memory?.peakRssBytes, 700 * 1024 * 1024);
  s = reduce(s, memory(11, 50));
  t.is(s.memory?.peakRssBytes, 50 * 1024 * 1024);
});

test("the memory gauge is marked exited when its child's phase ends", (t) => {
  const [start, end] = modeRun("small", "in-memory", pass(1, 10));
  let s = reduceAll([runStart(["small"]), start, memory(10, 100)]);
  t.is(s.memory?.mode, "in-memory");
  t.true(s.memory?.live);
  s = reduce(s, end);
  t.false(s.memory?.live);
});

test("winner: the TUI shows the engine's comparison once it arrives, and decides nothing itself", (t) => {
  const events = [runStart(["small"]), ...scaleRun("small", pass(3, 900), pass(5, 200))];
  t.is(winner(reduceAll(events).scales[0]), undefined, "no comparison event, no winner");
  t.deepEqual(winner(reduceAll([...events, comparison("small", "in-memory", "streaming")]).scales[0]), {
    kind: "decided",
    faster: "in-memory",
    leaner: "streaming",
  });
  t.deepEqual(winner(reduceAll([...events, comparison("small", "tie", "tie")]).scales[0]), { kind: "decided", faster: "tie", leaner: "tie" });
});

test("winner: a rerun of the scale clears the previous comparison", (t) => {
  const first = [runStart(["small"]), ...scaleRun("small", pass(3, 900), pass(5, 200)), comparison("small", "in-memory", "streaming")];
  const rerunning = reduceAll([...first, runStart(["small"]), { type: "phase-start", at: 1, scale: "small", phase: "generate" }]);
  t.is(winner(rerunning.scales[0]), undefined);
});

test("winner: a mode that FAILed validation cannot win", (t) => {
  const s = reduceAll([
    runStart(["small"]),
    ...scaleRun("small", pass(3, 900), { seconds: 1, peakMb: 10, verdict: "FAIL" }),
  ]);
  t.deepEqual(winner(s.scales[0]), { kind: "invalid", reason: "FAIL" });
});

test("with --runs 3 a scale is done only after three verdicts per mode", (t) => {
  let s = reduceAll([runStart(["small"], 3), ...scaleRun("small", pass(3, 900), pass(5, 200))]);
  t.is(s.scales[0].status, "running");
  for (let i = 0; i < 2; i++) {
    s = reduceAll([...modeRun("small", "in-memory", pass(3, 900)), ...modeRun("small", "streaming", pass(5, 200))], s);
  }
  t.is(s.scales[0].status, "done");
  t.is(s.scales[0].modes["in-memory"]?.durations.length, 3);
});

test("a rerun of one scale resets that scale only and keeps the others' results", (t) => {
  const first = reduceAll([
    runStart(["small", "medium"]),
    ...scaleRun("small", pass(3, 900), pass(5, 200)),
    ...scaleRun("medium", pass(30, 9000), pass(50, 2000)),
    runEnd("PASS", "done"),
  ]);
  const rerun = reduceAll([runStart(["medium"]), ...progress("medium", 1, 10)], first);
  t.deepEqual(
    rerun.scales.map((r) => r.name),
    ["small", "medium"],
  );
  t.deepEqual(rerun.scales[0].modes["in-memory"]?.durations, [3]);
  t.deepEqual(rerun.scales[1].modes["in-memory"]?.durations, []);
  t.is(rerun.finished, null);
  t.true(rerun.running);
});

test("generating a finished scale again without a run-start also starts it over", (t) => {
  const first = reduceAll([runStart(["small"]), ...scaleRun("small", pass(3, 900), pass(5, 200)), runEnd("PASS", "")]);
  const again = reduceAll(progress("small", 1, 10), first);
  t.deepEqual(again.scales[0].modes["streaming"]?.verdicts, []);
  t.true(again.running);
});

test("an error with a scale fails that scale's row and goes into the log", (t) => {
  const s = reduceAll([
    runStart(["small"]),
    { type: "error", at: 1, scale: "small", mode: "streaming", message: "child exited with code 137" },
  ]);
  t.is(s.scales[0].status, "failed");
  t.is(s.scales[0].modes["streaming"]?.error, "child exited with code 137");
  t.regex(s.log.at(-1)?.text ?? "", /small streaming: child exited with code 137/);
  t.is(s.log.at(-1)?.level, "error");
});

test("the log keeps its tail only, one entry per line of text", (t) => {
  let s = reduce(initialState, log("one\ntwo"));
  t.deepEqual(
    s.log.map((l) => l.text),
    ["one", "two"],
  );
  for (let i = 0; i < LOG_KEEP + 5; i++) s = reduce(s, log(`line ${i}`));
  t.is(s.log.length, LOG_KEEP);
  t.is(s.log.at(-1)?.text, `line ${LOG_KEEP + 4}`);
});

test("run-end records verdict, folder and headline and stops the run", (t) => {
  const s = reduceAll([runStart(["small"]), ...progress("small", 1, 2), runEnd("FAIL", "streaming is wrong")]);
  t.deepEqual(s.finished, { status: "FAIL", outDir: "results/2026-11-24T03-00-00Z", headline: "streaming is wrong" });
  t.false(s.running);
  t.is(s.current, null);
  t.is(s.scales[0].status, "failed", "a scale still running at run-end did not finish");
});

test("an interrupted run marks the scale it cut off stopped and the ones it never reached skipped", (t) => {
  const s = reduceAll([runStart(["small", "medium"]), ...progress("small", 1, 2), runEnd("INTERRUPTED", "")]);
  t.deepEqual(
    s.scales.map((r) => r.status),
    ["stopped", "skipped"],
  );
});

test("the reducer does not mutate the state it is given", (t) => {
  const before = reduceAll([runStart(["small"]), ...progress("small", 1, 2)]);
  const snapshot = JSON.stringify(before);
  reduceAll([...scaleRun("small", pass(3, 900), pass(5, 200)), memory(1, 5), runEnd("PASS", "")], before);
  t.is(JSON.stringify(before), snapshot);
});

test("a memory event without a child keeps the last child's figures, marked exited, and updates the system gauges", (t) => {
  const at = 1_000;
  const base = { type: "memory" as const, at, systemTotalBytes: 8e9, cpuPercent: 10 };
  let state = reduce(initialState, { ...base, pid: 42, rssBytes: 300e6, systemUsedBytes: 2e9 });
  state = reduce(state, { ...base, pid: 0, rssBytes: 0, systemUsedBytes: 3e9, cpuPercent: 55 });
  t.is(state.memory?.pid, 42);
  t.is(state.memory?.peakRssBytes, 300e6);
  t.false(state.memory?.live);
  t.is(state.memory?.systemUsedBytes, 3e9);
  t.is(state.memory?.cpuPercent, 55);
});

test("a warm-up's result is not a figure of the table, and its PASS does not count towards the scale's runs", (t) => {
  const warm = modeRun("small", "in-memory", pass(9, 999)).map((e) => (e.type === "result" || e.type === "validation" ? { ...e, warmup: true } : e));
  const s = reduceAll([{ ...runStart(["small"]), warmup: 1 } as RunEvent, ...warm]);
  t.deepEqual(s.scales[0].modes["in-memory"]?.durations, []);
  t.deepEqual(s.scales[0].modes["in-memory"]?.verdicts, []);
  t.is(s.warmup, 1);
  t.is(s.scales[0].status, "running");
});

test("an inconclusive verdict is shown as such, with the engine's interval and the runs that would settle it", (t) => {
  const events = [runStart(["large"]), ...scaleRun("large", pass(3, 900), pass(3, 200)), comparison("large", null, "streaming")];
  const row = reduceAll(events).scales[0];
  t.deepEqual(winner(row), { kind: "decided", faster: "inconclusive", leaner: "streaming" });
  // the fake inconclusive verdict: ratio 1, interval 0.8–1.3, 12 runs; the decided one 0.5 (0.49–0.51)
  t.is(verdictLine(row), "  large: time inconclusive 1.00× [0.80–1.30] ~12 runs · memory streaming lower 0.50× [0.49–0.51]");
});

test("service events show what is starting, then how long each took to be ready", (t) => {
  const s = reduceAll([
    { type: "service", service: "s3", state: "starting", detail: "embedded S3 (s3rver)", at: 1000 },
    { type: "service", service: "postgres", state: "starting", detail: "embedded PostgreSQL (PGlite)", at: 1010 },
    { type: "service", service: "s3", state: "ready", detail: "http://127.0.0.1:4569", durationMs: 300, at: 1300 },
  ]);
  t.deepEqual(
    s.services.map((x) => [x.service, x.state, x.since, x.durationMs]),
    [
      ["s3", "ready", 1000, 300], // since stays the starting time
      ["postgres", "starting", 1010, undefined],
    ],
  );
  t.is(s.scales.length, 0); // no scale row before run-start
});

test("a finished scale shows done while the next one runs, not the validate phase it ended on", (t) => {
  // small: both modes validated, then in-memory against streaming (a validate phase with no mode)
  const s = reduceAll([
    runStart(["small", "medium"]),
    ...scaleRun("small", pass(3, 900), pass(5, 200)),
    { type: "phase-start", at: 1_900_000_000_000, scale: "small", phase: "validate" },
    { type: "phase-end", at: 1_900_000_000_001, scale: "small", phase: "validate", durationMs: 1, ok: true },
    { type: "phase-start", at: 1_900_000_000_002, scale: "medium", phase: "generate" },
  ]);
  t.is(s.scales[0].status, "done");
  t.is(rowFraction(s.scales[0]), 1);
  t.is(s.scales[1].status, "running");
});

test("the monitor lists the planned scales before the run starts: the header counts them", (t) => {
  const s = plannedState({ scales: ["small"], modes: ["in-memory", "streaming"], repetitions: 4, warmup: 0 });
  t.deepEqual(s.scales.map((r) => [r.name, r.status]), [["small", "pending"]]);
  t.is(s.repetitions, 4);
  t.false(s.running);
  t.is(plannedState(undefined), initialState);
});

test("an aggregate's phase-start turns the child gauge to starting: the last child's exited figures do not stand for the new one", (t) => {
  const s = reduceAll([
    runStart(["small"]),
    memory(1111, 176),
    { type: "phase-start", at: 1_900_000_003_000, scale: "small", mode: "streaming", rep: 2, phase: "aggregate" },
  ]);
  t.true(s.memory?.starting);
  t.is(s.memory?.pid, 0);
  t.is(s.memory?.mode, "streaming");
  t.is(s.memory?.systemTotalBytes, 16 * 1024 ** 3, "the system gauges stay");
});

test("during an aggregate not yet sampled the child gauge is starting (that scale and mode), not an exited 0 B child", (t) => {
  const s = reduceAll([
    runStart(["small"]),
    { type: "phase-start", at: 1_900_000_001_000, scale: "small", mode: "streaming", rep: 1, phase: "aggregate" },
    memory(0, 0),
  ]);
  t.true(s.memory?.starting);
  t.is(s.memory?.mode, "streaming");
  const after = reduceAll([memory(1234, 150)], s);
  t.true(after.memory?.live);
  t.falsy(after.memory?.starting);
});

test("the phase ETA the engine sends just before a phase-start is kept for that phase", (t) => {
  // scale-run emits the ETA (the phase's last duration, 800 ms) and then the phase-start
  const s = reduceAll([
    runStart(["small"], 2),
    { type: "eta", at: 1_900_000_002_000, phaseRemainingMs: 800, runRemainingMs: 5_000 },
    { type: "phase-start", at: 1_900_000_002_001, scale: "small", mode: "in-memory", rep: 2, phase: "aggregate" },
  ]);
  t.is(s.eta?.phaseRemainingMs, 800);
  t.is(s.eta?.runRemainingMs, 5_000);
});

test("the sparklines' full bar is at or above every curve point and every peak shown; each peak is the median VmHWM", (t) => {
  const row = plannedState({ scales: ["small"], modes: ["in-memory", "streaming"], repetitions: 2, warmup: 0 }).scales[0];
  const cell = (durations: number[], peaksMb: number[], memorySeries: number[]) => ({ durations, peaksMb, memorySeries, verdicts: [], active: false });
  // in-memory: curve tops at 177, VmHWM 186 and 180 -> peak (186 + 180) / 2 = 183, duration (0.3 + 0.5) / 2 = 0.4;
  // streaming: one run, VmHWM 150, curve to 150. Full bar: max(177, 183, 150, 150) = 183
  const spark = memorySparklines({ ...row, modes: { "in-memory": cell([0.3, 0.5], [186, 180], [60, 120, 177]), streaming: cell([], [150], [60, 150]) } }, ["in-memory", "streaming"]);
  t.deepEqual(spark, {
    lines: [
      { mode: "in-memory", series: [60, 120, 177], peakMb: 183, seconds: 0.4 },
      { mode: "streaming", series: [60, 150], peakMb: 150 },
    ],
    topMb: 183,
  });
  t.is(memorySparklines(row, ["in-memory", "streaming"]), null, "no curve yet: nothing to draw");
});

test("a run's result sets the exited child gauge's peak to that run's VmHWM (the table's figure), not the sampled top", (t) => {
  // sampled at 137 MB; the kernel's peak (VmHWM) of that run was 144.5 MB, between two samples
  const s = reduceAll([
    runStart(["small"]),
    { type: "phase-start", at: 1_900_000_001_000, scale: "small", mode: "in-memory", rep: 1, phase: "aggregate" },
    memory(1111, 137),
    { type: "phase-end", at: 1_900_000_001_500, scale: "small", mode: "in-memory", rep: 1, phase: "aggregate", durationMs: 500, ok: true },
    { type: "result", at: 1_900_000_001_600, scale: "small", mode: "in-memory", rep: 1, durationSeconds: 0.5, peakMemoryMb: 144.5, inputRows: 7440, outputRows: 434, engine: "in-memory", memorySeries: [60, 137] },
  ]);
  t.is(s.memory?.pid, 1111);
  t.is(s.memory?.peakRssBytes, 144.5 * 1024 * 1024);
});
