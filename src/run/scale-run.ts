// One scale, phase by phase: prepare (generate + reference) -> upload -> for each repetition and
// mode: aggregate in a child -> write to PostgreSQL -> read back and validate -> record.
// Throws ValidationFailure on the first FAIL (fail fast); any other error propagates as it is.
// The phase script only: file names are results-folder.ts's, the records mode-record.ts's, fault
// injection fault-injection.ts's, and the ETA's units eta.ts's.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Mode } from "../contract/job.ts";
import { TABLE_KEYS } from "../contract/input-tables.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import type { Config } from "./config.ts";
import type { ModeRun, ScaleResult } from "../records/run-report.ts";
import type { ValidationResult } from "../validate/compare.ts";
import type { EventBus } from "./event-bus.ts";
import type { Phase } from "./events.ts";
import type { Parts, PreparedData } from "./run-parts.ts";
import { sourceUuidFor } from "./source-uuid.ts";
import { phaseRemainingMs, type UnitKind } from "./eta.ts";
import { faultInjectedInto, injectFault } from "./fault-injection.ts";
import { failedRun, limitRun, maxDiff, modeRunRecord } from "./mode-record.ts";
import { LimitKilled } from "../child/limit-enforcement.ts";
import type { RunFiles } from "./results-folder.ts";
import { nextRound, unsettled, type SamplingBudget } from "./sampling.ts";

export class ValidationFailure extends Error {
  override name = "ValidationFailure";
  constructor(
    message: string,
    readonly logFiles: string[],
  ) {
    super(message);
  }
}

export interface ScaleRunContext {
  config: Config;
  bus: EventBus;
  parts: Parts;
  files: RunFiles;
  /** Set when the user interrupts; checked between phases. */
  signal: AbortSignal;
  /** The kill switch of whatever child is running now (for Ctrl-C). */
  setKill(kill: (() => void) | null): void;
  /** The child now being measured, for the memory gauges. */
  setChild(pid: number | null, rssBytes: number): void;
  /** Called when a scale's result changes, so reports can be rewritten. */
  onResult(result: ScaleResult): void;
  /** A work unit (eta.ts) starts or ends: preparing the scale, or one mode run. */
  onUnit(kind: UnitKind, event: "start" | "end", ms?: number): void;
  /** The current phase's time left (null: not known), emitted as ETA before each phase line. */
  onPace(phaseRemainingMs: number | null): void;
  /**
   * How long each phase last took ("<scale> <phase> <mode>" -> ms), kept across scales and reruns:
   * a phase with no progress of its own (aggregate, write, validate) is expected to take as long.
   */
  phaseDurations?: Map<string, number>;
  /** --runs auto: the run's budget of extra rounds, shared by its scales. */
  budget?: SamplingBudget;
}

