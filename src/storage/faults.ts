// Turns SDK and network errors into one clear ServiceError line: which endpoint, which access key,
// what we were doing, what went wrong. Never the secret key.
import { ServiceError } from "../errors.ts";
import { describeS3, S3_MAX_ATTEMPTS } from "./client.ts";
import type { S3Client } from "@aws-sdk/client-s3";

/** An object in S3 differs from the local file it was uploaded from. */
export class ObjectIntegrityError extends ServiceError {
  override name = "ObjectIntegrityError";
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
  errors?: unknown[];
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

function networkCode(err: SdkErrorShape): string | undefined {
  for (let e: SdkErrorShape | undefined = err, depth = 0; e && depth < 5; e = e.cause as SdkErrorShape | undefined, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "TimeoutError") return "ETIMEDOUT";
    // AggregateError from happy-eyeballs connects.
    for (const sub of (e.errors ?? []) as SdkErrorShape[]) if (sub?.code && NETWORK_CODES.has(sub.code)) return sub.code;
  }
  return undefined;
}

/** Where a client points, resolved from its config (endpoint + access key id only). */
export async function describeClient(client: S3Client): Promise<string> {
  let endpoint: string | undefined;
  let accessKeyId = "";
  try {
    const ep = await client.config.endpoint?.();
    if (ep) endpoint = `${ep.protocol}//${ep.hostname}${ep.port ? `:${ep.port}` : ""}${ep.path && ep.path !== "/" ? ep.path : ""}`;
  } catch {
    /* no custom endpoint */
  }
  try {
    accessKeyId = (await client.config.credentials()).accessKeyId;
  } catch {
    /* no credentials */
  }
  const region = await client.config.region().catch(() => "?");
  return describeS3({ endpoint, region, accessKeyId });
}

/** A ServiceError for `err`, raised while `action` (e.g. `creating bucket "x"`) against `where`. */
export function s3Fault(err: unknown, where: string, action: string): ServiceError {
  if (err instanceof ServiceError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const code = e.Code ?? e.name ?? "Error";
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  const net = networkCode(e);
  let what: string;
  if (e.name === "AbortError" || (e.name === "TimeoutError" && !e.$metadata)) {
    what = `did not answer in time (${e.name})`;
  } else if (net) {
    what = `cannot be reached (${net}${net === "ETIMEDOUT" ? "" : ""})${tries || ` after up to ${S3_MAX_ATTEMPTS} attempts`}`;
  } else if (code === "InvalidAccessKeyId" || code === "SignatureDoesNotMatch" || code === "InvalidToken" || code === "ExpiredToken") {
    what = `rejected the credentials (${code}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  } else if (code === "AccessDenied" || status === 403) {
    what = `denied permission (${code}, HTTP ${status ?? 403})`;
  } else if (code === "NoSuchBucket") {
    what = `has no such bucket (NoSuchBucket)`;
  } else if (status !== undefined && status >= 500) {
    what = `failed with HTTP ${status} (${code})${tries}`;
  } else if (status !== undefined) {
    what = `refused the request with HTTP ${status} (${code}${e.message && e.message !== code ? `: ${oneLine(e.message)}` : ""})`;
  } else {
    what = `failed: ${code}${e.message && e.message !== code ? `: ${oneLine(e.message)}` : ""}`;
  }
  return new ServiceError(`S3 at ${where} ${what} while ${action}`);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").slice(0, 300);
}
