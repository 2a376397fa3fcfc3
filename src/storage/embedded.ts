// The default S3: s3rver 3.7.1 on 127.0.0.1, on a free port, its data under a folder the caller
// gives (the run's results folder). Silent (no request log, no Koa error log). Credentials are
// s3rver's built-in pair S3RVER/S3RVER. s3rver refuses an unknown access key id, but it does NOT
// check SigV4 signatures (lib/middleware/authentication.js: "Signature version 4 calculation is
// unimplemented"), and the SDK signs with SigV4: a wrong secret for that key is accepted. It is a
// local test server bound to 127.0.0.1, not an access control.
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createS3Client, type S3Settings } from "./client.ts";
import { ensureBucket } from "./bucket.ts";
import { DEFAULT_BUCKET, DEFAULT_REGION } from "./settings.ts";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverCtor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  resetOnClose?: boolean;
  configureBuckets?: { name: string }[];
}) => S3rverInstance;

export const EMBEDDED_S3_ACCESS_KEY = "S3RVER";
export const EMBEDDED_S3_SECRET_KEY = "S3RVER";

export interface EmbeddedS3 {
  settings: S3Settings;
  /** Idempotent; closes open connections after a short grace period. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver with its data in `dir` and the bucket created (configureBuckets is not needed:
 * the bucket is created over the API, the same path as for an external server).
 */
export async function startEmbeddedS3(dir: string, opts: { bucket?: string } = {}): Promise<EmbeddedS3> {
  await mkdir(dir, { recursive: true });
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverCtor;
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true });
  const address = await server.run();
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: DEFAULT_REGION,
    accessKeyId: EMBEDDED_S3_ACCESS_KEY,
    secretAccessKey: EMBEDDED_S3_SECRET_KEY,
    bucket: opts.bucket ?? DEFAULT_BUCKET,
    forcePathStyle: true,
    embedded: true,
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const http = server.httpServer;
      const closed = server.close().catch(() => {});
      const timer = setTimeout(() => http?.closeAllConnections?.(), 1_000);
      http?.closeIdleConnections?.();
      await closed;
      clearTimeout(timer);
    })());
  try {
    const client = createS3Client(settings);
    try {
      await ensureBucket(client, settings.bucket);
    } finally {
      client.destroy();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { settings, stop };
}
