// The bucket exists (created if missing) and the credentials work: the first call of a run, so its
// failure is the one the user sees when S3 is unreachable or refuses.
import { CreateBucketCommand, ListObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { ServiceError } from "../errors.ts";
import { describeClient, s3Fault } from "./faults.ts";

/** The first calls of a run give up after this long, even against a server that never answers. */
export const S3_PROBE_BUDGET_MS = 12_000;

function errCode(err: unknown): string | undefined {
  const e = err as { Code?: string; name?: string } | undefined;
  return e?.Code ?? e?.name;
}

async function probe(client: S3Client, bucket: string): Promise<"exists" | "missing"> {
  try {
    // v1, not v2: s3rver fails a truncated ListObjectsV2 with HTTP 500 (see objects.ts).
    await client.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 1 }), { abortSignal: AbortSignal.timeout(S3_PROBE_BUDGET_MS) });
    return "exists";
  } catch (err) {
    if (errCode(err) === "NoSuchBucket") return "missing";
    throw err;
  }
}

/**
 * Makes sure `bucket` exists and is readable with these credentials. Creates it when missing;
 * BucketAlreadyOwnedByYou (AWS) and BucketAlreadyExists (s3rver's 409 for its own bucket, or a
 * race with another creator) count as success if the bucket is then readable.
 * Returns true if this call created the bucket.
 */
export async function ensureBucket(client: S3Client, bucket: string): Promise<boolean> {
  const where = await describeClient(client);
  try {
    if ((await probe(client, bucket)) === "exists") return false;
  } catch (err) {
    throw s3Fault(err, where, `checking bucket "${bucket}"`);
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(S3_PROBE_BUDGET_MS) });
    return true;
  } catch (err) {
    const code = errCode(err);
    if (code !== "BucketAlreadyOwnedByYou" && code !== "BucketAlreadyExists") {
      throw s3Fault(err, where, `creating bucket "${bucket}"`);
    }
  }
  try {
    await probe(client, bucket);
    return false;
  } catch (err) {
    const fault = s3Fault(err, where, `reading bucket "${bucket}"`);
    throw new ServiceError(`${fault.message} (the bucket exists but may belong to another account)`);
  }
}
