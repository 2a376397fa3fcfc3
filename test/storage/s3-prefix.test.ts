// `s3://bucket/pq` means the folder pq/ in every mode (issue 20, case 6): beside pq/ a bucket may hold
// pq_nan/ or pq2/, which share the letters "pq" but are other folders.
import test from "ava";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import { scaleManifest } from "../../src/scales.ts";
import { createS3Client } from "../../src/storage/client.ts";
import { startEmbeddedS3 } from "../../src/storage/embedded.ts";
import { folderPrefix } from "../../src/storage/objects.ts";
import { uploadTree } from "../../src/storage/upload.ts";
import { readKokuTreeFromS3 } from "../../src/nise/parquet-import.ts";
import { parseS3Url } from "../../src/input/open-input.ts";
import { discoverS3 } from "../../pipelines/input-files.ts";
import { DailySummaryReference } from "../../src/reference/summary.ts";
import { toS3Access } from "../../src/storage/settings.ts";
import { startCli } from "../run/cli-process.ts";

test("a prefix is a folder: pq, pq/ and /pq// all mean pq/, and no prefix the whole bucket", (t) => {
  t.is(folderPrefix("pq"), "pq/");
  t.is(folderPrefix("pq/"), "pq/");
  t.is(folderPrefix("/pq//"), "pq/");
  t.is(folderPrefix(""), "");
  t.deepEqual(parseS3Url("s3://b/data/x"), { bucket: "b", prefix: "data/x/" });
  t.deepEqual(parseS3Url("s3://b"), { bucket: "b", prefix: "" });
});

test.serial("s3://bucket/pq reads pq/ only, not its neighbour pq_nan/, in the reference, the modes' discovery and run (with or without a trailing slash)", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "streambench-s3-prefix-"));
  const server = await startEmbeddedS3(join(work, "s3"), { bucket: "user-data" });
  const client = createS3Client(server.settings);
  try {
    const generated = await generate(scaleManifest("small", 42), { clusterId: "benchmark-small", outDir: join(work, "tree"), format: "parquet", seed: 42 });
    // the same tree twice: under pq/ and under pq_nan/
    for (const folder of ["pq", "pq_nan"]) await uploadTree(client, "user-data", join(generated.outDir, "data"), { prefix: `${folder}/data/` });
    for (const url of ["s3://user-data/pq", "s3://user-data/pq/"]) {
      const read = await readKokuTreeFromS3(client, parseS3Url(url)!, new DailySummaryReference({ enabledTagKeys: null }));
      // small = 10 pods x 744 hours = 7,440 pod rows, once
      t.is(read.rows.pod, 7440, url);
      t.true(read.used.every((u) => u.source.startsWith("s3://user-data/pq/")), url);
      const files = await discoverS3({ kind: "s3", bucket: "user-data", prefix: url.slice("s3://user-data/".length).replace(/\/$/, ""), s3: toS3Access(server.settings) });
      t.deepEqual([...new Set(files.pod.map((f) => f.path.split("/")[3]))], ["pq"], url);
    }
    const out = join(work, "results");
    const env = {
      AWS_ENDPOINT_URL: server.settings.endpoint,
      AWS_ACCESS_KEY_ID: server.settings.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.settings.secretAccessKey,
      AWS_REGION: server.settings.region,
    };
    const result = await startCli(["run", "--headless", "--runs", "1", "--input", "s3://user-data/pq/", "--out", out], env).done;
    t.is(result.code, 0, result.stdout + result.stderr);
    const summary = readFileSync(join(realpathSync(join(out, "latest")), "SUMMARY.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    t.deepEqual(summary.map((r) => [r[1], r[5], r[7]]), [["in-memory", "7440", "PASS"], ["streaming", "7440", "PASS"]]);
  } finally {
    client.destroy();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
