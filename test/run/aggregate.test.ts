// `aggregate`'s one mode over one input (src/run/aggregate.ts): the input is staged once, in the
// parent, so every engine reads gzipped CSVs as it reads plain ones, and the files read and skipped
// are named as the user gave them, never by their staged copies.
import test from "ava";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { aggregateInput } from "../../src/run/aggregate.ts";
import { compareSummaries, DEFAULT_TOLERANCE } from "../../src/validate/index.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";

const FIXTURE = join(NISE_FIXTURES, "random-defaults");
const work = mkdtempSync(join(tmpdir(), "streambench-aggregate-"));
test.after.always(() => rmSync(work, { recursive: true, force: true }));

/** The fixture with every CSV gzipped: 12 files, each `<name>.csv.gz`, none plain. */
const gzipped = (() => {
  const dir = join(work, "gz");
  mkdirSync(dir);
  for (const name of readdirSync(FIXTURE).filter((n) => n.endsWith(".csv"))) {
    writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(FIXTURE, name))), { flag: "w" });
  }
  return dir;
})();

for (const mode of ["duckdb", "postgres"] as const) {
  test(`${mode} over a .csv.gz copy of a fixture gives the in-memory summary of the plain CSVs`, async (t) => {
    const expected = (await aggregateInput(FIXTURE, "in-memory")).rows;
    const { rows } = await aggregateInput(gzipped, mode);
    t.true(expected.length > 0);
    t.is(compareSummaries(expected, rows, DEFAULT_TOLERANCE).verdict, "PASS");
  });
}

test("a child's files read and the files skipped are named as the user gave them: the .csv.gz, never the staged copy", async (t) => {
  const { report, skipped } = await aggregateInput(gzipped, "streaming");
  const used = report?.inputs?.used ?? [];
  // pod, storage, node and namespace labels for January and February: 4 x 2 files
  t.is(used.length, 8);
  t.true(used.every((u) => u.source.startsWith(`${gzipped}/`) && u.source.endsWith(".csv.gz")), JSON.stringify(used));
  t.deepEqual(used.filter((u) => u.type === "ocp_pod_usage").map((u) => basename(u.source)).sort(), [
    "February-2024-test-c1-ocp_pod_usage.csv.gz",
    "January-2024-test-c1-ocp_pod_usage.csv.gz",
  ]);
  // the VM and GPU files of both months, each with the reason
  t.deepEqual(skipped.map((s) => basename(s.source)).sort(), [
    "February-2024-test-c1-ocp_gpu_usage.csv.gz",
    "February-2024-test-c1-ocp_vm_usage.csv.gz",
    "January-2024-test-c1-ocp_gpu_usage.csv.gz",
    "January-2024-test-c1-ocp_vm_usage.csv.gz",
  ]);
  t.true(skipped.every((s) => /not used by the daily usage summary/.test(s.reason)));
});
