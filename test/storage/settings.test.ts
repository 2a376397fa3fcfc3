// S3 settings from the environment and flags: what is picked, what is refused, and that the
// secret never appears in an error.
import test from "ava";
import { UsageError } from "../../src/errors.ts";
import { describeS3, polarsCloudOptions, resolveBucket, s3SettingsFromEnv, toS3Access } from "../../src/storage/index.ts";

test("nothing configured means the embedded server (null)", (t) => {
  t.is(s3SettingsFromEnv({}), null);
  t.is(s3SettingsFromEnv({ AWS_REGION: "eu-west-1", STREAMBENCH_BUCKET: "x-y-z" }), null);
});

test("the standard AWS variables configure an external server, path-style, checksums handled by the client", (t) => {
  const s = s3SettingsFromEnv({
    AWS_ENDPOINT_URL: "http://minio.local:9000/",
    AWS_ACCESS_KEY_ID: "minio",
    AWS_SECRET_ACCESS_KEY: "minio-secret",
    AWS_REGION: "eu-west-1",
    STREAMBENCH_BUCKET: "koku-bucket",
  });
  t.deepEqual(s, {
    endpoint: "http://minio.local:9000",
    region: "eu-west-1",
    accessKeyId: "minio",
    secretAccessKey: "minio-secret",
    bucket: "koku-bucket",
    forcePathStyle: true,
    embedded: false,
  });
});

test("flags win over the environment; the default region is us-east-1 and the default bucket cost-management", (t) => {
  const s = s3SettingsFromEnv(
    { AWS_ENDPOINT_URL: "http://a:1", AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" },
    { endpoint: "https://b:2", accessKeyId: "k2" },
  )!;
  t.is(s.endpoint, "https://b:2");
  t.is(s.accessKeyId, "k2");
  t.is(s.region, "us-east-1");
  t.is(s.bucket, "cost-management");
  t.is(resolveBucket({ STREAMBENCH_BUCKET: "env-bucket" }, "flag-bucket"), "flag-bucket");
});

test("an endpoint without keys, a bad URL or a bad bucket is a UsageError naming the setting, never the secret", (t) => {
  t.throws(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL: "http://x:1" }), { instanceOf: UsageError, message: /AWS_ACCESS_KEY_ID is not/ });
  const e = t.throws(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL: "http://x:1", AWS_ACCESS_KEY_ID: "id" }), { instanceOf: UsageError });
  t.regex(e.message, /AWS_SECRET_ACCESS_KEY is not/);
  t.throws(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL: "not a url", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }), {
    instanceOf: UsageError,
    message: /^AWS_ENDPOINT_URL: not a URL/,
  });
  t.throws(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL: "ftp://x", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }), { message: /http or https/ });
  const cred = t.throws(
    () => s3SettingsFromEnv({ AWS_ENDPOINT_URL: "http://u:topsecret@x:1", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }),
    { instanceOf: UsageError },
  );
  t.false(cred.message.includes("topsecret"));
  t.throws(() => resolveBucket({}, "Bad_Bucket"), { instanceOf: UsageError, message: /--bucket: "Bad_Bucket" is not a valid S3 bucket name/ });
  t.throws(() => resolveBucket({ STREAMBENCH_BUCKET: "ab" }), { message: /STREAMBENCH_BUCKET/ });
});

test("describeS3 and the polars options carry what a reader needs; describeS3 never the secret", (t) => {
  const s = s3SettingsFromEnv({ AWS_ENDPOINT_URL: "http://127.0.0.1:9000", AWS_ACCESS_KEY_ID: "id1", AWS_SECRET_ACCESS_KEY: "sec1" })!;
  t.is(describeS3(s), "http://127.0.0.1:9000 (access key id1)");
  t.deepEqual(polarsCloudOptions(s), {
    aws_endpoint_url: "http://127.0.0.1:9000",
    aws_allow_http: "true",
    aws_region: "us-east-1",
    aws_access_key_id: "id1",
    aws_secret_access_key: "sec1",
  });
  t.deepEqual(toS3Access(s), { endpoint: "http://127.0.0.1:9000", region: "us-east-1", accessKeyId: "id1", secretAccessKey: "sec1" });
});
