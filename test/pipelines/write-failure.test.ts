// A child that cannot write its summary for want of space fails with the protocol's own kind
// ("output", errno code ENOSPC), not as a fault: the parent makes it the CLI's OutputError, exit 5.
// The child knows no CLI error class (pipelines/ never imports src/errors.ts).
import test from "ava";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitCodeFor, OutputError } from "../../src/errors.ts";
import { runPipeline } from "../../src/child/launcher.ts";
import { FIXTURES, runPipelineChild } from "./helpers.ts";
import { mountTmpfs, unmountTmpfs } from "../tmpfs.ts";

const work = mkdtempSync(join(tmpdir(), "streambench-write-failure-"));
/** A 64 KiB tmpfs, filled to the last byte, when this process may mount one (root). */
const full = join(work, "full");
mkdirSync(full);
const mounted = mountTmpfs(full, "64k");
if (mounted) {
  try {
    writeFileSync(join(full, "filler"), Buffer.alloc(1 << 20));
  } catch {
    // ENOSPC: the disk is full, as wanted
  }
}

test.after.always(() => {
  if (mounted) unmountTmpfs(full);
  rmSync(work, { recursive: true, force: true });
});

const input = { kind: "csv" as const, dir: join(FIXTURES, "random-defaults") };

for (const mode of ["in-memory", "duckdb"] as const) {
  (mounted ? test.serial : test.skip)(`${mode}: a summary that cannot be written to a full disk is kind "output", ENOSPC, naming the file`, async (t) => {
    const output = join(full, `${mode}.parquet`);
    const result = await runPipelineChild(mode, input, output);
    t.is(result.exitCode, 1);
    const report = result.report as { ok: boolean; kind?: string; code?: string; error?: string };
    t.is(report.kind, "output", JSON.stringify(report));
    t.is(report.code, "ENOSPC");
    t.is(report.error, `writing the summary: cannot write ${output}: no space left on the device (ENOSPC)`);
    t.deepEqual(readdirSync(full), ["filler"], "no temporary file left");
  });
}

(mounted ? test.serial : test.skip)("the parent makes the child's full disk an OutputError: exit 5", async (t) => {
  const e = await t.throwsAsync(runPipeline({ mode: "streaming", input, output: join(full, "streaming.parquet"), enabledTagKeys: null }), { instanceOf: OutputError });
  t.is(e!.code, "ENOSPC");
  t.is(exitCodeFor(e), 5);
});
