// Uploads a local folder to S3 under the same relative keys, verifies every object, and deletes
// trees. Each object carries its sha256 in x-amz-meta-sha256; after the upload, HeadObject's size
// and metadata are compared with the local file, and with `verify: "get"` the object is also
// downloaded and re-hashed (catches a server that stores different bytes than it was sent).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { listObjects } from "./objects.ts";
import { describeClient, ObjectIntegrityError, s3Fault } from "./faults.ts";

export const SHA256_METADATA_KEY = "sha256";
const PART_SIZE = 16 * 1024 * 1024;

export interface UploadOptions {
  /** Key prefix put before each relative path ("" = the path relative to localRoot). */
  prefix?: string;
  /** Called as bytes go out: (doneBytes, totalBytes). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** "head" (default): size + stored sha256 metadata. "get": also download and re-hash. */
  verify?: "head" | "get";
  /** Files uploaded at the same time (default 4). */
  concurrency?: number;
}

export interface UploadResult {
  objects: number;
  bytes: number;
  /** Keys in upload order (sorted by relative path). */
  keys: string[];
}

export interface LocalFile {
  absPath: string;
  /** Path relative to the root with "/" separators. */
  relPath: string;
  size: number;
}

/** Every regular file under `root`, sorted by relative path. Hidden files (".x") are skipped. Not local-files.ts's walkInputFolder (see there). */
export async function walkFiles(root: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const ent of entries) {
      if (ent.name.startsWith(".")) continue;
      const abs = path.join(dir, ent.name);
      if (ent.isDirectory()) await walk(abs);
      else if (ent.isFile()) {
        const st = await stat(abs);
        out.push({ absPath: abs, relPath: path.relative(root, abs).split(path.sep).join("/"), size: st.size });
      }
    }
  }
  await walk(root);
  out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return out;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

function joinKey(prefix: string, rel: string): string {
  if (!prefix) return rel;
  return prefix.endsWith("/") ? prefix + rel : `${prefix}/${rel}`;
}

/** Uploads every file under localRoot; throws ServiceError (ObjectIntegrityError for a bad object). */
export async function uploadTree(
  client: S3Client,
  bucket: string,
  localRoot: string,
  opts: UploadOptions = {},
): Promise<UploadResult> {
  const files = await walkFiles(localRoot);
  const total = files.reduce((s, f) => s + f.size, 0);
  const prefix = opts.prefix ?? "";
  const where = await describeClient(client);
  const inFlight = new Map<string, number>();
  let finished = 0;
  let lastReported = -1;
  const report = () => {
    if (!opts.onProgress) return;
    let done = finished;
    for (const v of inFlight.values()) done += v;
    if (done !== lastReported) {
      lastReported = done;
      opts.onProgress(Math.min(done, total), total);
    }
  };
  report();

  const keys = files.map((f) => joinKey(prefix, f.relPath));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i];
      const key = keys[i];
      const sha256 = await sha256File(file.absPath);
      await putFile(client, where, bucket, key, file, sha256, (loaded) => {
        inFlight.set(key, Math.min(loaded, file.size));
        report();
      });
      await verifyObject(client, bucket, key, { size: file.size, sha256 }, { download: opts.verify === "get" });
      inFlight.delete(key);
      finished += file.size;
      report();
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, files.length)) }, worker);
  await Promise.all(workers);
  return { objects: files.length, bytes: total, keys };
}

async function putFile(
  client: S3Client,
  where: string,
  bucket: string,
  key: string,
  file: LocalFile,
  sha256: string,
  onLoaded: (loaded: number) => void,
): Promise<void> {
  const upload = new Upload({
    client,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(file.absPath, { highWaterMark: 1 << 20 }),
      ContentLength: file.size,
      Metadata: { [SHA256_METADATA_KEY]: sha256 },
    },
    partSize: PART_SIZE,
    queueSize: 4,
    // s3rver answers AbortMultipartUpload with 405, and lib-storage would then throw that instead
    // of the real failure; we abort ourselves below and ignore a refusal.
    leavePartsOnError: true,
  });
  upload.on("httpUploadProgress", (p) => {
    if (p.loaded !== undefined) onLoaded(p.loaded);
  });
  try {
    await upload.done();
  } catch (err) {
    await abortPending(client, bucket, key);
    throw s3Fault(err, where, `uploading s3://${bucket}/${key}`);
  }
}

async function abortPending(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    const res = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
    for (const u of res.Uploads ?? []) {
      if (u.Key === key && u.UploadId) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.UploadId })).catch(() => {});
      }
    }
  } catch {
    /* the server may not list multipart uploads (s3rver); nothing more we can do */
  }
}

/**
 * Checks one object against what was uploaded: size and x-amz-meta-sha256 via HeadObject, and with
 * `download` the sha256 of the bytes actually stored. Throws ObjectIntegrityError naming the key.
 */
export async function verifyObject(
  client: S3Client,
  bucket: string,
  key: string,
  expected: { size: number; sha256: string },
  opts: { download?: boolean } = {},
): Promise<void> {
  const url = `s3://${bucket}/${key}`;
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw s3Fault(err, await describeClient(client), `checking ${url}`);
  }
  const size = Number(head.ContentLength ?? -1);
  if (size !== expected.size) {
    throw new ObjectIntegrityError(`${url}: stored object has ${size} bytes, the local file ${expected.size}`, key);
  }
  const stored = head.Metadata?.[SHA256_METADATA_KEY];
  if (stored !== expected.sha256) {
    throw new ObjectIntegrityError(
      `${url}: stored sha256 metadata ${stored ?? "(missing)"} differs from the local file's ${expected.sha256}`,
      key,
    );
  }
  if (!opts.download) return;
  let actual: string;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const h = createHash("sha256");
    for await (const chunk of res.Body as AsyncIterable<Uint8Array>) h.update(chunk);
    actual = h.digest("hex");
  } catch (err) {
    throw s3Fault(err, await describeClient(client), `downloading ${url}`);
  }
  if (actual !== expected.sha256) {
    throw new ObjectIntegrityError(`${url}: downloaded bytes hash to ${actual}, expected ${expected.sha256}`, key);
  }
}

/** Deletes every object under `prefix` (1000 per request). Returns how many were deleted. */
export async function deleteTree(client: S3Client, bucket: string, prefix: string): Promise<number> {
  const where = await describeClient(client);
  let objects;
  try {
    objects = await listObjects(client, bucket, prefix);
  } catch (err) {
    throw s3Fault(err, where, `listing s3://${bucket}/${prefix}`);
  }
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000);
    try {
      const res = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((o) => ({ Key: o.key })), Quiet: true } }),
      );
      const failed = res.Errors ?? [];
      if (failed.length > 0) {
        const f = failed[0];
        throw Object.assign(new Error(`${failed.length} objects not deleted, first ${f.Key}: ${f.Code} ${f.Message ?? ""}`), {
          name: f.Code ?? "DeleteFailed",
        });
      }
    } catch (err) {
      throw s3Fault(err, where, `deleting under s3://${bucket}/${prefix}`);
    }
  }
  return objects.length;
}
