// Helpers of the compare tests.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * For one test file: a maker of temp folders named `<prefix>…` under the OS temp folder, all removed
 * when the file's tests end (registers a test.after.always hook; call it once, at the top level).
 */
export function scratchDirs(prefix: string): () => string {
  const made: string[] = [];
  test.after.always(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
