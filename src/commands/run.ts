// `streambench run`: flags -> Config -> services -> the benchmark, shown by the TUI in a terminal
// or by the headless printer otherwise. Ctrl-C, SIGTERM and the exit of the process that started
// it (npm) stop children and servers, mark the results interrupted, and exit 130. The results
// folder carries a marker while the run lives, so the next run removes what a killed one left.
import { join } from "node:path";
import { rmSync } from "node:fs";
import { OutputError } from "../errors.ts";
import { describeS3 } from "../storage/client.ts";
import { deleteTree } from "../storage/upload.ts";
import { describePg } from "../db/settings.ts";
import type { Parts } from "../run/parts.ts";
import { configFromArgs, RUN_HELP } from "./run-config.ts";
import { SCALES } from "../scales.ts";
import { Benchmark } from "../run/benchmark.ts";
import { bindParts } from "../run/bind.ts";
import { captureEnvironment } from "../run/environment.ts";
import { attachHeadlessPrinter } from "../run/headless.ts";
import { readHistory } from "../run/history.ts";
import { attachLiveLog } from "../run/live-log.ts";
import {
  createRunFolder,
  describeStaleRun,
  findStaleRuns,
  pointLatestAt,
  removeRunMarker,
  removeScratch,
  removeStaleRun,
  writeRunMarker,
  type RunMarker,
  type StaleRun,
} from "../run/results-dir.ts";
import { watchParent } from "../run/parent-watch.ts";
import { startServices, type Services } from "../run/services.ts";
import { startGauges } from "../run/gauges.ts";

export async function runBenchmarkCommand(argv: string[]): Promise<number> {
  const parsed = configFromArgs(argv, process.env, SCALES.map((scale) => scale.name));
  if (parsed.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const config = parsed.config;
  const interactive = !config.headless && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && !process.env.CI;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  // Leftovers of runs that were killed (kill -9): their scratch folders go now, their uploads to
  // a lasting S3 server once it is connected.
  const stale = findStaleRuns(config.outRoot);
  const notes: string[] = [];
  for (const run of stale) {
    removeStaleRun(run);
    notes.push(describeStaleRun(run));
  }
  if (!interactive) for (const note of notes) say(note);

  const history = readHistory(config.outRoot);
  const { dir: runDir } = createRunFolder(config.outRoot);
  const marker: RunMarker = { pid: process.pid, startedAt: new Date().toISOString(), uploads: [] };
  let services: Services;
  try {
    writeRunMarker(runDir, marker);
    if (!interactive) say(`${startingLine(config)}...`);
    services = await startServices(config, runDir);
  } catch (error) {
    // Nothing ran: leave no results folder behind (latest still points at the last run's).
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  notes.push(...(await removeStaleUploads(stale, services)));

  const described = services.describe();
  const serverVersion = await services.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]?.v ?? "unknown", () => "unknown");
  const environment = await captureEnvironment({ postgres: `${serverVersion}${services.pglite ? " (PGlite)" : ""}` });
  const parts = recordUploads(bindParts(config, services), services, runDir, marker);
  const benchmark = new Benchmark({
    config,
    runDir,
    parts,
    environment,
    settings: {
      scales: config.scales,
      input: config.input,
      modes: config.modes,
      runs: config.runs,
      seed: config.seed,
      relTolerance: config.relTolerance,
      absTolerance: config.absTolerance,
      enabledTagKeys: config.enabledTagKeys ?? "all",
      s3: described.s3,
      postgres: described.postgres,
      schema: config.schema,
    },
    expectedRows: (scale) => SCALES.find((s) => s.name === scale)?.podRows ?? null,
    history,
  });
  try {
    // The reports of a run not yet finished (status INTERRUPTED, nothing measured): latest moves
    // only to a folder that holds a summary.json, and a full or read-only disk stops the run here.
    await parts.writeReports(runDir, benchmark.report).catch((error) => {
      throw OutputError.from(error, "cannot write the reports into", runDir);
    });
    pointLatestAt(config.outRoot, runDir);
  } catch (error) {
    await services.stop();
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  attachLiveLog(join(runDir, "benchmark.log"), (listener) => benchmark.bus.subscribe(listener));
  for (const note of notes) benchmark.bus.emit({ type: "log", level: "warn", text: note });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals | string) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`streambench: ${signal} again, exiting now\n`);
      removeScratch(runDir);
      removeRunMarker(runDir);
      process.exit(130);
    }
    void benchmark.quit();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const stopWatching = watchParent((why) => {
    if (signals > 0) return; // already stopping (a signal to the whole process group, say)
    benchmark.bus.emit({ type: "log", level: "warn", text: `stopping: ${why}` });
    onSignal("parent exit");
  });

  try {
    if (interactive) {
      const stopGauges = startGauges(benchmark.bus, () => benchmark.child);
      const { renderMonitor } = await import("../../tui/render.tsx");
      const monitor = renderMonitor({ events: benchmark.bus, commands: benchmark });
      void benchmark.start();
      await monitor;
      await benchmark.quit();
      stopGauges();
    } else {
      say(`S3: ${described.s3}`);
      say(`PostgreSQL: ${described.postgres}`);
      attachHeadlessPrinter((listener) => benchmark.bus.subscribe(listener), say);
      await benchmark.start();
      say(`results: ${runDir}`);
    }
  } finally {
    stopWatching();
    await services.stop();
    removeScratch(runDir);
    removeRunMarker(runDir);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return benchmark.exitCode;
}

