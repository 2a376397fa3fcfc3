// One scale, phase by phase: prepare (generate + reference) -> upload -> for each repetition and
// mode: aggregate in a child -> write to PostgreSQL -> read back and validate -> record.
// Throws ValidationFailure on the first FAIL (fail fast); any other error propagates as it is.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Mode } from "../contract/job.ts";
import { SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";
import type { Config } from "../commands/run-config.ts";
import type { ModeRun, ScaleResult } from "../report/model.ts";
import type { ValidationResult } from "../validate/compare.ts";
import type { EventBus } from "./event-bus.ts";
import type { Phase } from "./events.ts";
import type { Parts, PreparedData } from "./parts.ts";
import { sourceUuidFor } from "./source-uuid.ts";
import { phaseRemainingMs } from "./eta.ts";

const MB = 1024 * 1024;

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
  runDir: string;
  /** Set when the user interrupts; checked between phases. */
  signal: AbortSignal;
  /** The kill switch of whatever child is running now (for Ctrl-C). */
  setKill(kill: (() => void) | null): void;
  /** The child now being measured, for the memory gauges. */
  setChild(pid: number | null, rssBytes: number): void;
  /** Called when a scale's result changes, so reports can be rewritten. */
  onResult(result: ScaleResult): void;
  /** How far this scale has come (0..1) and the current phase's time left: emitted as ETA before each phase line. */
  onPace(fractionDone: number, phaseRemainingMs: number | null): void;
}

/** Share of a scale's work each phase stands for: preparing takes one unit, each mode run one. */
const PHASE_WEIGHT: Record<Phase, number> = { generate: 0.6, upload: 0.4, aggregate: 0.7, write: 0.15, validate: 0.15, report: 0 };

export async function runScale(ctx: ScaleRunContext, scale: string): Promise<ScaleResult> {
  const { config, bus, parts, runDir } = ctx;
  const dataDir = join(runDir, "data", scale);
  const workDir = join(runDir, "work");
  mkdirSync(workDir, { recursive: true });
  rmSync(dataDir, { recursive: true, force: true });

  const units = 1 + config.modes.length * config.runs;
  let unitsDone = 0;
  let phaseStarted = performance.now();
  const phase = async <T>(name: Phase, mode: Mode | undefined, rep: number | undefined, body: () => Promise<T>): Promise<T> => {
    if (ctx.signal.aborted) throw new InterruptedError();
    ctx.onPace(unitsDone / units, null);
    bus.emit({ type: "phase-start", scale, mode, rep, phase: name });
    const started = (phaseStarted = performance.now());
    try {
      const value = await body();
      if (mode !== undefined || name === "generate" || name === "upload") unitsDone += PHASE_WEIGHT[name];
      ctx.onPace(unitsDone / units, null);
      bus.emit({ type: "phase-end", scale, mode, rep, phase: name, durationMs: performance.now() - started, ok: true });
      return value;
    } catch (error) {
      bus.emit({ type: "phase-end", scale, mode, rep, phase: name, durationMs: performance.now() - started, ok: false });
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
      ctx.onPace(unitsDone / units, phaseRemainingMs(done, total, now - phaseStarted));
    };
  };

  let started = performance.now();
  const data: PreparedData = await phase("generate", undefined, undefined, () => parts.prepare(scale, config.input, dataDir, progress("generate")));
  const generateSeconds = (performance.now() - started) / 1000;
  const inputRows = data.rowsByType.ocp_pod_usage;
  const totalRows = Object.values(data.rowsByType).reduce((a, b) => a + b, 0);
  bus.emit({ type: "log", level: "info", text: `${scale}: ${inputRows} pod usage rows (${totalRows} rows of 4 report types), ${data.expected.length} reference summary rows` });
  await parts.writeSummaryCsv(join(runDir, `summary_${scale}_reference.csv`), data.expected);

  const lastReadback = new Map<Mode, SummaryRow[]>();
  try {
    started = performance.now();
    const uploaded = await phase("upload", undefined, undefined, () => parts.upload(data, progress("upload", undefined, "bytes")));
    const uploadSeconds = (performance.now() - started) / 1000;
    rmSync(dataDir, { recursive: true, force: true });

    const result: ScaleResult = {
      scale,
      inputRows,
      generate: { seconds: generateSeconds, rows: totalRows, bytes: uploaded.bytes },
      upload: { seconds: uploadSeconds, bytes: uploaded.bytes, objects: uploaded.objects },
      runs: [],
    };
    ctx.onResult(result);
    for (let rep = 1; rep <= config.runs; rep++) {
      for (const mode of config.modes) {
        let run: ModeOutcome;
        try {
          run = await runMode(ctx, scale, mode, rep, data, phase, progress, workDir);
        } catch (error) {
          if (!(error instanceof InterruptedError)) {
            result.runs.push(failedRun(scale, mode, rep, error));
            ctx.onResult(result);
          }
          throw error;
        }
        result.runs.push(run.record);
        lastReadback.set(mode, run.readback);
        ctx.onResult(result);
        if (run.record.validation === "FAIL") {
          throw new ValidationFailure(`${scale} ${mode}: validation FAIL against the reference`, [logPath(runDir, scale, mode), validationLogPath(runDir, scale, mode)]);
        }
      }
    }
    // every engine's readback already equals the reference; each other mode against the first too
    const [base, ...others] = config.modes.filter((m) => lastReadback.has(m));
    if (base !== undefined && others.length > 0) {
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
      const path = join(runDir, `${scale}_modes_validation.log`);
      writeFileSync(path, logs.join("\n"));
      const verdict = pairs.every((p) => p.verdict === "PASS") ? "PASS" : "FAIL";
      result.modesIdentical = { verdict, maxAbs: Math.max(...pairs.map((p) => p.maxAbs)), maxRel: Math.max(...pairs.map((p) => p.maxRel)), pairs };
      ctx.onResult(result);
      if (verdict === "FAIL") {
        const which = pairs.filter((p) => p.verdict === "FAIL").map((p) => `${p.base} and ${p.mode}`).join(", ");
        throw new ValidationFailure(`${scale}: ${which} results differ (FAIL)`, [path]);
      }
    }
    return result;
  } finally {
    await parts.removeUpload(data).catch(() => undefined);
  }
}

