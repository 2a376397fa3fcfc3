// The reference on a worker thread (src/reference/thread.ts) is the same reference: fed the
// generator's batches on another thread, it returns exactly the rows the in-thread reference
// returns for the same generated data, and an error inside it reaches the generator.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import { DailySummaryReference } from "../../src/reference/summary.ts";
import { ReferenceThread } from "../../src/reference/thread.ts";
import { scaleManifest } from "../../src/scales.ts";

test("the reference computed on a worker thread equals the one computed in this thread, row for row", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "streambench-ref-thread-"));
  try {
    // the realistic profile: labels that change, storage, several namespaces and nodes
    const manifest = scaleManifest("small", 7, "realistic");
    const here = new DailySummaryReference({ enabledTagKeys: ["app", "env"] });
    const a = await generate(manifest, { clusterId: "c", outDir: join(dir, "a"), format: "parquet", seed: 7, sink: here });
    const thread = ReferenceThread.start({ enabledTagKeys: ["app", "env"] });
    if (!thread) return t.fail("this runtime could not start the reference thread");
    const b = await generate(manifest, { clusterId: "c", outDir: join(dir, "b"), format: "parquet", seed: 7, batchSink: thread });
    t.deepEqual(b.rows, a.rows);
    const expected = here.finish();
    t.true(expected.length > 100, `a summary worth comparing (${expected.length} rows)`);
    t.deepEqual(await thread.finish(), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an error inside the reference thread is reported by finish(), not swallowed", async (t) => {
  const thread = ReferenceThread.start({ enabledTagKeys: null });
  if (!thread) return t.fail("this runtime could not start the reference thread");
  try {
    // entities never announced: the thread cannot make rows of this batch
    const batch = { type: "pod" as const, n: 1, periodStart: 0, periodEnd: 1, intervalStart: new Float64Array([0]), entity: new Int32Array([5]), measures: Array.from({ length: 10 }, () => new Float64Array([1])) };
    thread.month();
    await thread.batch(batch);
    await t.throwsAsync(() => thread.finish(), { message: /reference thread/ });
  } finally {
    await thread.close();
  }
});
