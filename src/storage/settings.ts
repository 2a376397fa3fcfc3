// S3 settings from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_REGION, STREAMBENCH_BUCKET) and flags. Flags win over the environment. Nothing set means
// "use the embedded s3rver" (null), which the caller starts with startEmbeddedS3().
import { UsageError } from "../errors.ts";
import { nonEmpty, type Env } from "../contract/setting-value.ts";
import type { S3Access } from "../contract/job.ts";
import type { S3Settings } from "./client.ts";

export const DEFAULT_BUCKET = "cost-management";
export const DEFAULT_REGION = "us-east-1";

/** Flag values; undefined = not given. */
export interface S3Overrides {
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  bucket?: string;
  forcePathStyle?: boolean;
}

/** The bucket: --bucket, else STREAMBENCH_BUCKET, else "cost-management". Validated against S3's naming rules. */
export function resolveBucket(env: Env, override?: string): string {
  const fromFlag = nonEmpty(override);
  const bucket = fromFlag ?? nonEmpty(env.STREAMBENCH_BUCKET) ?? DEFAULT_BUCKET;
  const source = fromFlag ? "--bucket" : env.STREAMBENCH_BUCKET ? "STREAMBENCH_BUCKET" : "default bucket";
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new UsageError(
      `${source}: "${bucket}" is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, '.', '-'; starting and ending with a letter or digit)`,
    );
  }
  return bucket;
}

/** Validates an endpoint URL; names the setting it came from, never echoes credentials in it. */
export function parseEndpoint(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source}: not a URL (expected e.g. http://127.0.0.1:9000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source}: the scheme must be http or https, not ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.username || url.password) {
    throw new UsageError(`${source}: must not contain credentials; use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
  }
  if (url.search || url.hash) throw new UsageError(`${source}: must not have a query or fragment`);
  // Keep a path (rare; some gateways are mounted under one) but no trailing slash.
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/**
 * External S3 settings, or null when neither an endpoint nor credentials are configured (then the
 * embedded server is used). An endpoint without both keys is a UsageError naming what is missing.
 */
export function s3SettingsFromEnv(env: Env, overrides: S3Overrides = {}): S3Settings | null {
  const endpointFlag = nonEmpty(overrides.endpoint);
  const endpointRaw = endpointFlag ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const accessKeyId = nonEmpty(overrides.accessKeyId) ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = overrides.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  const bucket = resolveBucket(env, overrides.bucket);
  if (endpointRaw === undefined && accessKeyId === undefined) return null;

  const endpointSource = endpointFlag ? "--s3-endpoint" : env.AWS_ENDPOINT_URL_S3 ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL";
  const endpoint = endpointRaw === undefined ? undefined : parseEndpoint(endpointRaw, endpointSource);
  const where = endpoint ?? "AWS S3";
  if (accessKeyId === undefined) {
    throw new UsageError(`S3 endpoint ${where} is set but AWS_ACCESS_KEY_ID is not`);
  }
  if (secretAccessKey === undefined || secretAccessKey === "") {
    throw new UsageError(`S3 endpoint ${where} is set but AWS_SECRET_ACCESS_KEY is not (access key ${accessKeyId})`);
  }
  const region = nonEmpty(overrides.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`AWS_REGION: "${region}" is not a region name (e.g. us-east-1)`);
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    bucket,
    forcePathStyle: overrides.forcePathStyle ?? true,
    embedded: false,
  };
}

/** What a pipeline child needs to read S3 (contract/job.ts S3Access). */
export function toS3Access(settings: S3Settings): S3Access {
  return {
    endpoint: settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`,
    region: settings.region,
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
  };
}
