// Wires the real generator, reference, storage, pipelines, database, validator and reports into
// the Parts the run engine calls.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Mode, Job } from "../contract/job.ts";
import type { SummaryRow } from "../contract/summary-schema.ts";
import type { Config } from "./config.ts";
import { UsageError } from "../errors.ts";
import { generate } from "../nise/generate.ts";
import { DailySummaryReference } from "../reference/summary.ts";
import { scaleInfo, scaleManifest } from "../scales.ts";
import { ReferenceThread } from "../reference/thread.ts";
import { beginSummaryWrite } from "../db/summary-write.ts";
import { deleteTree, uploadTree } from "../storage/upload.ts";
import { toS3Access } from "../storage/settings.ts";
import { compareSummaries, indexExpected, startComparison, type ExpectedSummary } from "../validate/compare.ts";
import { formatValidationLog } from "../validate/log.ts";
import { writeReports } from "../report/write.ts";
import { comparisonHeadline } from "../report/comparison-report.ts";
import { sweepHeadline } from "../report/crossover-report.ts";
import { readSummaryParquet, writeSummaryCsv } from "../report/canonical-summary-csv.ts";
import { PipelineLauncher, type ChildLimits } from "../child/launcher.ts";
import { LimitKilled, type Enforcement } from "../child/limit-enforcement.ts";
import { memAvailableBytes, memoryCap } from "../limits/memory-cap.ts";
import { engineBudget } from "../limits/engine-budget.ts";
import type { Limits } from "../limits/limit-settings.ts";
import type { RunLimits } from "../records/run-report.ts";
import { convertNiseCsvDir } from "../nise/csv-to-parquet.ts";
import { readKokuTreeFromS3 } from "../nise/parquet-import.ts";
import type { RowSink } from "../nise/rows.ts";
import { openInput } from "../input/open-input.ts";
import type { S3Tree } from "../storage/objects.ts";
import { namingSources, parquetTreeRefused, readAsGiven, type StagedInput } from "../input/user-input.ts";
import type { Parts, PreparedData, Progress } from "./run-parts.ts";
import { postgresJobTarget, type Services } from "./services.ts";

/** From this many pod rows a generated scale's reference runs on its own thread (below, starting the thread costs more than it saves). */
const REFERENCE_THREAD_MIN_POD_ROWS = 1_000_000;

/** The real parts; availableAtStart: MemAvailable when the run started, of which the guard takes its share. */
export function bindParts(config: Config, services: Services, availableAtStart: number | null): Parts {
  const tolerance = { relTolerance: config.relTolerance, absTolerance: config.absTolerance };
  const enabledTagKeys = config.enabledTagKeys === null ? null : [...config.enabledTagKeys];
  // Each scale's reference, indexed once for all its runs (a reference never changes once prepared).
  const expectedIndexes = new WeakMap<SummaryRow[], ExpectedSummary>();
  return {
    prepare: (scale, input, dir, progress) => prepareData({ config, services, enabledTagKeys }, scale, input, dir, progress),

    async upload(data, progress) {
      if (data.inPlace) {
        // --input s3://: the modes read the user's objects where they are
        progress(1, 1);
        return { objects: data.inputFiles?.length ?? 0, bytes: data.inPlaceBytes ?? 0 };
      }
      // Objects left under this prefix by a run that was cut off would be read as input too.
      await deleteTree(services.s3Client, services.s3.bucket, `${data.prefix}/`);
      const result = await uploadTree(services.s3Client, services.s3.bucket, join(data.root, data.prefix), {
        prefix: `${data.prefix}/`,
        onProgress: progress,
      });
      return { objects: result.objects, bytes: result.bytes };
    },

    async removeUpload(data) {
      if (data.inPlace) return; // never delete the user's objects
      await deleteTree(services.s3Client, services.s3.bucket, `${data.prefix}/`);
    },

    ...childParts(config, services, enabledTagKeys, availableAtStart),

    readSummaryFile: (path) => readSummaryParquet(path),

    writeSummary: (sourceUuid, clusterId, rows, progress, watch) =>
      beginSummaryWrite(services.pool, { schema: config.schema, sourceUuid, clusterId, rows, onProgress: progress, answerTimeoutMs: config.pgTimeoutMs, ...watch }),

    startComparison(expected) {
      let index = expectedIndexes.get(expected);
      if (index === undefined) expectedIndexes.set(expected, (index = indexExpected(expected)));
      return startComparison(index, tolerance);
    },

    compare: (expected, actual) => compareSummaries(expected, actual, tolerance),

    validationLog: (result, scale, mode, expectedLabel, actualLabel) =>
      formatValidationLog(result, { scale, mode, expectedLabel, actualLabel, tolerance }),

    writeSummaryCsv: (path, rows) => writeSummaryCsv(path, rows),
    writeReports: (dir, report) => writeReports(dir, report),
    headline: (report) => (report.sweep ? sweepHeadline(report) : comparisonHeadline(report)),
  };
}

