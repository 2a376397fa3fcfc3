// View state of the monitor: a pure fold of RunEvents. No React, no benchmark logic — it only
// remembers what the engine said, in the shape the components draw.
import type { Mode } from "../src/contract/job.ts";
import type { BaselineChange } from "../src/records/baseline-comparison.ts";
import { childRunsPerScale, type ComparisonVerdict, type Phase, type RunEvent, type RunStatus, type Verdict } from "../src/run/events.ts";
import { countDown } from "../src/run/eta.ts";
import { median } from "../src/stats/statistics.ts";

export type Unit = "rows" | "bytes" | "files";
/** stopped: cut off by an interrupted run; skipped: never started before the run ended. */
export type RowStatus = "pending" | "running" | "done" | "failed" | "stopped" | "skipped";

export interface ModeCell {
  /** One entry per measured repetition that produced a result (warm-ups are not figures). */
  durations: number[];
  peaksMb: number[];
  /** Memory of the latest repetition (MB, oldest first). */
  memorySeries: number[];
  verdicts: Verdict[];
  /** The mode is the one working right now. */
  active: boolean;
  error?: string;
  /** Its limits ended the child: a measured outcome (peaksMb then holds the peak it reached). */
  outcome?: "OOM" | "TIMEOUT";
}

export interface ScaleRow {
  name: string;
  status: RowStatus;
  /** Latest phase seen for this scale (null before it started). */
  phase: Phase | null;
  phaseMode?: Mode;
  /** Steps (phases) finished for this scale in the current pass, and how many to expect. */
  stepsDone: number;
  stepsExpected: number;
  /** Fraction of the phase in progress, when it reports progress. */
  phaseFraction: number;
  modes: Partial<Record<Mode, ModeCell>>;
  /** A sweep's size: its input rows (from run-start). */
  rows?: number;
  /** The engine's verdicts on the two modes, once it made them. */
  comparison?: { time: ComparisonVerdict; memory: ComparisonVerdict };
  /** --baseline: each mode's change against it, once the engine compared the scale. */
  baseline?: { changes: BaselineChange[]; refused: string | null };
  error?: string;
}

export interface CurrentPhase {
  scale: string;
  mode?: Mode;
  rep?: number;
  phase: Phase;
  startedAt: number;
  progress: { done: number; total: number; unit: Unit } | null;
  /** Set by phase-end; the bar stays until the next phase starts. */
  ended?: { ok: boolean; durationMs: number };
}

export interface MemoryGauge {
  pid: number;
  rssBytes: number;
  /** Peak RSS of this pid, from the samples seen. */
  peakRssBytes: number;
  systemUsedBytes: number;
  systemTotalBytes: number;
  cpuPercent: number;
  /** False once the phase the child worked for has ended (the gauge then shows its last sample). */
  live: boolean;
  /** An aggregate's child not yet sampled (pid 0): shown as starting, not as exited. */
  starting?: boolean;
  /** What the child was working on when the gauge last moved, if known. */
  scale?: string;
  mode?: Mode;
  /** The children's cap and its label (from the "limits" event): the child gauge's full scale. */
  limit?: LimitView | null;
}

/** The cap the children run under (the "limits" event): the gauge's full scale instead of the machine's memory. */
export interface LimitView {
  capBytes: number | null;
  source: "limit" | "guard";
  /** e.g. "750 MiB, 0.2 CPU (koku-worker)" or "guard 90% of available". */
  label: string;
}

export interface LogLine {
  at: number;
  level: "info" | "warn" | "error";
  text: string;
}

/** A service the run needs (S3, PostgreSQL) as its "service" events last described it. */
export interface ServiceStatus {
  service: "s3" | "postgres";
  state: "starting" | "connecting" | "ready" | "failed";
  detail: string;
  /** When it started (event time), and how long it took once ready or failed. */
  since: number;
  durationMs?: number;
}

