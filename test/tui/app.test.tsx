import test from "ava";
import { cleanup } from "./cleanup.ts";
import { at, comparison, log, memory, progress, runEnd, runStart, scaleRun } from "./events.ts";
import { FakeStdin, FakeStdout, loadUi, plain, renderAt, spyCommands, tick, type Ui } from "./ui.ts";

const DOWN = "\u001B[B";
const UP = "\u001B[A";
const pass = (seconds: number, peakMb: number) => ({ seconds, peakMb, verdict: "PASS" as const });

let ui: Ui;
test.before(async () => {
  ui = await loadUi();
});
test.afterEach.always(() => cleanup());

function mount(spy = spyCommands()) {
  const bus = ui.createEventBus();
  const r = ui.render(<ui.App events={bus} commands={spy.commands} batchMs={0} />);
  cleanup.track(r);
  return { bus, spy, ...r, frame: () => plain(r.lastFrame()) };
}

const lineWith = (frame: string, text: string) => frame.split("\n").find((l) => l.includes(text)) ?? "";

test.serial("phase progress shows a bar, a percentage and the amounts with thousands separators", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), ...progress("small", 1_250_000, 5_000_000)]) m.bus.emit(e);
  await tick();
  const f = m.frame();
  t.regex(f, /█+░+\s+25%\s+1,250,000 \/ 5,000,000 rows/);
  t.regex(lineWith(f, "small"), /generate/);
});

test.serial("bytes progress is shown in MB/GB", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), ...progress("small", 512 * 1024 ** 2, 2 * 1024 ** 3, "bytes")]) m.bus.emit(e);
  await tick();
  t.regex(m.frame(), /25%\s+512 MB \/ 2\.0 GB/);
});

test.serial("a PASS shows PASS in the scale's row, with duration, peak and the winner", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), ...scaleRun("small", pass(3.2, 1200), pass(4.9, 190)), comparison("small", "in-memory", "streaming")]) m.bus.emit(e);
  await tick();
  const row = lineWith(m.frame(), "> small");
  t.regex(row, /done/);
  t.regex(row, /3\.20s 1\.2G PASS/);
  t.regex(row, /4\.90s 190M PASS/);
  t.regex(row, /in-mem\s+stream\s*$/, "in-memory is faster, streaming uses less memory");
});

test.serial("an inconclusive verdict shows as unsure, with the engine's interval and the runs that would settle it under the table", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["large"]), ...scaleRun("large", pass(3.2, 1200), pass(3.3, 190)), comparison("large", null, "streaming")]) m.bus.emit(e);
  await tick();
  t.regex(lineWith(m.frame(), "> large"), /unsure\s+stream\s*$/);
  t.regex(m.frame(), /large: time inconclusive 1\.00× \[0\.80–1\.30\] ~12 runs · memory streaming lower 0\.50× \[0\.49–0\.51\]/);
});

test.serial("a FAIL shows FAIL in the row, the detail, and the verdict banner at the end", async (t) => {
  const m = mount();
  await tick();
  for (const e of [
    runStart(["small"]),
    ...scaleRun("small", pass(3, 900), { seconds: 5, peakMb: 200, verdict: "FAIL", detail: "3 rows differ" }),
    runEnd("FAIL", "small: streaming FAILED validation"),
  ])
    m.bus.emit(e);
  await tick();
  const f = m.frame();
  t.regex(lineWith(f, "> small"), /failed.*FAIL/);
  t.regex(lineWith(f, "> small"), /n\/a \(FAIL\)/);
  t.regex(f, /small: streaming 3 rows differ/);
  t.regex(f, /FAIL\s+a validation failed/);
  t.regex(f, /results results\/2026-11-24T03-00-00Z/);
  t.regex(f, /small: streaming FAILED validation/);
});

test.serial("memory gauges show the child's RSS, its peak, system memory and CPU", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), memory(77, 300), memory(77, 900), memory(77, 500)]) m.bus.emit(e);
  await tick();
  const f = m.frame();
  t.regex(lineWith(f, "child"), /500 MB \/ 16\.0 GB\s+peak 900 MB\s+pid 77/);
  t.regex(lineWith(f, "system"), /8\.0 GB \/ 16\.0 GB\s+cpu .*50%/);
});