/** What this run starts and what it connects to, said exactly. */
function startingLine(config: { s3: unknown; postgres: Parameters<typeof describePg>[0] | null; bucket?: string }): string {
  const start: string[] = [];
  const connect: string[] = [];
  if (config.s3) connect.push(`S3 at ${describeS3(config.s3 as Parameters<typeof describeS3>[0])}`);
  else start.push("an embedded S3 server (s3rver)");
  if (config.postgres) connect.push(`PostgreSQL at ${describePg(config.postgres)}`);
  else start.push("an embedded PostgreSQL (PGlite)");
  const parts: string[] = [];
  if (start.length > 0) parts.push(`starting ${start.join(" and ")}`);
  if (connect.length > 0) parts.push(`connecting to ${connect.join(" and ")}`);
  return parts.join("; ");
}

/** The uploads of killed runs to the S3 server this run uses: removed, one note each. */
async function removeStaleUploads(stale: StaleRun[], services: Services): Promise<string[]> {
  const notes: string[] = [];
  for (const run of stale) {
    for (const up of run.uploads) {
      if (services.s3.embedded || up.endpoint !== (services.s3.endpoint ?? "") || up.bucket !== services.s3.bucket) continue;
      try {
        const n = await deleteTree(services.s3Client, up.bucket, `${up.prefix}/`);
        notes.push(`removed ${n} objects a killed run (pid ${run.pid}) left under s3://${up.bucket}/${up.prefix}/`);
      } catch (error) {
        notes.push(`could not remove s3://${up.bucket}/${up.prefix}/ left by a killed run: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return notes;
}

/** Parts whose uploads to a lasting S3 server are noted in the run marker until removed. */
function recordUploads(parts: Parts, services: Services, runDir: string, marker: RunMarker): Parts {
  if (services.s3.embedded) return parts; // its objects live in the run folder's s3/
  const entry = (prefix: string) => ({ endpoint: services.s3.endpoint ?? "", bucket: services.s3.bucket, prefix });
  return {
    ...parts,
    async upload(data, progress) {
      marker.uploads.push(entry(data.prefix));
      writeRunMarker(runDir, marker);
      return parts.upload(data, progress);
    },
    async removeUpload(data) {
      await parts.removeUpload(data);
      marker.uploads = marker.uploads.filter((u) => u.prefix !== data.prefix);
      writeRunMarker(runDir, marker);
    },
  };
}
