// Parquet input with a measure no mode may sum (issue 20, case 5): NaN, +Infinity, -Infinity, or no
// value where every row needs one. CSV input already refuses NaN and Infinity; parquet input is
// refused the same way by every mode (file, row and column named, exit 2), instead of the polars
// modes dropping the hourly row or carrying -Infinity into the summary.
import test from "ava";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../../src/nise/generate.ts";
import { scaleManifest } from "../../src/scales.ts";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { toS3Access } from "../../src/storage/settings.ts";
import { createS3Client } from "../../src/storage/client.ts";
import { startEmbeddedS3 } from "../../src/storage/embedded.ts";
import { uploadTree } from "../../src/storage/upload.ts";
import { DataError } from "../../src/errors.ts";
import type { Mode } from "../../src/contract/job.ts";
import { startCli } from "../run/cli-process.ts";

const work = mkdtempSync(join(tmpdir(), "streambench-parquet-measures-"));
let podFile = ""; // the pod table's file, relative to a tree's root

/** The path of a table's (default: the pod table's) parquet file under `root`, relative to it. */
function findTableFile(root: string, rel = "", table = "openshift_pod_usage_line_items"): string | null {
  for (const name of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = join(rel, name.name);
    if (name.isDirectory()) {
      const found = findTableFile(root, path, table);
      if (found) return found;
    } else if (name.name.endsWith(".parquet") && rel.endsWith(table)) return path;
  }
  return null;
}

test.before(async () => {
  await generate(scaleManifest("small", 42), { clusterId: "benchmark-small", outDir: join(work, "clean"), format: "parquet", seed: 42 });
  podFile = findTableFile(join(work, "clean"))!;
});

test.after.always(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the clean tree with pod_usage_cpu_core_seconds of the 6th pod row (index 5) set to `value`. */
function treeWith(name: string, value: number | null): string {
  const root = join(work, name);
  cpSync(join(work, "clean"), root, { recursive: true });
  const df = pl.readParquet(join(root, podFile));
  const column = df.getColumn("pod_usage_cpu_core_seconds").toArray() as (number | null)[];
  column[5] = value;
  df.withColumn(pl.Series("pod_usage_cpu_core_seconds", column, pl.Float64)).writeParquet(join(root, podFile));
  return root;
}

async function refusal(dir: string, mode: Mode): Promise<string> {
  const e = await aggregateInput(dir, mode).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(e instanceof DataError)) throw new Error(`${mode}: expected a DataError, got ${e === null ? "a summary" : String(e)}`);
  return e.message;
}

test("every parquet mode refuses a NaN pod measure, naming file, row 6 and the column", async (t) => {
  const tree = treeWith("nan", NaN);
  for (const mode of ["in-memory", "streaming", "duckdb", "postgres"] as const) {
    t.is(await refusal(tree, mode), `${join(tree, podFile)}: row 6, column "pod_usage_cpu_core_seconds": NaN is not a finite number`, mode);
  }
});

test("+Infinity, -Infinity and a missing pod measure are refused too; a missing storage request (a PV without a claim) is not", async (t) => {
  for (const [name, value, why] of [
    ["inf", Infinity, "Infinity is not a finite number"],
    ["neginf", -Infinity, "-Infinity is not a finite number"],
    ["null", null, "empty (null), where every row needs a number"],
  ] as const) {
    const tree = treeWith(name, value);
    t.is(await refusal(tree, "streaming"), `${join(tree, podFile)}: row 6, column "pod_usage_cpu_core_seconds": ${why}`, name);
  }
  // the clean tree holds claimless PVs, whose volume_request_storage_byte_seconds is null ...
  const storage = pl.readParquet(join(work, "clean", findTableFile(join(work, "clean"), "", "openshift_storage_usage_line_items")!));
  t.true(storage.getColumn("volume_request_storage_byte_seconds").nullCount() > 0, "the clean tree has a PV without a claim");
  // ... and is summarised, not refused
  const { rows } = await aggregateInput(join(work, "clean"), "in-memory");
  t.true(rows.length > 0);
});

test.serial("over s3://, the reference and run --input refuse a non-finite measure with exit 2 naming the object, row and column", async (t) => {
  const server = await startEmbeddedS3(join(work, "s3"), { bucket: "user-data" });
  const client = createS3Client(server.settings);
  const env = {
    AWS_ENDPOINT_URL: server.settings.endpoint,
    AWS_ACCESS_KEY_ID: server.settings.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.settings.secretAccessKey,
    AWS_REGION: server.settings.region,
  };
  try {
    await uploadTree(client, "user-data", treeWith("s3-nan", NaN), { prefix: "nan/" });
    await uploadTree(client, "user-data", treeWith("s3-inf", Infinity), { prefix: "inf/" });
    const e = await t.throwsAsync(aggregateInput("s3://user-data/nan", "reference", { s3: toS3Access(server.settings) }), { instanceOf: DataError });
    t.is(e!.message, `s3://user-data/nan/${podFile}: row 6, column "pod_usage_cpu_core_seconds": NaN is not a finite number`);
    const run = await startCli(["run", "--headless", "--runs", "1", "--input", "s3://user-data/inf", "--out", join(work, "results")], env).done;
    t.is(run.code, 2, run.stdout + run.stderr);
    t.true((run.stdout + run.stderr).includes(`s3://user-data/inf/${podFile}: row 6, column "pod_usage_cpu_core_seconds": Infinity is not a finite number`), run.stdout);
  } finally {
    client.destroy();
    await server.stop();
  }
});

test("a local parquet tree holding a folder twice (through a link) is refused naming it by every mode, not summed twice", async (t) => {
  const root = join(work, "linked");
  mkdirSync(root);
  cpSync(join(work, "clean", "data"), join(root, "data"), { recursive: true });
  symlinkSync("data", join(root, "alias")); // alias/ sorts before data/: data/ is the repeat
  for (const mode of ["in-memory", "streaming", "duckdb"] as const) {
    t.is(
      await refusal(root, mode),
      `${join(root, "data")}: the same folder as ${join(root, "alias")} (reached through a link); a parquet tree must hold each file once, with no links that repeat it`,
      mode,
    );
  }
});
