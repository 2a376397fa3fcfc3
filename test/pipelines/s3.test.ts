// Input in S3 (the embedded s3rver): in-memory downloads every object into a Buffer, streaming
// scans s3://bucket/prefix/**/<table>/*.parquet with cloudOptions. Both give the rows they give
// from the same parquet on local disk.
import test from "ava";
import { join } from "node:path";
import type { JobInput, Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { readSummaryParquet } from "../../src/report/canonical-summary-csv.ts";
import { createS3Client, ensureBucket, startEmbeddedS3, toS3Access, uploadTree } from "../../src/storage/index.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { csvFixtureToParquet, FIXTURES, removeDir, runPipelineChild, tempDir } from "./helpers.ts";

async function rows(mode: Mode, input: JobInput, dir: string): Promise<SummaryRow[]> {
  const output = join(dir, `${mode}-${input.kind}.parquet`);
  const result = await runPipelineChild(mode, input, output);
  if (result.exitCode !== 0) throw new Error(`${mode}/${input.kind} failed: ${result.report?.error ?? result.stderr}`);
  return readSummaryParquet(output);
}

test("S3 input: both modes give the same rows as from the same parquet on local disk", async (t) => {
  const work = tempDir("s3");
  const parquet = csvFixtureToParquet(join(FIXTURES, "multi-month-shared-pv"));
  const server = await startEmbeddedS3(join(work, "s3rver"), { bucket: "streambench-test" });
  try {
    const client = createS3Client(server.settings);
    await ensureBucket(client, server.settings.bucket);
    await uploadTree(client, server.settings.bucket, parquet, { prefix: "run-1/" });
    const s3: JobInput = { kind: "s3", bucket: server.settings.bucket, prefix: "run-1", s3: toS3Access(server.settings) };
    const local = await rows("in-memory", { kind: "parquet", dir: parquet }, work);
    t.true(local.length > 0);
    for (const mode of ["in-memory", "streaming"] as const) {
      const r = compareSummaries(local, await rows(mode, s3, work), DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${mode} from S3: ${JSON.stringify({ rows: r.rows, samples: r.samples })}`);
    }
  } finally {
    await server.stop();
    removeDir(parquet);
    removeDir(work);
  }
});
