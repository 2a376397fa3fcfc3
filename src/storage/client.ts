// The S3 client and its settings. It imports nothing of the project but the contract (S3Access),
// since the pipeline children import it to read their input. Checksums are WHEN_REQUIRED always: the SDK's default aws-chunked
// streaming upload is stored verbatim by s3rver (silently corrupt objects, stack-notes §3).
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Access } from "../contract/job.ts";

/** Where and how to reach S3. `secretAccessKey` must never be printed: use describeS3(). */
export interface S3Settings {
  /** e.g. "http://127.0.0.1:4569"; undefined = AWS's own endpoint for the region. */
  endpoint: string | undefined;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** Path-style addressing (http://host/bucket/key). Always true for local servers. */
  forcePathStyle: boolean;
  /** True for the embedded s3rver that streambench started itself. */
  embedded: boolean;
}

/** Attempts per request (first try included) and the connect timeout, both inside a 15 s budget. */
export const S3_MAX_ATTEMPTS = 4;
export const S3_CONNECT_TIMEOUT_MS = 2_500;
/** Socket idle timeout of a request; large parts stream well under it on a healthy server. */
export const S3_REQUEST_TIMEOUT_MS = 60_000;

/** "http://127.0.0.1:4569 (access key S3RVER)": safe to print, never the secret. */
export function describeS3(settings: Pick<S3Settings, "endpoint" | "region" | "accessKeyId">): string {
  const where = settings.endpoint ?? `AWS S3 (${settings.region})`;
  return `${where} (access key ${settings.accessKeyId || "<none>"})`;
}

export function createS3Client(settings: S3Settings): S3Client {
  // The SDK writes a multi-line NodeVersionSupportWarning to stderr on Node 20, which would tear
  // through the TUI and every child's stderr. The user can still opt in by setting it to "false".
  if (typeof process !== "undefined" && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  }
  return new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: S3_MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: S3_REQUEST_TIMEOUT_MS },
  });
}

/** Options for nodejs-polars scanParquet/sinkParquet on s3:// URLs. */
export function polarsCloudOptions(settings: S3Settings): {
  aws_endpoint_url?: string;
  aws_allow_http: string;
  aws_region: string;
  aws_access_key_id: string;
  aws_secret_access_key: string;
} {
  const endpoint = settings.endpoint;
  return {
    ...(endpoint ? { aws_endpoint_url: endpoint } : {}),
    aws_allow_http: endpoint?.startsWith("http://") ? "true" : "false",
    aws_region: settings.region,
    aws_access_key_id: settings.accessKeyId,
    aws_secret_access_key: settings.secretAccessKey,
  };
}

/** Settings for a pipeline child that got an S3Access (contract/job.ts) in its job. */
export function s3SettingsFromAccess(access: S3Access, bucket: string): S3Settings {
  return { ...access, bucket, forcePathStyle: true, embedded: false };
}