/** `scale` names the result (and its files); `generateAs` the scale whose data is made (a scale run under each of several limits is named <scale>@<limit>). */
export async function runScale(ctx: ScaleRunContext, scale: string, generateAs = scale): Promise<ScaleResult> {
  const { config, bus, parts, files } = ctx;
  const dataDir = files.dataDir(scale);
  mkdirSync(files.workDir, { recursive: true });
  rmSync(dataDir, { recursive: true, force: true });

  const { phase, progress } = phaseSteps(ctx, scale);

  const prepareStarted = performance.now();
  ctx.onUnit("prepare", "start");
  let started = performance.now();
  // reading the user's own data (--input) is its own phase: its errors are input errors
  const prepare: Phase = config.input === null ? "generate" : "input";
  const data: PreparedData = await phase(prepare, undefined, undefined, () => parts.prepare(generateAs, config.input, dataDir, progress(prepare)));
  const generateSeconds = (performance.now() - started) / 1000;
  const inputRows = data.rowsByType.pod;
  const totalRows = Object.values(data.rowsByType).reduce((a, b) => a + b, 0);
  bus.emit({ type: "log", level: "info", text: `${scale}: ${inputRows} pod usage rows (${totalRows} rows of 4 report types), ${data.expected.length} reference summary rows` });
  await parts.writeSummaryCsv(files.summaryCsv(scale, "reference"), data.expected);
  for (const s of data.skippedFiles ?? []) bus.emit({ type: "log", level: "warn", text: `${scale}: skipped ${s.source}: ${s.reason}` });

  const lastReadback = new Map<Mode, SummaryRow[]>();
  try {
    started = performance.now();
    const order = repetitionOrder(config.modes, config.repetitions, config.warmup);
    if (order.length > 0) parts.prestart(order[0].mode); // loads while the input uploads
    const uploaded = await phase("upload", undefined, undefined, () => parts.upload(data, progress("upload", undefined, "bytes")));
    const uploadSeconds = (performance.now() - started) / 1000;
    rmSync(dataDir, { recursive: true, force: true });
    ctx.onUnit("prepare", "end", performance.now() - prepareStarted);

    const result: ScaleResult = {
      scale,
      inputRows,
      generate: { seconds: generateSeconds, rows: totalRows, bytes: uploaded.bytes },
      upload: { seconds: uploadSeconds, bytes: uploaded.bytes, objects: uploaded.objects },
      runs: [],
      ...(data.inputFiles ? { inputFiles: data.inputFiles, skippedFiles: data.skippedFiles ?? [] } : {}),
    };
    ctx.onResult(result);
    /** Seconds of each measured round (every mode once) so far, by repetition. */
    const roundSeconds = new Map<number, number>();
    // a mode its limits ended at this scale is not run again here: its outcome is measured
    const endedByLimits = new Set<Mode>();
    const runOne = async ({ mode, rep, warmup }: ScheduledRun, next: Mode | undefined): Promise<void> => {
      if (endedByLimits.has(mode)) return;
      let run: ModeOutcome;
      const modeStarted = performance.now();
      ctx.onUnit("mode", "start");
      try {
        run = await runMode(ctx, scale, { mode, rep, warmup, next }, data, phase, progress);
      } catch (error) {
        if (error instanceof LimitKilled) {
          ctx.onUnit("mode", "end", performance.now() - modeStarted);
          endedByLimits.add(mode);
          result.runs.push(recordLimitKill(ctx, scale, { mode, rep, warmup }, error, inputRows));
          ctx.onResult(result);
          return;
        }
        if (!(error instanceof InterruptedError)) {
          result.runs.push(failedRun(scale, mode, rep, warmup, error));
          ctx.onResult(result);
        }
        throw error;
      }
      const ms = performance.now() - modeStarted;
      ctx.onUnit("mode", "end", ms);
      if (!warmup) roundSeconds.set(rep, (roundSeconds.get(rep) ?? 0) + ms / 1000);
      result.runs.push(run.record);
      if (run.readback) lastReadback.set(mode, run.readback);
      ctx.onResult(result);
      if (run.record.validation === "FAIL") {
        throw new ValidationFailure(`${scale} ${mode}: validation FAIL against the reference`, [files.modeLog(scale, mode), files.validationLog(scale, mode)]);
      }
    };
    for (const [i, scheduled] of order.entries()) await runOne(scheduled, order[i + 1]?.mode);
    result.sampling = await sampleUntilSure(ctx, result, runOne, Math.max(0, ...roundSeconds.values()));
    ctx.onResult(result);
    await compareModes(ctx, scale, result, lastReadback, phase);
    return result;
  } finally {
    parts.discardPrestarted();
    await parts.removeUpload(data).catch(() => undefined);
  }
}

type PhaseFn = <T>(name: Phase, mode: Mode | undefined, rep: number | undefined, body: () => Promise<T>, warmup?: boolean) => Promise<T>;
type ProgressFn = (name: Phase, mode?: Mode, unit?: "rows" | "bytes" | "files") => (done: number, total: number) => void;

/** How a scale's steps are announced: `phase` wraps one in phase-start/phase-end (with its ETA), `progress` reports within it, at most every 100 ms. */
function phaseSteps(ctx: ScaleRunContext, scale: string): { phase: PhaseFn; progress: ProgressFn } {
  const { bus } = ctx;
  let phaseStarted = performance.now();
  const lastTook = ctx.phaseDurations ?? new Map<string, number>();
  const phase = async <T>(name: Phase, mode: Mode | undefined, rep: number | undefined, body: () => Promise<T>, warmup = false): Promise<T> => {
    if (ctx.signal.aborted) throw new InterruptedError();
    const key = `${scale} ${name} ${mode ?? ""}`;
    ctx.onPace(lastTook.get(key) ?? null);
    const tag = warmup ? { warmup: true } : {};
    bus.emit({ type: "phase-start", scale, mode, rep, ...tag, phase: name });
    const started = (phaseStarted = performance.now());
    try {
      const value = await body();
      const took = performance.now() - started;
      lastTook.set(key, took);
      ctx.onPace(null);
      bus.emit({ type: "phase-end", scale, mode, rep, ...tag, phase: name, durationMs: took, ok: true });
      return value;
    } catch (error) {
      const endedBy = error instanceof LimitKilled ? { endedBy: error.kill.outcome } : {};
      bus.emit({ type: "phase-end", scale, mode, rep, ...tag, phase: name, durationMs: performance.now() - started, ok: false, ...endedBy });
      throw ctx.signal.aborted ? new InterruptedError() : error;
    }
  };
  const progress = (name: Phase, mode?: Mode, unit: "rows" | "bytes" | "files" = "rows") => {
    let last = 0;
    return (done: number, total: number) => {
      if (ctx.signal.aborted) throw new InterruptedError();
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      bus.emit({ type: "progress", scale, mode, phase: name, done, total, unit });
      ctx.onPace(phaseRemainingMs(done, total, now - phaseStarted));
    };
  };
  return { phase, progress };
}