/** The parts that run the engine children: each mode's job, under the limits of the moment, started ahead. */
function childParts(
  config: Config,
  services: Services,
  enabledTagKeys: string[] | null,
  availableAtStart: number | null,
): Pick<Parts, "aggregate" | "limitChildren" | "prestart" | "discardPrestarted"> {
  const pipelines = new PipelineLauncher();
  const database = postgresJobTarget(services);
  let under: ChildLimits | undefined;
  const runLimits = (mode: Mode, enforcement: Enforcement): RunLimits | undefined =>
    under && {
      memoryLimitBytes: under.limits.memoryLimitBytes,
      capBytes: under.cap.bytes,
      capSource: under.cap.source,
      cpus: under.limits.cpus,
      preset: under.limits.preset,
      timeoutSeconds: under.limits.timeoutSeconds,
      enforcement,
      told: engineBudget(mode, under, config.duckdbMemoryLimit, database.kind).told,
    };
  return {
    async aggregate(mode: Mode, data, output, hooks) {
      const job: Job = {
        mode,
        input: data.inPlace
          ? { kind: "s3", bucket: data.inPlace.bucket, prefix: data.inPlace.prefix, s3: toS3Access(services.s3) }
          : { kind: "s3", bucket: services.s3.bucket, prefix: data.prefix, s3: toS3Access(services.s3) },
        output,
        enabledTagKeys,
        sourceUuid: data.sourceUuid,
        // generated here, or read row by row by prepare()'s reference, which refuses NaN, ±Infinity and missing measures
        measuresChecked: true,
        ...engineBudget(mode, under, config.duckdbMemoryLimit, database.kind).job,
        ...(mode === "postgres" ? { database } : {}),
      };
      try {
        const { report, outcome, enforcement } = await pipelines.run(job, {
          onSample: hooks.onSample,
          onLine: (line, stream) => hooks.onLine(stream === "stderr" ? `stderr: ${line}` : line),
          onSpawn: hooks.onSpawn,
        });
        const limits = enforcement && runLimits(mode, enforcement);
        return { report, samples: outcome.samples, ...(limits ? { limits } : {}) };
      } catch (error) {
        if (error instanceof LimitKilled) error.limits = runLimits(mode, error.kill.enforcement);
        throw error;
      }
    },

    limitChildren(limits: Limits) {
      const cap = memoryCap(limits, availableAtStart);
      under = cap === null ? undefined : { limits, cap };
      pipelines.limitTo(under);
      return cap;
    },

    prestart: (mode) => pipelines.prestart(mode),
    discardPrestarted: () => pipelines.close(),
  };
}

/** What preparing a scale's data needs of the run. */
interface PrepareContext {
  config: Config;
  services: Services;
  enabledTagKeys: string[] | null;
}

/** A scale's data before upload, and its reference summary fed the same rows on the way. */
interface StagedData {
  sourceUuid: string;
  org: string;
  clusterId: string;
  rowsByType: PreparedData["rowsByType"];
  /** The reference's summary when a thread of its own computed it (null: `reference` holds it). */
  expected: SummaryRow[] | null;
  inputFiles?: PreparedData["inputFiles"];
  skippedFiles?: PreparedData["skippedFiles"];
}

