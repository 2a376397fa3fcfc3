// The realistic profile (usage drawn every hour, pods with partial lives, a label changing at one
// hour): both polars modes equal the reference, as on the constant profile.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { generate } from "../../src/nise/generate.ts";
import { scaleManifest } from "../../src/scales.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";

test("realistic small: in-memory and streaming give the reference's rows, including a day with two label sets for one pod", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "streambench-realistic-"));
  try {
    const dir = join(work, "csv");
    await generate(scaleManifest("small", 42, "realistic"), { clusterId: "benchmark-small", outDir: dir, format: "csv", seed: 42 });
    const reference = (await aggregateInput(dir, "reference")).rows;
    // pod-1-5 changes label_release from r1 to r2 at some hour: both label sets show in the Pod rows
    const releases = new Set(reference.filter((r) => r.namespace === "namespace-1").map((r) => /"release": ?"(r\d)"/.exec(String(r.pod_labels))?.[1]).filter(Boolean));
    t.deepEqual([...releases].sort(), ["r1", "r2"]);
    for (const mode of ["in-memory", "streaming"] as const) {
      const { rows } = await aggregateInput(dir, mode);
      const r = compareSummaries(reference, rows, DEFAULT_TOLERANCE);
      t.is(r.verdict, "PASS", `${mode}: ${JSON.stringify(r.rows)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