interface ModeOutcome {
  record: ModeRun;
  readback: SummaryRow[];
}

async function runMode(
  ctx: ScaleRunContext,
  scale: string,
  mode: Mode,
  rep: number,
  data: PreparedData,
  phase: <T>(name: Phase, mode: Mode | undefined, rep: number | undefined, body: () => Promise<T>) => Promise<T>,
  progress: (name: Phase, mode?: Mode, unit?: "rows" | "bytes" | "files") => (done: number, total: number) => void,
  workDir: string,
): Promise<ModeOutcome> {
  const { bus, parts, runDir, config } = ctx;
  const log = logPath(runDir, scale, mode);
  const note = (text: string) => appendFileSync(log, `${new Date().toISOString()} ${text}\n`);
  note(`== ${scale} ${mode}, run ${rep} of ${config.runs} ==`);
  const modeStarted = performance.now();
  const output = join(workDir, `${scale}_${mode}_${rep}.parquet`);

  const aggregated = await phase("aggregate", mode, rep, () =>
    parts.aggregate(mode, data, output, {
      onSample: (sample, pid) => ctx.setChild(pid, sample.rssBytes),
      onLine: (line) => note(`child: ${line}`),
      onSpawn: (kill) => ctx.setKill(kill),
    }),
  ).finally(() => {
    ctx.setKill(null);
    ctx.setChild(null, 0);
  });
  const job = aggregated.report;
  const expectedIn = { pod: data.rowsByType.ocp_pod_usage, storage: data.rowsByType.ocp_storage_usage, nodeLabels: data.rowsByType.ocp_node_label, namespaceLabels: data.rowsByType.ocp_namespace_label };
  if (JSON.stringify(job.rowsIn) !== JSON.stringify(expectedIn)) {
    throw new Error(`the ${mode} child read ${JSON.stringify(job.rowsIn)} rows, but the scale has ${JSON.stringify(expectedIn)}`);
  }

  const rows = await parts.readSummaryFile(output);
  rmSync(output, { force: true });
  if (config.injectFault?.scale === scale && config.injectFault.mode === mode) {
    injectFault(rows);
    note("STREAMBENCH_INJECT_FAULT: one value of this summary was altered before the write");
    bus.emit({ type: "log", level: "warn", text: `${scale} ${mode}: STREAMBENCH_INJECT_FAULT altered one value before the write` });
  }
  const sourceUuid = sourceUuidFor(scale, mode, data.sourceUuid);
  const writeStarted = performance.now();
  await phase("write", mode, rep, () => parts.writeSummary(sourceUuid, data.clusterId, rows, progress("write", mode)));
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  note(`wrote ${rows.length} rows to PostgreSQL under source ${sourceUuid} in ${writeSeconds.toFixed(3)} s`);

  const validateStarted = performance.now();
  const { readback, validation } = await phase("validate", mode, rep, async () => {
    const readback = await parts.readSummary(sourceUuid);
    return { readback, validation: parts.compare(data.expected, readback) };
  });
  const validateSeconds = (performance.now() - validateStarted) / 1000;
  writeFileSync(validationLogPath(runDir, scale, mode), parts.validationLog(validation, scale, mode, "reference (src/reference)", "PostgreSQL readback"));
  await parts.writeSummaryCsv(join(runDir, `summary_${scale}_${mode}.csv`), readback);
  const worst = maxDiff(validation);
  bus.emit({
    type: "validation",
    scale,
    mode,
    rep,
    verdict: validation.verdict,
    detail: `${validation.rows.actual} rows read back, ${validation.rows.expected} expected, max rel diff ${worst.rel}`,
  });
  note(`validation ${validation.verdict}: max abs diff ${worst.abs}, max rel diff ${worst.rel}`);

  const durationSeconds = job.timings.total / 1000;
  const samples = aggregated.samples;
  const record: ModeRun = {
    scale,
    mode,
    rep,
    status: "SUCCESS",
    validation: validation.verdict,
    durationSeconds,
    phases: {
      read: job.timings.read / 1000,
      aggregate: job.timings.aggregate / 1000,
      write: writeSeconds,
      validate: validateSeconds,
      total: (performance.now() - modeStarted) / 1000,
    },
    peakMemoryMb: (job.maxRSSKb * 1024) / MB,
    baselineMemoryMb: samples.length > 0 ? samples[0].rssBytes / MB : 0,
    peakAnonMemoryMb: samples.length > 0 ? Math.max(...samples.map((s) => s.rssAnonBytes)) / MB : undefined,
    cpuUserSeconds: job.cpu.user / 1e6,
    cpuSystemSeconds: job.cpu.system / 1e6,
    inputRows: job.rowsIn.pod,
    inputRowsByType: { ...job.rowsIn },
    outputRows: job.rowsOut,
    throughputRowsPerSecond: durationSeconds > 0 ? job.rowsIn.pod / durationSeconds : 0,
    memorySeries: samples.map((s) => ({ tMs: s.tMs, rssMb: s.rssBytes / MB })),
    engine: job.engine,
    ...(job.memoryMeasured !== undefined ? { memoryMeasured: job.memoryMeasured } : {}),
    ...(job.threads !== undefined ? { threads: job.threads } : {}),
    ...(job.engineSettings !== undefined ? { engineSettings: job.engineSettings } : {}),
    ...(job.timings.load !== undefined ? { loadSeconds: job.timings.load / 1000 } : {}),
    ...(job.timings.serverStart !== undefined ? { serverStartSeconds: job.timings.serverStart / 1000 } : {}),
    maxDiff: worst,
  };
  bus.emit({
    type: "result",
    scale,
    mode,
    rep,
    durationSeconds,
    peakMemoryMb: record.peakMemoryMb,
    inputRows: record.inputRows,
    outputRows: record.outputRows,
    engine: job.engine,
    memorySeries: record.memorySeries.map((s) => s.rssMb),
  });
  return { record, readback };
}

