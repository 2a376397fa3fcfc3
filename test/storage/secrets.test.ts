// A child process configured with a secret S3 key, pointed at an S3 endpoint that is closed or
// that refuses its key, prints the endpoint and access key but never the secret.
import { rm } from "node:fs/promises";
import test from "ava";
import { startEmbeddedS3, type EmbeddedS3 } from "../../src/storage/index.ts";
import { connectCheck } from "../db/child.ts";
import { tempDir } from "./helpers.ts";
import { closedPort } from "../net-helpers.ts";

const SECRET = "S3-S3cr3t-never-print-0815";
let s3: EmbeddedS3;
let dir: string;

test.before(async () => {
  dir = await tempDir("s3-secrets");
  s3 = await startEmbeddedS3(dir);
});
test.after.always(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("an unreachable S3 endpoint: the child names endpoint and access key, exits 3, never prints the secret", async (t) => {
  const port = await closedPort();
  const res = await connectCheck("s3", { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: "bench-key", AWS_SECRET_ACCESS_KEY: SECRET });
  t.is(res.code, 3);
  t.true(res.ms < 20_000);
  t.false((res.stdout + res.stderr).includes(SECRET));
  t.true(res.stderr.includes(`S3 at http://127.0.0.1:${port} (access key bench-key) cannot be reached`), res.stderr);
});

test("S3 refusing the key: the child reports the refusal and never prints the secret", async (t) => {
  const res = await connectCheck("s3", { AWS_ENDPOINT_URL: s3.settings.endpoint!, AWS_ACCESS_KEY_ID: "bench-key", AWS_SECRET_ACCESS_KEY: SECRET });
  t.is(res.code, 3);
  t.false((res.stdout + res.stderr).includes(SECRET));
  t.true(res.stderr.includes(`S3 at ${s3.settings.endpoint} (access key bench-key) rejected the credentials (InvalidAccessKeyId)`), res.stderr);
});