/** Every engine's readback already equals the reference; each other mode against the first too (a FAIL ends the scale). */
async function compareModes(ctx: ScaleRunContext, scale: string, result: ScaleResult, lastReadback: Map<Mode, SummaryRow[]>, phase: PhaseFn): Promise<void> {
  const { config, bus, parts, files } = ctx;
  const [base, ...others] = config.modes.filter((m) => lastReadback.has(m));
  if (base === undefined || others.length === 0) return;
  const pairs: NonNullable<ScaleResult["modesIdentical"]>["pairs"] = [];
  const logs: string[] = [];
  await phase("validate", undefined, undefined, async () => {
    for (const mode of others) {
      const same = parts.compare(lastReadback.get(base)!, lastReadback.get(mode)!);
      logs.push(parts.validationLog(same, scale, `${base} vs ${mode}`, `${base} (PostgreSQL)`, `${mode} (PostgreSQL)`));
      const worst = maxDiff(same);
      pairs.push({ base, mode, verdict: same.verdict, maxAbs: worst.abs, maxRel: worst.rel });
      bus.emit({ type: "log", level: same.verdict === "PASS" ? "info" : "error", text: `${scale}: ${base} vs ${mode} ${same.verdict === "PASS" ? "identical" : "FAIL"} (max abs diff ${worst.abs}, max rel diff ${worst.rel})` });
    }
  });
  const path = files.modesValidationLog(scale);
  writeFileSync(path, logs.join("\n"));
  const verdict = pairs.every((p) => p.verdict === "PASS") ? "PASS" : "FAIL";
  result.modesIdentical = { verdict, maxAbs: Math.max(...pairs.map((p) => p.maxAbs)), maxRel: Math.max(...pairs.map((p) => p.maxRel)), pairs };
  ctx.onResult(result);
  if (verdict === "FAIL") {
    const which = pairs.filter((p) => p.verdict === "FAIL").map((p) => `${p.base} and ${p.mode}`).join(", ");
    throw new ValidationFailure(`${scale}: ${which} results differ (FAIL)`, [path]);
  }
}

/**
 * --runs auto: more rounds while a verdict is inconclusive and would likely settle within the
 * budget (sampling.ts decides); --runs N: none. Says on the log how many runs and why it stopped.
 */
async function sampleUntilSure(
  ctx: ScaleRunContext,
  result: ScaleResult,
  runOne: (run: ScheduledRun, next: Mode | undefined) => Promise<void>,
  firstRoundsSeconds: number,
): Promise<NonNullable<ScaleResult["sampling"]>> {
  const { config, bus } = ctx;
  let runs = config.repetitions;
  if (!config.autoRuns || !ctx.budget) return { runs, extraRuns: 0, stoppedBecause: `--runs ${runs}: a fixed count` };
  let roundSeconds = firstRoundsSeconds;
  let spent = 0;
  for (;;) {
    const decision = nextRound(unsettled(result, config), runs, roundSeconds, spent, ctx.budget.share);
    if (!decision.more) {
      bus.emit({ type: "log", level: "info", text: `${result.scale}: ${runs} runs per mode; stopped: ${decision.because}` });
      return { runs, extraRuns: runs - config.repetitions, stoppedBecause: decision.because };
    }
    bus.emit({ type: "log", level: "info", text: `${result.scale}: run ${runs + 1} per mode (--runs auto): still inconclusive, ${decision.because}` });
    const started = performance.now();
    const rep = runs + 1;
    const round = repetitionOrder(config.modes, rep, 0).filter((r) => r.rep === rep);
    for (const [i, scheduled] of round.entries()) await runOne(scheduled, round[i + 1]?.mode);
    const seconds = (performance.now() - started) / 1000;
    spent += seconds;
    ctx.budget.spend(seconds);
    roundSeconds = Math.max(roundSeconds, seconds);
    runs = rep;
  }
}

