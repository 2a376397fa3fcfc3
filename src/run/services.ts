// The S3 server and PostgreSQL a run talks to: the user's (MinIO, a PostgreSQL server), or the
// embedded ones started here (s3rver, PGlite over the wire protocol) and stopped at the end.
import { runFiles } from "./results-folder.ts";
import type pg from "pg";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "./config.ts";
import { createS3Client, describeS3, type S3Settings } from "../storage/client.ts";
import { ensureBucket } from "../storage/bucket.ts";
import { startEmbeddedS3 } from "../storage/embedded.ts";
import { connectPg, isPglite } from "../db/pool.ts";
import { ensureSummaryTable } from "../db/schema.ts";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { describePg, toPgAccess, type PgSettings } from "../db/settings.ts";
import type { RunEventInput } from "./event-bus.ts";
import type { Job } from "../contract/job.ts";

export interface Services {
  s3: S3Settings;
  s3Client: S3Client;
  postgres: PgSettings;
  pool: pg.Pool;
  pglite: boolean;
  /** "postgres@127.0.0.1:41234/postgres (embedded PGlite)": safe to print. */
  describe(): { s3: string; postgres: string };
  /** Idempotent: closes the pool and stops embedded servers. */
  stop(): Promise<void>;
}

/**
 * Where the postgres mode's child runs its SQL: the run's own server when the user gave one; with
 * the embedded PGlite (hosted by this parent) a PGlite of the child's own, so its peak RSS is the
 * server's. (A PGlite server the user runs counts as embedded: COPY over its wire protocol wedges it.)
 */
export function postgresJobTarget(services: Pick<Services, "postgres" | "pglite">): NonNullable<Job["database"]> {
  const pg = services.postgres;
  return pg.embedded || services.pglite ? { kind: "embedded" } : { kind: "server", pg: toPgAccess(pg) };
}

/**
 * Starts (embedded) or connects to (the user's) S3 and PostgreSQL, both at once, and reports each
 * as "service" events: starting, then ready or failed, with how long it took.
 */
export async function startServices(config: Config, runDir: string, emit: (event: RunEventInput) => void = () => {}): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  const track = async <T>(service: "s3" | "postgres", external: boolean, detail: string, start: () => Promise<{ value: T; detail?: string }>): Promise<T> => {
    const t0 = performance.now();
    emit({ type: "service", service, state: external ? "connecting" : "starting", detail });
    try {
      const { value, detail: readyDetail } = await start();
      emit({ type: "service", service, state: "ready", detail: readyDetail ?? detail, durationMs: performance.now() - t0 });
      return value;
    } catch (error) {
      emit({ type: "service", service, state: "failed", detail: error instanceof Error ? error.message : String(error), durationMs: performance.now() - t0 });
      throw error;
    }
  };
  try {
    // allSettled: when one fails, the other has finished starting before everything is stopped.
    const [s3Result, postgresResult] = await Promise.allSettled([
      track("s3", config.s3 !== null, config.s3 ? describeS3(config.s3) : "embedded S3 (s3rver)", async () => {
        let settings: S3Settings;
        if (config.s3) settings = config.s3;
        else {
          const server = await startEmbeddedS3(runFiles(runDir).s3Dir, { bucket: config.bucket });
          stops.push(() => server.stop());
          settings = server.settings;
        }
        const s3Client = createS3Client(settings);
        stops.push(async () => s3Client.destroy());
        // --input s3://: the run reads the user's bucket and creates nothing on their S3
        if (!config.input?.startsWith("s3://")) await ensureBucket(s3Client, settings.bucket);
        return { value: { settings, s3Client }, detail: `${describeS3(settings)}, bucket ${settings.bucket}${config.s3 ? "" : " (embedded s3rver)"}` };
      }),
      track("postgres", config.postgres !== null, config.postgres ? describePg(config.postgres) : "embedded PostgreSQL (PGlite)", async () => {
        let settings: PgSettings;
        let origin = "";
        if (config.postgres) settings = config.postgres;
        else {
          const server = await startEmbeddedPostgres();
          stops.push(() => server.stop());
          settings = server.settings;
          origin = server.origin === "template" ? ", cached cluster" : ", new cluster (cached for next time)";
        }
        const pool = await connectPg(settings);
        stops.push(() => pool.end());
        const pglite = settings.embedded || (await isPglite(pool));
        await ensureSummaryTable(pool, config.schema);
        return { value: { settings, pool, pglite }, detail: `${describePg(settings)}${settings.embedded ? ` (embedded PGlite${origin})` : ""}` };
      }),
    ]);
    if (s3Result.status === "rejected") throw s3Result.reason;
    if (postgresResult.status === "rejected") throw postgresResult.reason;
    const s3 = s3Result.value;
    const postgres = postgresResult.value;
    return {
      s3: s3.settings,
      s3Client: s3.s3Client,
      postgres: postgres.settings,
      pool: postgres.pool,
      pglite: postgres.pglite,
      describe: () => ({
        s3: `${describeS3(s3.settings)}, bucket ${s3.settings.bucket}${s3.settings.embedded ? " (embedded s3rver)" : ""}`,
        postgres: `${describePg(postgres.settings)}${postgres.settings.embedded ? " (embedded PGlite)" : ""}`,
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
