// `npm test`: type-check, then every ava test with TAP output passed through, and a closing line
// "N passed, N failed" (ava's own summary omits the passed count when something fails).
import { spawn } from "node:child_process";

const tap = spawn(process.execPath, ["node_modules/ava/entrypoints/cli.mjs", "--tap", ...process.argv.slice(2)], {
  stdio: ["ignore", "pipe", "inherit"],
});
let passed = 0;
let failed = 0;
let skipped = 0;
let pending = "";
tap.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString("utf8");
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    if (/^ok \d+/.test(line)) {
      if (/# (SKIP|TODO)/.test(line)) skipped++;
      else passed++;
    } else if (/^not ok \d+/.test(line)) {
      if (/# TODO/.test(line)) skipped++;
      else failed++;
    }
  }
});
tap.on("close", (code) => {
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
