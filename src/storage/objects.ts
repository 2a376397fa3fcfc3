// Listing and downloading objects. A leaf module (imports only ./client.ts types): the in-memory
// pipeline child downloads its input with these.
import { GetObjectCommand, ListObjectsCommand, type S3Client } from "@aws-sdk/client-s3";

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

/** A tree of objects in S3 (a Koku parquet tree): the bucket and the folder its prefix means (folderPrefix). */
export interface S3Tree {
  bucket: string;
  prefix: string;
}

/**
 * A prefix a user gives (`pq`, `pq/`, `/pq//`) as the folder it means, "pq/" ("" for the whole
 * bucket): listed as given, `pq` would also list `pq_nan/` and `pq2/`.
 */
export function folderPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

/**
 * Every object under `prefix` (all pages), sorted by key. Uses ListObjects (v1) with Marker: s3rver
 * 3.7.1 answers a *truncated* ListObjectsV2 with HTTP 500, because its continuation token uses
 * DES, which OpenSSL 3 (Node >= 17) no longer has. v1 pages by the last key and works everywhere.
 */
export async function listObjects(client: S3Client, bucket: string, prefix = "", opts: { pageSize?: number } = {}): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectsCommand({ Bucket: bucket, Prefix: prefix || undefined, Marker: marker, MaxKeys: opts.pageSize }),
    );
    const contents = page.Contents ?? [];
    for (const o of contents) {
      if (o.Key === undefined) continue;
      out.push({ key: o.Key, size: Number(o.Size ?? 0), etag: o.ETag, lastModified: o.LastModified });
    }
    const last = page.NextMarker ?? contents.at(-1)?.Key;
    if (!page.IsTruncated || last === undefined || last === marker) break;
    marker = last;
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** The whole object in memory. Throws if the body is shorter or longer than Content-Length. */
export async function getObjectBuffer(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) throw new Error(`s3://${bucket}/${key}: GetObject returned no body`);
  const bytes = await res.Body.transformToByteArray();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (res.ContentLength !== undefined && buf.length !== Number(res.ContentLength)) {
    throw new Error(`s3://${bucket}/${key}: got ${buf.length} bytes, Content-Length says ${res.ContentLength}`);
  }
  return buf;
}