/** The record of a mode run that broke before it had figures: it shows in the reports as FAILED. */
function failedRun(scale: string, mode: Mode, rep: number, error: unknown): ModeRun {
  return {
    scale,
    mode,
    rep,
    status: "FAILED",
    validation: "NOT_RUN",
    durationSeconds: 0,
    phases: { read: 0, aggregate: 0, write: 0, validate: 0, total: 0 },
    peakMemoryMb: 0,
    baselineMemoryMb: 0,
    cpuUserSeconds: 0,
    cpuSystemSeconds: 0,
    inputRows: 0,
    inputRowsByType: {},
    outputRows: 0,
    throughputRowsPerSecond: 0,
    memorySeries: [],
    engine: "none",
    error: error instanceof Error ? error.message.split("\n")[0] : String(error),
  };
}

/** Shifts the first measure of the first row by one part in a million, and never by less than 1e-6. */
function injectFault(rows: SummaryRow[]): void {
  for (const row of rows) {
    for (const column of SUMMARY_MEASURE_COLUMNS) {
      const value = row[column];
      if (typeof value === "number") {
        row[column] = value + Math.max(Math.abs(value) * 1e-6, 1e-6);
        return;
      }
    }
  }
}

const maxDiff = (result: ValidationResult) => ({ abs: result.maxAbsDiff, rel: result.maxRelDiff });

export function logPath(runDir: string, scale: string, mode: Mode): string {
  return join(runDir, `${scale}_${mode}.log`);
}

export function validationLogPath(runDir: string, scale: string, mode: Mode): string {
  return join(runDir, `${scale}_${mode}_validation.log`);
}

export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted");
  }
}
