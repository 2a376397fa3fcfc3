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
import { describePg, type PgSettings } from "../db/settings.ts";

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

export async function startServices(config: Config, runDir: string): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const [s3, postgres] = await Promise.all([
      config.s3
        ? Promise.resolve(config.s3)
        : startEmbeddedS3(runFiles(runDir).s3Dir, { bucket: config.bucket }).then((server) => {
            stops.push(() => server.stop());
            return server.settings;
          }),
      config.postgres
        ? Promise.resolve(config.postgres)
        : startEmbeddedPostgres().then((server) => {
            stops.push(() => server.stop());
            return server.settings;
          }),
    ]);
    const s3Client = createS3Client(s3);
    stops.push(async () => s3Client.destroy());
    // --input s3://: the run reads the user's bucket and creates nothing on their S3
    if (!config.input?.startsWith("s3://")) await ensureBucket(s3Client, s3.bucket);
    const pool = await connectPg(postgres);
    stops.push(() => pool.end());
    const pglite = postgres.embedded || (await isPglite(pool));
    await ensureSummaryTable(pool, config.schema);
    return {
      s3,
      s3Client,
      postgres,
      pool,
      pglite,
      describe: () => ({
        s3: `${describeS3(s3)}, bucket ${s3.bucket}${s3.embedded ? " (embedded s3rver)" : ""}`,
        postgres: `${describePg(postgres)}${postgres.embedded ? " (embedded PGlite)" : ""}`,
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