export interface ViewState {
  /** S3 first, then PostgreSQL, in the order their first event came. */
  services: ServiceStatus[];
  scales: ScaleRow[];
  modes: Mode[];
  /** Measured runs per (scale, mode) asked for. */
  repetitions: number;
  /** Warm-up runs per (scale, mode) before the measured ones. */
  warmup: number;
  outDir: string | null;
  /** Between run-start (or any phase-start) and run-end. */
  running: boolean;
  current: CurrentPhase | null;
  /** The last ETA event: figures as of `at` (event time); the view counts down from there. */
  eta: { phaseRemainingMs: number | null; runRemainingMs: number | null; at: number } | null;
  memory: MemoryGauge | null;
  log: LogLine[];
  /** Latest event time: the clock the view uses for elapsed times. */
  now: number;
  finished: { status: RunStatus; outDir: string; headline: string } | null;
  /** A sweep: true from its run-start; its table lists sizes. */
  sweep: boolean;
  /** A sweep's latest crossover estimate, as the engine worded it. */
  crossover: { text: string; sizes: number } | null;
  /** The limits the children run under now, if the engine said. */
  limit: LimitView | null;
}

/** How many log lines the state keeps (the pane shows fewer). */
export const LOG_KEEP = 200;

export const initialState: ViewState = {
  services: [],
  scales: [],
  modes: [],
  repetitions: 1,
  warmup: 0,
  outDir: null,
  running: false,
  current: null,
  eta: null,
  memory: null,
  log: [],
  now: 0,
  finished: null,
  sweep: false,
  crossover: null,
  limit: null,
};

/** What the command asked for, known before the services are up: the monitor lists it from the start. */
export interface RunPlan {
  scales: string[];
  modes: Mode[];
  repetitions: number;
  warmup: number;
  /** A sweep's pod usage rows per size. */
  sweepRows?: Record<string, number>;
}

/** The view before the first event: the planned scales pending (the header counts them). */
export function plannedState(plan: RunPlan | undefined): ViewState {
  if (!plan) return initialState;
  const scales = plan.scales.map((s) => ({ ...freshRow(s, plan.modes, plan.repetitions, "pending", plan.warmup), ...(plan.sweepRows?.[s] !== undefined ? { rows: plan.sweepRows[s] } : {}) }));
  return { ...initialState, scales, modes: plan.modes, repetitions: plan.repetitions, warmup: plan.warmup, sweep: plan.sweepRows !== undefined };
}

function emptyCell(): ModeCell {
  return { durations: [], peaksMb: [], memorySeries: [], verdicts: [], active: false };
}

function freshRow(name: string, modes: Mode[], repetitions: number, status: RowStatus = "pending", warmup = 0): ScaleRow {
  const cells: Partial<Record<Mode, ModeCell>> = {};
  for (const m of modes) cells[m] = emptyCell();
  return {
    name,
    status,
    phase: null,
    stepsDone: 0,
    stepsExpected: 2 + 3 * childRunsPerScale(Math.max(1, modes.length), Math.max(1, repetitions), warmup),
    phaseFraction: 0,
    modes: cells,
  };
}

function updateRow(state: ViewState, scale: string, fn: (row: ScaleRow) => ScaleRow): ScaleRow[] {
  const known = state.scales.some((r) => r.name === scale);
  const rows = known ? state.scales : [...state.scales, freshRow(scale, state.modes, state.repetitions, "pending", state.warmup)];
  return rows.map((r) => (r.name === scale ? fn(r) : r));
}

function updateCell(row: ScaleRow, mode: Mode, fn: (cell: ModeCell) => ModeCell): ScaleRow {
  return { ...row, modes: { ...row.modes, [mode]: fn(row.modes[mode] ?? emptyCell()) } };
}

function appendLog(log: LogLine[], line: LogLine): LogLine[] {
  const lines = line.text.split(/\r?\n/).filter((t, i, all) => t.length > 0 || all.length === 1);
  const next = [...log, ...lines.map((text) => ({ ...line, text }))];
  return next.length > LOG_KEEP ? next.slice(next.length - LOG_KEEP) : next;
}

function deactivate(row: ScaleRow): ScaleRow {
  const modes: Partial<Record<Mode, ModeCell>> = {};
  for (const [m, cell] of Object.entries(row.modes) as [Mode, ModeCell][]) modes[m] = { ...cell, active: false };
  return { ...row, modes };
}

/** A row is complete when every mode has a verdict for every repetition. */
function rowComplete(row: ScaleRow, repetitions: number): boolean {
  const cells = Object.values(row.modes) as ModeCell[];
  return cells.length > 0 && cells.every((c) => c.outcome !== undefined || c.verdicts.length >= Math.max(1, repetitions));
}

