// Input in S3 (the embedded s3rver): in-memory downloads every object into a Buffer, streaming
// scans s3://bucket/prefix/**/<table>/*.parquet with cloudOptions. Both give the rows they give
// from the same parquet on local disk.
import test from "ava";
import { join } from "node:path";
import type { JobInput } from "../../src/contract/job.ts";
import { createS3Client, ensureBucket, startEmbeddedS3, toS3Access, uploadTree } from "../../src/storage/index.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { csvFixtureToParquet, FIXTURES, removeDir, runSummary, tempDir } from "./helpers.ts";

test("S3 input: both modes give the same rows as from the same parquet on local disk", async (t) => {
  const work = tempDir("s3");
  const parquet = csvFixtureToParquet(join(FIXTURES, "multi-month-shared-pv"));
  const server = await startEmbeddedS3(join(work, "s3rver"), { bucket: "streambench-test" });
  try {
    const client = createS3Client(server.settings);
    await ensureBucket(client, server.settings.bucket);
    await uploadTree(client, server.settings.bucket, parquet, { prefix: "run-1/" });
    const s3: JobInput = { kind: "s3", bucket: server.settings.bucket, prefix: "run-1", s3: toS3Access(server.settings) };
    const local = await runSummary("in-memory", { kind: "parquet", dir: parquet });
    t.true(local.length > 0);
    for (const mode of ["in-memory", "streaming"] as const) {
      const r = compareSummaries(local, await runSummary(mode, s3), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${mode} from S3: ${JSON.stringify({ rows: r.rows, samples: r.samples })}`);
    }
  } finally {
    await server.stop();
    removeDir(parquet);
    removeDir(work);
  }
});