test.serial("a finished scale gets one sparkline per mode on a shared scale", async (t) => {
  const m = mount();
  await tick();
  for (const e of [
    runStart(["small"]),
    ...scaleRun(
      "small",
      { ...pass(3, 800), series: [100, 400, 800, 800] },
      { ...pass(5, 100), series: [100, 100, 100, 100, 100, 100, 100, 100] },
    ),
  ])
    m.bus.emit(e);
  await tick();
  const f = m.frame();
  const spark = (mode: string) => f.split("\n").find((l) => new RegExp(`^${mode} [▁▂▃▄▅▆▇█]`).test(l)) ?? "";
  const inMem = spark("in-memory");
  const streaming = spark("streaming");
  t.regex(inMem, /█/, "the in-memory peak is the top of the shared scale");
  t.notRegex(streaming, /[▃▄▅▆▇█]/, "streaming at an eighth of the top stays low");
  const ticks = (s: string) => (s.match(/[▁▂▃▄▅▆▇█]/g) ?? []).length;
  t.true(ticks(streaming) > ticks(inMem), "the run with more samples is the longer line");
});

test.serial("the log pane shows the tail of the log and l toggles it", async (t) => {
  const m = mount();
  await tick();
  m.bus.emit(runStart(["small"]));
  for (let i = 1; i <= 12; i++) m.bus.emit(log(`line ${i}`));
  await tick();
  t.regex(m.frame(), /line 12/);
  t.regex(m.frame(), /line 5\b/);
  t.notRegex(m.frame(), /line 4\b/, "only the last 8 lines");
  m.stdin.write("l");
  await tick();
  t.notRegex(m.frame(), /line 12/);
  t.regex(m.frame(), /l show log/);
  m.stdin.write("l");
  await tick();
  t.regex(m.frame(), /line 12/);
});

test.serial("Down then r reruns the selected scale once the run has ended", async (t) => {
  const m = mount();
  await tick();
  for (const e of [
    runStart(["small", "medium"]),
    ...scaleRun("small", pass(1, 10), pass(1, 10)),
    ...scaleRun("medium", pass(1, 10), pass(1, 10)),
    runEnd("PASS", "ok"),
  ])
    m.bus.emit(e);
  await tick();
  m.stdin.write(DOWN);
  await tick();
  t.regex(lineWith(m.frame(), "medium"), /^> medium/);
  m.stdin.write("r");
  await tick();
  t.deepEqual(m.spy.calls, ["rerunScale medium"]);
  m.stdin.write(UP);
  await tick();
  m.stdin.write("r");
  await tick();
  t.deepEqual(m.spy.calls, ["rerunScale medium", "rerunScale small"]);
});

test.serial("two arrow keys in one read move the selection twice and stop at the last row", async (t) => {
  const m = mount();
  await tick();
  m.bus.emit(runStart(["small", "medium", "large"]));
  await tick();
  m.stdin.write(DOWN + DOWN);
  await tick();
  t.regex(lineWith(m.frame(), "large"), /^> large/);
  m.stdin.write(DOWN);
  await tick();
  t.regex(lineWith(m.frame(), "large"), /^> large/);
  m.stdin.write(UP + UP + UP);
  await tick();
  t.regex(lineWith(m.frame(), "small"), /^> small/);
});

test.serial("r also reruns after a failed run", async (t) => {
  const m = mount();
  await tick();
  for (const e of [
    runStart(["small"]),
    ...scaleRun("small", pass(1, 10), { seconds: 1, peakMb: 10, verdict: "FAIL" }),
    runEnd("FAIL", "x"),
  ])
    m.bus.emit(e);
  await tick();
  m.stdin.write("r");
  await tick();
  t.deepEqual(m.spy.calls, ["rerunScale small"]);
});

test.serial("while a run is in progress r and a send nothing and are shown as busy", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), ...progress("small", 1, 10)]) m.bus.emit(e);
  await tick();
  t.regex(m.frame(), /r rerun small \(busy\)\s+a run all \(busy\)/);
  m.stdin.write("r");
  m.stdin.write("a");
  await tick();
  t.deepEqual(m.spy.calls, []);
  t.regex(m.frame(), /a: wait for the run to end/);
});

test.serial("a calls runAll after the run", async (t) => {
  const m = mount();
  await tick();
  for (const e of [runStart(["small"]), runEnd("INTERRUPTED", "")]) m.bus.emit(e);
  await tick();
  t.regex(m.frame(), /INTERRUPTED/);
  m.stdin.write("a");
  await tick();
  t.deepEqual(m.spy.calls, ["runAll"]);
});

test.serial("an engine that refuses a command gets its reason shown, not a crash", async (t) => {
  const spy = spyCommands();
  spy.commands.rerunScale = () => {
    throw new Error("a run is in progress");
  };
  const m = mount(spy);
  await tick();
  for (const e of [runStart(["small"]), runEnd("PASS", "")]) m.bus.emit(e);
  await tick();
  m.stdin.write("r");
  await tick();
  t.regex(m.frame(), /rerun small: a run is in progress/);
});