/** One event of the run, by its type. */
type EventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;
/** How one type of event changes the view; `now` is the view's clock after it. */
type Handler<T extends RunEvent["type"]> = (state: ViewState, event: EventOf<T>, now: number) => ViewState;

/** The view after one more event: the handler of its type (HANDLERS, one per event type). */
export function reduce(state: ViewState, event: RunEvent): ViewState {
  const now = Math.max(state.now, event.at);
  const handle = HANDLERS[event.type] as (state: ViewState, event: RunEvent, now: number) => ViewState;
  return handle(state, event, now);
}

function onService(state: ViewState, event: EventOf<"service">, now: number): ViewState {
  const previous = state.services.find((s) => s.service === event.service);
  const status: ServiceStatus = {
    service: event.service,
    state: event.state,
    detail: event.detail,
    since: event.state === "starting" || event.state === "connecting" || !previous ? event.at : previous.since,
    durationMs: event.durationMs,
  };
  const services = previous ? state.services.map((s) => (s.service === event.service ? status : s)) : [...state.services, status];
  return { ...state, now, services };
}

function onRunStart(state: ViewState, event: EventOf<"run-start">, now: number): ViewState {
  // A new pass: its scales start over; scales from an earlier pass keep their last results.
  const fresh = event.scales.map((s) => ({ ...freshRow(s, event.modes, event.repetitions, "pending", event.warmup ?? 0), ...(event.sweepRows?.[s] !== undefined ? { rows: event.sweepRows[s] } : {}) }));
  const ordered = state.scales.map((r) => fresh.find((f) => f.name === r.name) ?? r);
  for (const f of fresh) if (!ordered.some((r) => r.name === f.name)) ordered.push(f);
  return {
    ...state,
    now,
    scales: ordered,
    modes: event.modes,
    repetitions: event.repetitions,
    warmup: event.warmup ?? 0,
    outDir: event.outDir,
    running: true,
    current: null,
    eta: null,
    finished: null,
    sweep: event.sweepRows !== undefined,
  };
}

function onPhaseStart(state: ViewState, event: EventOf<"phase-start">, now: number): ViewState {
  const scales = updateRow(state, event.scale, (row) => {
    // Generating a scale again means a rerun of it: its old results no longer apply.
    let next =
      (event.phase === "generate" || event.phase === "input") && row.status !== "pending" && row.phase !== null
        ? { ...freshRow(row.name, state.modes.length > 0 ? state.modes : (Object.keys(row.modes) as Mode[]), state.repetitions, "pending", state.warmup), rows: row.rows }
        : row;
    next = deactivate(next);
    if (event.mode) next = updateCell(next, event.mode, (c) => ({ ...c, active: true, error: undefined }));
    return {
      ...next,
      status: next.status === "failed" ? "failed" : "running",
      phase: event.phase,
      phaseMode: event.mode,
      phaseFraction: 0,
    };
  });
  // an aggregate's child is starting: the gauge leaves the last child's figures until its first sample
  const memory =
    event.phase === "aggregate" && state.memory
      ? { ...state.memory, pid: 0, rssBytes: 0, peakRssBytes: 0, live: false, starting: true, scale: event.scale, mode: event.mode }
      : state.memory;
  return {
    ...state,
    now,
    scales,
    memory,
    running: true,
    finished: null,
    // the engine sends each phase's ETA just before its phase-start (scale-run.ts): keep it
    current: {
      scale: event.scale,
      mode: event.mode,
      rep: event.rep,
      phase: event.phase,
      startedAt: event.at,
      progress: null,
    },
  };
}

function onProgress(state: ViewState, event: EventOf<"progress">, now: number): ViewState {
  const fraction = event.total > 0 ? Math.min(1, Math.max(0, event.done / event.total)) : 0;
  const scales = updateRow(state, event.scale, (row) => (row.phase === event.phase ? { ...row, phaseFraction: fraction } : row));
  const sameAsCurrent =
    state.current !== null &&
    state.current.scale === event.scale &&
    state.current.phase === event.phase &&
    state.current.mode === event.mode;
  const current: CurrentPhase = sameAsCurrent
    ? { ...state.current!, progress: { done: event.done, total: event.total, unit: event.unit } }
    : {
        scale: event.scale,
        mode: event.mode,
        rep: event.rep,
        phase: event.phase,
        startedAt: event.at,
        progress: { done: event.done, total: event.total, unit: event.unit },
      };
  return { ...state, now, scales, current };
}

