import test from "ava";
import type { RunEvent } from "../../src/run/events.ts";
import { initialState, reduce, type ViewState } from "../../tui/state.ts";
import { cleanup } from "./cleanup.ts";
import { at, comparison, MODES, OUT, scaleRun } from "./events.ts";
import { loadUi, plain, renderAt, spyCommands, tick, type Ui } from "./ui.ts";

const reduceAll = (events: readonly RunEvent[], state: ViewState = initialState): ViewState => events.reduce(reduce, state);
const pass = (seconds: number, peakMb: number) => ({ seconds, peakMb, verdict: "PASS" as const });

const sweepStart = (): RunEvent => ({
  type: "run-start",
  at: at(),
  scales: ["pods-10", "pods-3162", "pods-20000"],
  modes: MODES,
  repetitions: 3,
  outDir: OUT,
  sweepRows: { "pods-10": 7_440, "pods-3162": 2_352_528, "pods-20000": 14_880_000 },
});

const crossover = (text: string): RunEvent => ({
  type: "crossover",
  at: at(),
  sizes: 2,
  time: { rows: 457_000, low: 390_000, high: 596_000 },
  memory: null,
  text,
});

let ui: Ui;
test.before(async () => {
  ui = await loadUi();
});
test.afterEach.always(() => cleanup());

test("a sweep's run-start lists one row per size, each with its input rows", (t) => {
  const s = reduce(initialState, sweepStart());
  t.true(s.sweep);
  t.deepEqual(
    s.scales.map((r) => [r.name, r.rows]),
    [
      ["pods-10", 7_440],
      ["pods-3162", 2_352_528],
      ["pods-20000", 14_880_000],
    ],
  );
  t.false(reduce(initialState, { type: "run-start", at: at(), scales: ["small"], modes: MODES, repetitions: 1, outDir: OUT }).sweep);
});

test("the crossover estimate is kept as the engine worded it, the latest one wins", (t) => {
  const s = reduceAll([sweepStart(), crossover("time: needs 2 sizes"), crossover("time: from ~457k rows (390k–596k)")]);
  t.deepEqual(s.crossover, { text: "time: from ~457k rows (390k–596k)", sizes: 2 });
});

test("a rerun of a size keeps its input rows", (t) => {
  const s = reduceAll([sweepStart(), ...scaleRun("pods-10", pass(1, 170), pass(1.5, 215)), { type: "phase-start", at: at(), scale: "pods-10", phase: "generate" }]);
  t.is(s.scales[0].rows, 7_440);
});

test.serial("the monitor shows the ladder as rows of sizes with the crossover line under it, within 80 columns", async (t) => {
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spyCommands().commands} batchMs={0} />, { columns: 80, isTTY: true });
  await tick();
  for (const e of [
    sweepStart(),
    ...scaleRun("pods-10", pass(1.02, 171), pass(1.55, 215)),
    comparison("pods-10", "in-memory", "in-memory"),
    crossover("time: from ~457k rows (390k–596k) · memory: from ~122k (85.9k–161k)"),
  ])
    bus.emit(e);
  await tick();
  const lines = plain(stdout.lastFrame()).split("\n");
  t.true(lines.every((l) => [...l].length <= 80), lines.filter((l) => [...l].length > 80).join("\n"));
  t.regex(lines[0], /sweep · 3 sizes/);
  t.regex(lines.find((l) => l.includes("phase")) ?? "", /^\s+rows\s+phase/);
  t.regex(lines.find((l) => l.startsWith("> 7.44k")) ?? "", /1\.02s 171M PASS/);
  t.true(lines.some((l) => /^\s+2\.35M\s+pending/.test(l)));
  t.true(lines.some((l) => /^\s+14\.9M\s+pending/.test(l)));
  t.true(lines.some((l) => l.includes("crossover time: from ~457k rows (390k–596k) · memory: from ~122k (85.9k–161k)")));
  instance.unmount();
});

test("a sweep under a list of limits labels each size with its limit, so the same size under two limits reads as two rows", async (t) => {
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spyCommands().commands} batchMs={0} />, { columns: 100, isTTY: true });
  await tick();
  bus.emit({
    type: "run-start",
    at: at(),
    scales: ["pods-10@400MiB", "pods-10@750MiB"],
    modes: MODES,
    repetitions: 1,
    outDir: OUT,
    sweepRows: { "pods-10@400MiB": 7_440, "pods-10@750MiB": 7_440 },
  });
  await tick();
  const frame = plain(stdout.lastFrame());
  t.regex(frame, /7\.44k@400MiB/);
  t.regex(frame, /7\.44k@750MiB/);
  instance.unmount();
});