/** The scale's data as the modes read it: the user's input (opened once: src/input/), or a generated scale. */
async function prepareData(ctx: PrepareContext, scale: string, input: string | null, dir: string, progress: Progress): Promise<PreparedData> {
  const reference = new DailySummaryReference({ enabledTagKeys: ctx.enabledTagKeys });
  if (input === null) return preparedData(scale, dir, await generateScale(ctx, scale, dir, reference, progress), reference);
  const stageDir = `${dir.replace(/\/+$/, "")}.input-stage`;
  rmSync(stageDir, { recursive: true, force: true });
  try {
    const opened = await openInput(input, stageDir);
    if (opened.kind === "s3") return await readInPlace(ctx.services, input, opened, reference, progress);
    if (opened.kind === "parquet") throw parquetTreeRefused(input);
    return preparedData(input, dir, await convertUserInput(opened.staged, dir, reference, progress), reference);
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
}

/** Generated or converted data in `dir`, ready for upload. */
function preparedData(name: string, dir: string, staged: StagedData, reference: DailySummaryReference): PreparedData {
  if (staged.rowsByType.pod === 0) throw new UsageError(`${name}: no pod usage rows to summarise`);
  return {
    root: dir,
    prefix: `data/${staged.org}/OCP/source=${staged.sourceUuid}`,
    sourceUuid: staged.sourceUuid,
    clusterId: staged.clusterId,
    rowsByType: staged.rowsByType,
    expected: staged.expected ?? reference.finish(),
    inputFiles: staged.inputFiles,
    skippedFiles: staged.skippedFiles,
  };
}

/** The user's Koku tree in S3: read (for the reference) where it is; nothing uploaded or deleted. */
async function readInPlace(
  services: Services,
  input: string,
  tree: S3Tree,
  reference: DailySummaryReference,
  progress: Progress,
): Promise<PreparedData> {
  const read = await readKokuTreeFromS3(services.s3Client, tree, reference, progress);
  const inPlace = { bucket: tree.bucket, prefix: tree.prefix.replace(/\/+$/, "") };
  if (read.rows.pod === 0) throw new UsageError(`${input}: no pod usage rows to summarise`);
  return {
    root: "",
    prefix: inPlace.prefix,
    sourceUuid: read.sourceUuid,
    clusterId: read.sourceUuid,
    rowsByType: read.rows,
    expected: reference.finish(),
    inputFiles: read.used.map((u) => ({ source: u.source, type: u.type, rows: u.rows })),
    skippedFiles: read.skipped,
    inPlace,
    inPlaceBytes: read.used.reduce((a, u) => a + u.bytes, 0),
  };
}

/** The user's staged CSVs converted once to parquet in `dir`, the reference fed on the way; files and errors named as the user gave them. */
export async function convertUserInput(staged: StagedInput, dir: string, reference: RowSink, progress?: Progress): Promise<StagedData> {
  const converted = await convertNiseCsvDir(staged.dir, dir, { sink: reference, onProgress: progress }).catch((e: unknown) => {
    throw namingSources(e, staged);
  });
  return {
    sourceUuid: converted.sourceUuid,
    org: converted.org,
    clusterId: converted.clusterId,
    rowsByType: converted.rows,
    expected: null,
    inputFiles: readAsGiven(staged, converted.read),
    skippedFiles: staged.skipped,
  };
}

/** A named scale generated as parquet into `dir`, its reference beside it. */
async function generateScale(ctx: PrepareContext, scale: string, dir: string, reference: DailySummaryReference, progress: Progress): Promise<StagedData> {
  const { config, enabledTagKeys } = ctx;
  const manifest = scaleManifest(scale, config.seed, config.profile);
  const clusterId = `benchmark-${scale}`;
  // A big scale computes its reference on a second thread, beside the generator (null: this
  // runtime could not start one, and the reference runs here as for small scales).
  const thread = scaleInfo(scale).podRows >= REFERENCE_THREAD_MIN_POD_ROWS ? ReferenceThread.start({ enabledTagKeys }) : null;
  try {
    const summary = await generate(manifest, {
      clusterId,
      outDir: dir,
      format: "parquet",
      seed: config.seed,
      ...(thread ? { batchSink: thread } : { sink: reference }),
      onProgress: progress,
    });
    const expected = thread ? await thread.finish() : null;
    return { sourceUuid: summary.sourceUuid, org: summary.org, clusterId, rowsByType: summary.rows, expected };
  } finally {
    await thread?.close();
  }
}