function onPhaseEnd(state: ViewState, event: EventOf<"phase-end">, now: number): ViewState {
  const scales = updateRow(state, event.scale, (row) => {
    let next: ScaleRow = {
      ...row,
      stepsDone: row.stepsDone + 1,
      phaseFraction: 0,
    };
    // a child its limits ended is an outcome (limit-kill), not a failure of the scale
    if (!event.ok && !event.endedBy) {
      next = { ...next, status: "failed", error: next.error ?? `${event.mode ? `${event.mode} ` : ""}${event.phase} failed` };
      if (event.mode) next = updateCell(next, event.mode, (c) => ({ ...c, error: c.error ?? `${event.phase} failed` }));
    } else if (next.status === "running" && rowComplete(next, state.repetitions)) {
      // every run validated and this phase (in-memory against streaming) ended: the scale is done
      next = { ...next, status: "done" };
    }
    return next;
  });
  const current =
    state.current && state.current.scale === event.scale && state.current.phase === event.phase
      ? { ...state.current, ended: { ok: event.ok, durationMs: event.durationMs } }
      : state.current;
  const memory =
    state.memory && state.memory.live && state.memory.scale === event.scale && state.memory.mode === event.mode
      ? { ...state.memory, live: false }
      : state.memory;
  return { ...state, now, scales, current, memory };
}

function onMemory(state: ViewState, event: EventOf<"memory">, now: number): ViewState {
  if (event.pid === 0) {
    // No child measured: the system gauges move on. During an aggregate its child is starting
    // (no sample yet); otherwise the last child's figures stay, marked exited.
    const system = { systemUsedBytes: event.systemUsedBytes, systemTotalBytes: event.systemTotalBytes, cpuPercent: event.cpuPercent };
    const working = state.current && !state.current.ended && state.current.phase === "aggregate" ? state.current : null;
    const memory: MemoryGauge = working
      ? { pid: 0, rssBytes: 0, peakRssBytes: 0, ...system, live: false, starting: true, scale: working.scale, mode: working.mode }
      : state.memory && state.memory.pid !== 0
        ? { ...state.memory, ...system, live: false }
        : { pid: 0, rssBytes: 0, peakRssBytes: 0, ...system, live: false, scale: undefined, mode: undefined };
    return { ...state, now, memory };
  }
  const samePid = state.memory !== null && state.memory.pid === event.pid;
  const working = state.current && !state.current.ended ? state.current : null;
  const memory: MemoryGauge = {
    pid: event.pid,
    rssBytes: event.rssBytes,
    peakRssBytes: samePid ? Math.max(state.memory!.peakRssBytes, event.rssBytes) : event.rssBytes,
    systemUsedBytes: event.systemUsedBytes,
    systemTotalBytes: event.systemTotalBytes,
    cpuPercent: event.cpuPercent,
    live: true,
    scale: working?.scale ?? (samePid ? state.memory!.scale : undefined),
    mode: working?.mode ?? (samePid ? state.memory!.mode : undefined),
    limit: state.limit,
  };
  return { ...state, now, memory };
}

function onEta(state: ViewState, event: EventOf<"eta">, now: number): ViewState {
  return { ...state, now, eta: { phaseRemainingMs: event.phaseRemainingMs, runRemainingMs: event.runRemainingMs, at: event.at } };
}

function onLog(state: ViewState, event: EventOf<"log">, now: number): ViewState {
  return { ...state, now, log: appendLog(state.log, { at: event.at, level: event.level, text: event.text }) };
}

