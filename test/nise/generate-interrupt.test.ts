import test from "ava";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli, waitFor } from "../run/cli-process.ts";

test("Ctrl-C during generate leaves neither the output folder nor a temporary one, and exits 130", async (t) => {
  const parent = mkdtempSync(join(tmpdir(), "streambench-gen-int-"));
  const out = join(parent, "data");
  const run = startCli(["generate", "--scale", "production-large", "--out", out]);
  // the temporary folder beside --out appears once generation is under way
  await waitFor(() => readdirSync(parent).some((name) => name.startsWith(".data.tmp-")), 60_000, "generation to start");
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  run.child.kill("SIGINT");
  const result = await run.done;
  t.is(result.code, 130, result.stderr);
  t.regex(result.stderr, /stopped by SIGINT/);
  t.false(existsSync(out));
  t.deepEqual(readdirSync(parent), []);
});