/** A child its limits ended: noted in its log and the live log, recorded as OOM / TIMEOUT (no validation). */
function recordLimitKill(ctx: ScaleRunContext, scale: string, { mode, rep, warmup }: ScheduledRun, error: LimitKilled, inputRows: number): ModeRun {
  const record = limitRun(scale, mode, rep, warmup, error.kill, error.limits, inputRows);
  appendFileSync(ctx.files.modeLog(scale, mode), `${new Date().toISOString()} ${error.kill.outcome}: ${error.message}; not validated, not run again at this scale\n`);
  ctx.bus.emit({ type: "log", level: "warn", text: `${scale} ${mode}: ${error.kill.outcome}, ${error.message}` });
  ctx.bus.emit({
    type: "limit-kill",
    scale,
    mode,
    rep,
    ...(warmup ? { warmup: true } : {}),
    outcome: error.kill.outcome,
    peakMemoryMb: record.peakMemoryMb,
    secondsUntilKill: record.durationSeconds,
    enforcement: error.kill.enforcement,
  });
  return record;
}

/** One child run in the order a scale runs them. */
export interface ScheduledRun {
  mode: Mode;
  /** 1-based; warm-ups count from 1 on their own. */
  rep: number;
  warmup: boolean;
}

/**
 * The order of a scale's child runs: warm-ups first, then the measured repetitions, each round
 * running every mode once, the order reversed every other round (A B, B A, A B, ...: A B B A A B).
 * A drift of the machine over the scale's minutes then hits both modes alike, and repetition k of
 * each mode runs back to back with the other's, so the pair shares its conditions (the verdict's
 * interval is taken over these pairs). Warm-ups alternate the same way, on their own.
 */
export function repetitionOrder(modes: readonly Mode[], runs: number, warmup: number): ScheduledRun[] {
  const order: ScheduledRun[] = [];
  const rounds = (count: number, isWarmup: boolean) => {
    for (let rep = 1; rep <= count; rep++) {
      const round = rep % 2 === 1 ? modes : [...modes].reverse();
      for (const mode of round) order.push({ mode, rep, warmup: isWarmup });
    }
  };
  rounds(warmup, true);
  rounds(runs, false);
  return order;
}

interface ModeOutcome {
  record: ModeRun;
  /** The rows PostgreSQL returned, from the last measured run only (null from the others). */
  readback: SummaryRow[] | null;
}