test.serial("q calls quit, says so, and the app exits", async (t) => {
  const spy = spyCommands();
  spy.commands.quit = async () => {
    spy.calls.push("quit");
    await tick(50);
  };
  const bus = ui.createEventBus();
  const { instance, stdin, stdout } = renderAt(ui, <ui.App events={bus} commands={spy.commands} batchMs={0} />, {
    columns: 80,
    isTTY: true,
  });
  await tick();
  stdin.write("q");
  await instance.waitUntilExit();
  t.deepEqual(spy.calls, ["quit"]);
  t.true(stdout.frames.some((f) => plain(f).includes("quitting")));
});

test.serial("Ctrl-C quits like q", async (t) => {
  const spy = spyCommands();
  const bus = ui.createEventBus();
  const { instance, stdin } = renderAt(ui, <ui.App events={bus} commands={spy.commands} batchMs={0} />, {
    columns: 80,
    isTTY: true,
  });
  await tick();
  stdin.write("\u0003");
  await instance.waitUntilExit();
  t.deepEqual(spy.calls, ["quit"]);
});

test.serial("at 80 columns every line fits and the rows do not wrap", async (t) => {
  const spy = spyCommands();
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spy.commands} batchMs={0} />, {
    columns: 80,
    isTTY: true,
  });
  await tick();
  for (const e of [
    runStart(["small", "a-very-long-scale-name"]),
    log("x".repeat(200), "warn"),
    ...scaleRun("small", pass(123.4, 12_345), pass(4.9, 190)),
    comparison("small", "streaming", "streaming"),
    memory(123456, 12_345),
    ...progress("a-very-long-scale-name", 123_456_789, 987_654_321),
  ])
    bus.emit(e);
  await tick();
  const lines = plain(stdout.lastFrame()).split("\n");
  t.true(lines.every((l) => [...l].length <= 80), lines.filter((l) => [...l].length > 80).join("\n"));
  t.regex(lines.find((l) => l.startsWith("> small")) ?? "", /2m03s 12G PASS\s+4\.90s 190M PASS stream stream$/, "the whole row on one line");
  // the other columns take 70 of the 80: the name gets the 10 left
  t.regex(lines.find((l) => l.includes("a-very")) ?? "", /^  a-very-l… generate/);
  instance.unmount();
});

test.serial("on a wide terminal the scale column is as wide as its longest name: rows under a list of limits read whole", async (t) => {
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spyCommands().commands} batchMs={0} />, { columns: 140, isTTY: true });
  await tick();
  for (const e of [runStart(["production-large@400MiB", "production-large@750MiB"]), ...scaleRun("production-large@750MiB", pass(6.6, 374), pass(1.1, 757))]) bus.emit(e);
  await tick();
  const lines = plain(stdout.lastFrame()).split("\n");
  t.truthy(lines.find((l) => /^(> | {2})production-large@400MiB +pending/.test(l)), lines.join("\n"));
  t.truthy(lines.find((l) => /^(> | {2})production-large@750MiB +done/.test(l)), lines.join("\n"));
  instance.unmount();
});

test.serial("at 80x24 the frame stays below the terminal's height, so ink never redraws the whole screen", async (t) => {
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spyCommands().commands} batchMs={0} />, {
    columns: 80,
    rows: 24,
    isTTY: true,
  });
  await tick();
  for (const e of [
    runStart(["small", "medium", "large"]),
    ...Array.from({ length: 12 }, (_, i) => log(`line ${i}`)),
    ...scaleRun("small", pass(3, 900), pass(5, 200)),
    ...scaleRun("medium", pass(3, 900), { seconds: 5, peakMb: 200, verdict: "FAIL", detail: "rows differ" }),
    memory(1, 100),
    runEnd("FAIL", "medium: streaming FAILED validation, and a headline long enough to wrap onto a second line"),
  ])
    bus.emit(e);
  await tick();
  const lines = plain(stdout.lastFrame()).split("\n");
  t.true(lines.length < 24, `${lines.length} lines`);
  t.regex(lines[0], /^streambench/, "the header is still on screen");
  t.true(lines.some((l) => l.includes("line 11")), "some of the log still shows");
  instance.unmount();
});

test.serial("without a terminal on stdin keys are off, the help says so, and the app leaves at run-end", async (t) => {
  const spy = spyCommands();
  const bus = ui.createEventBus();
  const { instance, stdout } = renderAt(ui, <ui.App events={bus} commands={spy.commands} batchMs={0} />, {
    columns: 80,
    isTTY: false,
  });
  await tick();
  bus.emit(runStart(["small"]));
  await tick();
  t.regex(plain(stdout.lastFrame()), /keys unavailable: stdin is not a terminal/);
  bus.emit(runEnd("PASS", "all good"));
  await instance.waitUntilExit();
  t.regex(plain(stdout.frames.findLast((f) => plain(f).trim() !== "")), /all good/);
  t.deepEqual(spy.calls, []);
});