function onResult(state: ViewState, event: EventOf<"result">, now: number): ViewState {
  // the exited child's gauge gives its run's peak as the table does (VmHWM), not the sampled top
  const gauge = state.memory;
  const memory =
    gauge && gauge.pid !== 0 && gauge.scale === event.scale && gauge.mode === event.mode
      ? { ...gauge, peakRssBytes: Math.max(gauge.peakRssBytes, event.peakMemoryMb * 1024 * 1024) }
      : gauge;
  // A warm-up's figures are discarded: they show in the log, not in the table.
  if (event.warmup) return { ...state, now, memory };
  const scales = updateRow(state, event.scale, (row) =>
    updateCell(row, event.mode, (c) => ({
      ...c,
      durations: [...c.durations, event.durationSeconds],
      peaksMb: [...c.peaksMb, event.peakMemoryMb],
      memorySeries: event.memorySeries,
    })),
  );
  return { ...state, now, scales, memory };
}

function onValidation(state: ViewState, event: EventOf<"validation">, now: number): ViewState {
  // A warm-up that passed adds nothing to show; one that failed fails the scale like any run.
  if (event.warmup && event.verdict === "PASS") {
    return { ...state, now, scales: updateRow(state, event.scale, (row) => updateCell(row, event.mode, (c) => ({ ...c, active: false }))) };
  }
  const scales = updateRow(state, event.scale, (row) => {
    let next = updateCell(row, event.mode, (c) => ({
      ...c,
      verdicts: [...c.verdicts, event.verdict],
      active: false,
      // The validation's own detail says more than the generic "validate failed" of phase-end.
      error: event.verdict === "FAIL" ? event.detail || c.error || "validation FAIL" : c.error,
    }));
    if (event.verdict === "FAIL") {
      next = { ...next, status: "failed", error: `${event.mode} ${event.detail || "validation FAIL"}` };
    }
    else if (next.status !== "failed" && rowComplete(next, state.repetitions)) next = { ...next, status: "done" };
    return next;
  });
  return { ...state, now, scales };
}

function onLimitKill(state: ViewState, event: EventOf<"limit-kill">, now: number): ViewState {
  if (event.warmup) return { ...state, now };
  const scales = updateRow(state, event.scale, (row) => {
    const next = updateCell(row, event.mode, (c) => ({ ...c, outcome: event.outcome, peaksMb: [...c.peaksMb, event.peakMemoryMb], active: false }));
    return next.status !== "failed" && rowComplete(next, state.repetitions) ? { ...next, status: "done" } : next;
  });
  return { ...state, now, scales };
}

function onLimits(state: ViewState, event: EventOf<"limits">, now: number): ViewState {
  const limit: LimitView = { capBytes: event.capBytes, source: event.source, label: event.label };
  return { ...state, now, limit, memory: state.memory ? { ...state.memory, limit } : null };
}

function onComparison(state: ViewState, event: EventOf<"comparison">, now: number): ViewState {
  const scales = updateRow(state, event.scale, (row) => ({ ...row, comparison: { time: event.time, memory: event.memory } }));
  return { ...state, now, scales };
}

function onBaseline(state: ViewState, event: EventOf<"baseline">, now: number): ViewState {
  const scales = updateRow(state, event.scale, (row) => ({ ...row, baseline: { changes: event.changes, refused: event.refused } }));
  return { ...state, now, scales };
}

function onCrossover(state: ViewState, event: EventOf<"crossover">, now: number): ViewState {
  return { ...state, now, crossover: { text: event.text, sizes: event.sizes } };
}

function onError(state: ViewState, event: EventOf<"error">, now: number): ViewState {
  const log = appendLog(state.log, {
    at: event.at,
    level: "error",
    text: event.scale ? `${event.scale}${event.mode ? ` ${event.mode}` : ""}: ${event.message}` : event.message,
  });
  if (!event.scale) return { ...state, now, log };
  const scales = updateRow(state, event.scale, (row) => {
    let next: ScaleRow = { ...row, status: "failed", error: event.message };
    if (event.mode) next = updateCell(next, event.mode, (c) => ({ ...c, active: false, error: event.message }));
    return next;
  });
  return { ...state, now, log, scales };
}

function onRunEnd(state: ViewState, event: EventOf<"run-end">, now: number): ViewState {
  const cutOff: RowStatus = event.status === "INTERRUPTED" ? "stopped" : "failed";
  const scales = state.scales.map((row): ScaleRow => {
    const next = deactivate(row);
    if (next.status === "running") return { ...next, status: rowComplete(next, state.repetitions) ? "done" : cutOff };
    if (next.status === "pending") return { ...next, status: "skipped" };
    return next;
  });
  return {
    ...state,
    now,
    scales,
    running: false,
    eta: null,
    current: null,
    finished: { status: event.status, outDir: event.outDir, headline: event.headline },
  };
}