async function runMode(
  ctx: ScaleRunContext,
  scale: string,
  { mode, rep, warmup, next }: ScheduledRun & { next: Mode | undefined },
  data: PreparedData,
  phase: PhaseFn,
  progress: ProgressFn,
): Promise<ModeOutcome> {
  const { bus, parts, files, config } = ctx;
  const log = files.modeLog(scale, mode);
  const note = (text: string) => appendFileSync(log, `${new Date().toISOString()} ${text}\n`);
  note(warmup ? `== ${scale} ${mode}, warm-up ${rep} of ${config.warmup} (discarded) ==` : `== ${scale} ${mode}, run ${rep}${rep > config.repetitions ? " (one more, --runs auto)" : ` of ${config.repetitions}`} ==`);
  const modeStarted = performance.now();
  const output = files.childOutput(scale, mode, rep);

  const aggregated = await aggregateMode(ctx, scale, { mode, rep, warmup, next }, data, output, phase, note);
  const job = aggregated.report;

  const rows = await parts.readSummaryFile(output);
  rmSync(output, { force: true });
  if (faultInjectedInto(config, scale, mode)) {
    injectFault(rows);
    note("STREAMBENCH_INJECT_FAULT: one value of this summary was altered before the write");
    bus.emit({ type: "log", level: "warn", text: `${scale} ${mode}: STREAMBENCH_INJECT_FAULT altered one value before the write` });
  }
  const sourceUuid = sourceUuidFor(scale, mode, data.sourceUuid);
  const writeStarted = performance.now();
  // One transaction from the write to the verdict: the rows are read back on the write's own
  // connection and committed only when they PASS (and their logs are on disk). A FAIL, a fault
  // or an interruption rolls back, so the table never holds rows of a run that did not PASS.
  const watch = { signal: ctx.signal, onSilence: (text: string) => bus.emit({ type: "log", level: "warn", text: `${scale} ${mode}: ${text}` }) } as const;
  const pending = await phase("write", mode, rep, () => parts.writeSummary(sourceUuid, data.clusterId, rows, progress("write", mode), watch), warmup);
  let validation: ValidationResult | undefined;
  try {
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    note(`wrote ${rows.length} rows to PostgreSQL under source ${sourceUuid} in ${writeSeconds.toFixed(3)} s (not yet committed)`);

    const validateStarted = performance.now();
    // Compared row by row as the readback parses them, so the check overlaps the read, and no row is
    // kept: in a run's large heap, 132,060 rows that outlived the young generation made the read
    // and compare 0.5 s slower. The summary CSV reads them again below, off the clock.
    validation = await phase("validate", mode, rep, async () => {
      const comparison = parts.startComparison(data.expected);
      await pending.readEach((row) => comparison.add(row));
      return comparison.finish();
    }, warmup);
    const validateSeconds = (performance.now() - validateStarted) / 1000;
    writeFileSync(files.validationLog(scale, mode), parts.validationLog(validation, scale, mode, "reference (src/reference)", "PostgreSQL readback"));
    // The mode's summary as PostgreSQL returns it, read again in the still open transaction: once
    // per mode, from its last measured run (every run's readback equals the reference within
    // tolerance), or from the run that failed.
    const lastMeasured = !warmup && rep === config.repetitions;
    const readback = validation.verdict === "FAIL" || lastMeasured ? await pending.readback() : null;
    if (readback) await parts.writeSummaryCsv(files.summaryCsv(scale, mode), readback);
    const worst = maxDiff(validation);
    bus.emit({
      type: "validation",
      scale,
      mode,
      rep,
      ...(warmup ? { warmup: true } : {}),
      verdict: validation.verdict,
      detail: `${validation.rows.actual} rows read back, ${validation.rows.expected} expected, max rel diff ${worst.rel}`,
    });
    note(`validation ${validation.verdict}: max abs diff ${worst.abs}, max rel diff ${worst.rel}`);

    const record = modeRunRecord({
      scale,
      mode,
      rep,
      warmup,
      job,
      samples: aggregated.samples,
      validation,
      writeSeconds,
      validateSeconds,
      totalSeconds: (performance.now() - modeStarted) / 1000,
      ...(aggregated.limits ? { limits: aggregated.limits } : {}),
    });
    emitResult(bus, scale, { mode, rep, warmup }, record, job.engine);
    if (validation.verdict === "PASS") {
      await pending.commit();
      note(`committed ${rows.length} rows under source ${sourceUuid}`);
    } else {
      await pending.rollback();
      note("rolled back: the rows of a run that did not PASS are not kept");
    }
    return { record, readback };
  } catch (error) {
    await pending.rollback();
    // the verdict stands even when what came after it broke (a full disk, a lost connection)
    throw validation === undefined ? error : Object.assign(error instanceof Error ? error : new Error(String(error)), { validation: validation.verdict });
  }
}

/** The mode's child run under its phase; the next run's child starts loading after it; the child must have read every input row. */
async function aggregateMode(
  ctx: ScaleRunContext,
  scale: string,
  { mode, rep, warmup, next }: ScheduledRun & { next: Mode | undefined },
  data: PreparedData,
  output: string,
  phase: PhaseFn,
  note: (text: string) => void,
): Promise<Awaited<ReturnType<Parts["aggregate"]>>> {
  const { parts } = ctx;
  const aggregated = await phase("aggregate", mode, rep, () =>
    parts.aggregate(mode, data, output, {
      onSample: (sample, pid) => ctx.setChild(pid, sample.rssBytes),
      onLine: (line) => note(`child: ${line}`),
      onSpawn: (kill) => ctx.setKill(kill),
    }),
    warmup,
  ).finally(() => {
    ctx.setKill(null);
    ctx.setChild(null, 0);
  });
  // the next run's child loads while this one's summary is written and validated
  if (next !== undefined) parts.prestart(next);
  const job = aggregated.report;
  if (TABLE_KEYS.some((key) => job.rowsIn[key] !== data.rowsByType[key])) {
    throw new Error(`the ${mode} child read ${JSON.stringify(job.rowsIn)} rows, but the scale has ${JSON.stringify(data.rowsByType)}`);
  }
  return aggregated;
}

/** The run's figures for the monitor and the printer (the "result" event). */
function emitResult(bus: ScaleRunContext["bus"], scale: string, { mode, rep, warmup }: ScheduledRun, record: ModeRun, engine: string): void {
  bus.emit({
    type: "result",
    scale,
    mode,
    rep,
    ...(warmup ? { warmup: true } : {}),
    durationSeconds: record.durationSeconds,
    peakMemoryMb: record.peakMemoryMb,
    inputRows: record.inputRows,
    outputRows: record.outputRows,
    engine,
    memorySeries: record.memorySeries.map((s) => s.rssMb),
  });
}

export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted");
  }
}