test.serial("renderMonitor resolves after q, once commands.quit() has finished", async (t) => {
  const order: string[] = [];
  const bus = ui.createEventBus();
  const stdin = new FakeStdin(true);
  const done = ui.renderMonitor({
    events: bus,
    commands: {
      rerunScale: () => {},
      runAll: () => {},
      quit: async () => {
        await tick(20);
        order.push("quit finished");
      },
    },
    stdout: new FakeStdout(80) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  bus.emit(runStart(["small"]));
  await tick(100);
  stdin.write("q");
  await done;
  order.push("resolved");
  t.deepEqual(order, ["quit finished", "resolved"]);
});

test.serial("renderMonitor lays out at 80 columns on a TTY that reports 0 columns (pseudo-TTY)", async (t) => {
  // ink's own fallback (terminal-size) reads COLUMNS/LINES when stdout/stderr have no size; "0"
  // reproduces what a pseudo-TTY reports.
  const saved = { COLUMNS: process.env["COLUMNS"], LINES: process.env["LINES"] };
  process.env["COLUMNS"] = "0";
  process.env["LINES"] = "0";
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const bus = ui.createEventBus();
  const stdout = new FakeStdout(0);
  const done = ui.renderMonitor({
    events: bus,
    commands: spyCommands().commands,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin(false) as unknown as NodeJS.ReadStream,
    color: false,
  });
  bus.emit(runStart(["small"]));
  bus.emit(runEnd("PASS", "all good"));
  await done;
  const banner = plain(stdout.frames.join(""))
    .split("\n")
    .findLast((l) => l.includes("all results validated"));
  t.regex(banner ?? "", /^│ PASS  all results validated +│$/);
  t.is([...(banner ?? "")].length, 80);
});

test.serial("events emitted before the monitor subscribes are not lost", async (t) => {
  const spy = spyCommands();
  const bus = ui.createEventBus();
  for (const e of [runStart(["early"]), ...progress("early", 5, 10)]) bus.emit(e);
  const r = ui.render(<ui.App events={bus} commands={spy.commands} />);
  cleanup.track(r);
  await tick(120);
  t.regex(plain(r.lastFrame()), /> early\s+generate/);
});

test.serial("before the services are up the header counts the planned scales and lists them pending", async (t) => {
  const bus = ui.createEventBus();
  const spy = spyCommands();
  const r = ui.render(<ui.App events={bus} commands={spy.commands} batchMs={0} plan={{ scales: ["small"], modes: ["in-memory", "streaming"], repetitions: 4, warmup: 0 }} />);
  cleanup.track(r);
  await tick();
  const f = plain(r.lastFrame());
  t.regex(f, /streambench {2}1 scale · in-memory vs streaming · 4 runs each/);
  t.false(f.includes("0 scales"));
  t.false(f.includes("no scales yet"));
  t.regex(lineWith(f, "small"), /pending/);
  t.regex(f, /r rerun small \(busy\)/, "r waits for the run to start");
});

test.serial("the memory sparklines' full bar is never below a peak shown beside them", async (t) => {
  const m = mount();
  await tick();
  // the sampled curves top out at 177 MB while the runs' VmHWM (the peaks shown) is 186 MB
  const events = [runStart(["small"]), ...scaleRun("small", { ...pass(0.3, 186), series: [60, 120, 177] }, { ...pass(0.4, 150), series: [60, 150] })];
  for (const e of events) m.bus.emit(e);
  await tick();
  const f = m.frame();
  t.regex(f, /full bar 186 MB/);
  t.regex(lineWith(f, "peak 186 MB"), /in-memory/);
});

test.serial("the phase and run ETAs count down from their event", async (t) => {
  const m = mount();
  await tick();
  const start = at() + 1_000; // the scripted clock (ahead of the real one): the view's now is the latest event
  m.bus.emit(runStart(["small"]));
  m.bus.emit({ type: "phase-start", at: start, scale: "small", mode: "in-memory", rep: 1, phase: "aggregate" });
  // as of 20 s ago: phase 50 s and run 100 s left, so about 30 s and 80 s now
  m.bus.emit({ type: "eta", at: start - 20_000, phaseRemainingMs: 50_000, runRemainingMs: 100_000 });
  await tick();
  const line = lineWith(m.frame(), "ETA");
  t.regex(line, /phase (30|29)s · run 1m (20|19)s/, line);
});