const HANDLERS: { [T in RunEvent["type"]]: Handler<T> } = {
  "service": onService,
  "run-start": onRunStart,
  "phase-start": onPhaseStart,
  "progress": onProgress,
  "phase-end": onPhaseEnd,
  "memory": onMemory,
  "eta": onEta,
  "log": onLog,
  "result": onResult,
  "validation": onValidation,
  "limit-kill": onLimitKill,
  "limits": onLimits,
  "comparison": onComparison,
  "baseline": onBaseline,
  "crossover": onCrossover,
  "error": onError,
  "run-end": onRunEnd,
};

/** Overall progress of a scale in its current pass, 0..1. */
/** One finished mode's memory sparkline: its last run's curve, its peak and duration as the results table gives them. */
export interface MemorySparkline {
  mode: Mode;
  series: number[];
  /** The median of its runs' VmHWM (the table's peak); the curve's top when no run reported one. */
  peakMb: number;
  /** The median duration, if any run finished. */
  seconds?: number;
}

/**
 * The sparklines of a scale's modes that have a curve, and their shared full bar: at or above
 * every curve point and every peak shown, so no "peak" reads above the top. Null: nothing to draw.
 */
export function memorySparklines(row: ScaleRow, modes: readonly Mode[]): { lines: MemorySparkline[]; topMb: number } | null {
  const lines = modes.flatMap((mode) => {
    const cell = row.modes[mode];
    if (!cell || cell.memorySeries.length === 0) return [];
    const peakMb = cell.peaksMb.length > 0 ? median(cell.peaksMb) : Math.max(...cell.memorySeries);
    return [{ mode, series: cell.memorySeries, peakMb, ...(cell.durations.length > 0 ? { seconds: median(cell.durations) } : {}) }];
  });
  if (lines.length === 0) return null;
  return { lines, topMb: Math.max(...lines.flatMap((l) => [...l.series, l.peakMb])) };
}

/** The ETAs as of `now`: each counts down from its event (null: estimating). */
export function etaNow(eta: ViewState["eta"], now: number): { phaseMs: number | null; runMs: number | null } {
  if (!eta) return { phaseMs: null, runMs: null };
  return { phaseMs: countDown(eta.phaseRemainingMs, eta.at, now), runMs: countDown(eta.runRemainingMs, eta.at, now) };
}

/** r and a wait: a run is under way, or the planned scales are listed and the run has not started yet. */
export function runBusy(state: ViewState): boolean {
  return state.running || (state.finished === null && state.outDir === null && state.scales.length > 0);
}

export function rowFraction(row: ScaleRow): number {
  if (row.status === "done") return 1;
  if (row.stepsExpected <= 0) return 0;
  return Math.min(1, (row.stepsDone + row.phaseFraction) / row.stepsExpected);
}

/** A mode, "tie" (comparable) or "inconclusive" (the interval straddles the band's edge). */
export type Pick = Mode | "tie" | "inconclusive";
export type Winner =
  | { kind: "decided"; faster: Pick; leaner: Pick }
  | { kind: "invalid"; reason: string };

/**
 * The faster and the lower-memory mode of a scale, as the engine classified them (the report's
 * rule). A mode whose output FAILed validation cannot win: the winner is then "invalid".
 */
export function winner(row: ScaleRow): Winner | undefined {
  const cells = Object.values(row.modes) as ModeCell[];
  if (cells.some((cell) => cell.verdicts.includes("FAIL"))) return { kind: "invalid", reason: "FAIL" };
  if (!row.comparison) return undefined;
  return { kind: "decided", faster: row.comparison.time.winner ?? "inconclusive", leaner: row.comparison.memory.winner ?? "inconclusive" };
}

/** The verdict of a mode over its repetitions: FAIL if any failed. */
export function cellVerdict(cell: ModeCell): Verdict | undefined {
  if (cell.verdicts.length === 0) return undefined;
  return cell.verdicts.includes("FAIL") ? "FAIL" : "PASS";
}
