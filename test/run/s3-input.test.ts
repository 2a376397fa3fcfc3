// `run --input s3://bucket/prefix`: a Koku parquet tree already in the user's S3 is aggregated in
// place, validated against the reference read from the same objects, and left untouched.
import test from "ava";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { generate } from "../../src/nise/generate.ts";
import { scaleManifest } from "../../src/scales.ts";
import { createS3Client } from "../../src/storage/client.ts";
import { startEmbeddedS3 } from "../../src/storage/embedded.ts";
import { listObjects } from "../../src/storage/objects.ts";
import { toS3Access } from "../../src/storage/settings.ts";
import { uploadTree } from "../../src/storage/upload.ts";
import { startCli } from "./cli-process.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";

test.serial("run --input s3:// on a generated small tree passes both modes and neither writes nor deletes an object in that bucket", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "streambench-s3-input-"));
  const server = await startEmbeddedS3(join(work, "s3"), { bucket: "user-data" });
  const client = createS3Client(server.settings);
  try {
    const generated = await generate(scaleManifest("small", 42), { clusterId: "benchmark-small", outDir: join(work, "tree"), format: "parquet", seed: 42 });
    const prefix = `data/${generated.org}/OCP/source=${generated.sourceUuid}`;
    await uploadTree(client, "user-data", join(generated.outDir, prefix), { prefix: `${prefix}/` });
    // something that is not OCP data under the same prefix: listed as skipped, not read
    await client.send(new PutObjectCommand({ Bucket: "user-data", Key: `${prefix}/README.txt`, Body: "notes" }));
    const before = await listObjects(client, "user-data");

    const out = join(work, "results");
    const { done } = startCli(["run", "--headless", "--runs", "1", "--input", `s3://user-data/${prefix}`, "--out", out], {
      AWS_ENDPOINT_URL: server.settings.endpoint,
      AWS_ACCESS_KEY_ID: server.settings.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.settings.secretAccessKey,
      AWS_REGION: server.settings.region,
    });
    const result = await done;
    t.is(result.code, 0, result.stdout + result.stderr);

    const runDir = realpathSync(join(out, "latest"));
    const summary = readFileSync(join(runDir, "SUMMARY.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    // small = 10 pods x 744 hours
    t.deepEqual(summary.map((r) => [r[1], r[2], r[5], r[7]]), [
      ["in-memory", "SUCCESS", "7440", "PASS"],
      ["streaming", "SUCCESS", "7440", "PASS"],
    ]);
    const json = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
    const scale = json.report.scales[0];
    const parquetObjects = before.filter((o) => o.key.endsWith(".parquet"));
    t.is(scale.inputFiles.length, parquetObjects.length, "every parquet object is listed as read");
    const podRows = scale.inputFiles.filter((f: { type: string }) => f.type === "ocp_pod_usage").reduce((a: number, f: { rows: number }) => a + f.rows, 0);
    t.is(podRows, 7440);
    t.deepEqual(scale.skippedFiles.map((s: { source: string }) => s.source), [`s3://user-data/${prefix}/README.txt`]);
    t.regex(result.stdout, /skipped s3:\/\/user-data\/.*README\.txt/);

    // aggregate reads the same tree: the reference gives the run's reference summary, the polars modes equal it
    const env = {
      AWS_ENDPOINT_URL: server.settings.endpoint,
      AWS_ACCESS_KEY_ID: server.settings.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.settings.secretAccessKey,
      AWS_REGION: server.settings.region,
    };
    const file = join(work, "aggregate-reference.csv");
    const agg = await startCli(["aggregate", "--input", `s3://user-data/${prefix}`, "--mode", "reference", "--out", file], env).done;
    t.is(agg.code, 0, agg.stderr);
    t.is(readFileSync(file, "utf8"), readFileSync(join(runDir, "summary_input_reference.csv"), "utf8"));
    t.regex(agg.stderr, /skipped s3:\/\/user-data\/.*README\.txt/);
    const s3 = toS3Access(server.settings);
    const { rows: reference } = await aggregateInput(`s3://user-data/${prefix}`, "reference", { s3 });
    for (const mode of ["in-memory", "streaming"] as const) {
      const { rows } = await aggregateInput(`s3://user-data/${prefix}`, mode, { s3 });
      t.is(compareSummaries(reference, rows, DEFAULT_TOLERANCE).verdict, "PASS", mode);
    }

    const after = await listObjects(client, "user-data");
    t.deepEqual(after.map((o) => [o.key, o.etag]), before.map((o) => [o.key, o.etag]), "the bucket is unchanged");
  } finally {
    client.destroy();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
