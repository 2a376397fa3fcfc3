// Wires the real generator, reference, storage, pipelines, database, validator and reports into
// the Parts the run engine calls.
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
import { PipelineLauncher, type ChildLimits } from "../pipeline-child.ts";
import { LimitKilled, memAvailableBytes, memoryCap, type Enforcement } from "../limits/enforce.ts";
import { engineBudget } from "../limits/engine-budget.ts";
import type { Limits } from "../limits/limit-settings.ts";
import type { RunLimits } from "../report/model.ts";
import { convertUserInput } from "../nise/csv-to-parquet.ts";
import { parseS3Url, readKokuTreeFromS3 } from "../nise/parquet-import.ts";
import type { Parts, PreparedData } from "./run-parts.ts";
import type { Services } from "./services.ts";

/** From this many pod rows a generated scale's reference runs on its own thread (below, starting the thread costs more than it saves). */
const REFERENCE_THREAD_MIN_POD_ROWS = 1_000_000;

function postgresTarget(services: Services): Job["database"] {
  const pg = services.postgres;
  // (a PGlite server the user runs: COPY over its wire protocol wedges it, so the child hosts its own)
  if (pg.embedded || services.pglite) return { kind: "embedded" };
  return { kind: "server", pg: { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, ssl: pg.ssl } };
}

export function bindParts(config: Config, services: Services): Parts {
  const tolerance = { relTolerance: config.relTolerance, absTolerance: config.absTolerance };
  const enabledTagKeys = config.enabledTagKeys === null ? null : [...config.enabledTagKeys];
  const pipelines = new PipelineLauncher();
  // the guard's share is of the memory available when the run started, not when each child does
  const availableAtStart = memAvailableBytes();
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
      told: engineBudget(mode, under, config.duckdbMemoryLimit, postgresTarget(services)!.kind).told,
    };
  // Each scale's reference, indexed once for all its runs (a reference never changes once prepared).
  const expectedIndexes = new WeakMap<SummaryRow[], ExpectedSummary>();
  return {
    async prepare(scale, input, dir, progress): Promise<PreparedData> {
      const reference = new DailySummaryReference({ enabledTagKeys });
      let expected: SummaryRow[] | null = null;
      let sourceUuid: string;
      let org: string;
      let clusterId: string;
      let rowsByType: PreparedData["rowsByType"];
      let inputFiles: PreparedData["inputFiles"];
      let skippedFiles: PreparedData["skippedFiles"];
      let inPlace: PreparedData["inPlace"];
      const tree = input !== null ? parseS3Url(input) : null;
      if (tree !== null) {
        // the user's Koku tree in S3: read (for the reference) where it is; nothing uploaded or deleted
        const read = await readKokuTreeFromS3(services.s3Client, tree, reference, progress);
        ({ sourceUuid, org } = read);
        clusterId = read.sourceUuid;
        rowsByType = read.rows;
        inputFiles = read.used.map((u) => ({ source: u.source, type: u.type, rows: u.rows }));
        skippedFiles = read.skipped;
        inPlace = { bucket: tree.bucket, prefix: tree.prefix.replace(/\/+$/, "") };
        if (rowsByType.pod === 0) throw new UsageError(`${input}: no pod usage rows to summarise`);
        return { root: "", prefix: inPlace.prefix, sourceUuid, clusterId, rowsByType, expected: reference.finish(), inputFiles, skippedFiles, inPlace, inPlaceBytes: read.used.reduce((a, u) => a + u.bytes, 0) };
      }
      if (input !== null) {
        const converted = await convertUserInput(input, dir, { sink: reference, onProgress: progress });
        ({ sourceUuid, org, clusterId } = converted);
        rowsByType = converted.rows;
        inputFiles = converted.used.map((u) => ({ source: u.source, type: u.reportType, rows: u.rows ?? 0 }));
        skippedFiles = converted.skipped;
      } else {
        const manifest = scaleManifest(scale, config.seed, config.profile);
        clusterId = `benchmark-${scale}`;
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
          ({ sourceUuid, org } = summary);
          rowsByType = summary.rows;
          if (thread) expected = await thread.finish();
        } finally {
          await thread?.close();
        }
      }
      if (rowsByType.pod === 0) throw new UsageError(`${input ?? scale}: no pod usage rows to summarise`);
      return {
        root: dir,
        prefix: `data/${org}/OCP/source=${sourceUuid}`,
        sourceUuid,
        clusterId,
        rowsByType,
        expected: expected ?? reference.finish(),
        inputFiles,
        skippedFiles,
      };
    },

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
        ...engineBudget(mode, under, config.duckdbMemoryLimit, postgresTarget(services)!.kind).job,
        // postgres: the run's own server when the user gave one; with the embedded PGlite (hosted by
        // this parent) the child hosts a PGlite of its own instead, so its peak RSS is the server's
        ...(mode === "postgres" ? { database: postgresTarget(services) } : {}),
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

