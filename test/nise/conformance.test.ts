// Generated files against real nise output (test/fixtures/nise).
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { csvFiles, csvLines, FIXTURES, scratch } from "./helpers.ts";

async function run(fixture: string, clusterId: string, seed = 0) {
  const s = scratch();
  const manifest = parseStaticReport(readFileSync(join(FIXTURES, fixture, "manifest.yml"), "utf8"), "manifest.yml");
  const summary = await generate(manifest, { clusterId, outDir: s.out, format: "csv", seed });
  return { ...s, summary };
}

test("multi-month-shared-pv: the same files as nise, byte for byte (header, rows, order, numbers, \\r\\n)", async (t) => {
  const { out, cleanup } = await run("multi-month-shared-pv", "fixture-cluster");
  try {
    const expected = csvFiles(join(FIXTURES, "multi-month-shared-pv"));
    t.deepEqual(csvFiles(out), expected);
    for (const f of expected) {
      const want = readFileSync(join(FIXTURES, "multi-month-shared-pv", f), "utf8");
      const got = readFileSync(join(out, f), "utf8");
      t.is(got, want, f);
    }
  } finally {
    cleanup();
  }
});

test("multi-month-shared-pv: rows also match numerically, cell by cell", async (t) => {
  const { out, cleanup } = await run("multi-month-shared-pv", "fixture-cluster");
  try {
    for (const f of csvFiles(join(FIXTURES, "multi-month-shared-pv"))) {
      const want = csvLines(join(FIXTURES, "multi-month-shared-pv", f));
      const got = csvLines(join(out, f));
      t.is(got.length, want.length, f);
      for (let i = 0; i < want.length; i++) {
        const w = want[i].split(",");
        const g = got[i].split(",");
        t.is(g.length, w.length);
        for (let c = 0; c < w.length; c++) {
          if (w[c] !== "" && !Number.isNaN(Number(w[c]))) t.is(Number(g[c]), Number(w[c]), `${f}:${i + 1}:${c + 1}`);
          else t.is(g[c], w[c], `${f}:${i + 1}:${c + 1}`);
        }
      }
    }
  } finally {
    cleanup();
  }
});

test("random-defaults: same files, headers and row counts; every value the YAML specifies equals nise's", async (t) => {
  const dir = join(FIXTURES, "random-defaults");
  const { out, cleanup } = await run("random-defaults", "test-c1");
  try {
    t.deepEqual(csvFiles(out), csvFiles(dir));
    for (const f of csvFiles(dir)) {
      const want = csvLines(join(dir, f));
      const got = csvLines(join(out, f));
      t.is(got.length, want.length, `${f} rows`);
      t.is(got[0], want[0], `${f} header`);
      const header = want[0].split(",");
      for (let i = 1; i < want.length; i++) {
        const w = want[i].split(",");
        const g = got[i].split(",");
        const row = Object.fromEntries(header.map((h, c) => [h, w[c]]));
        for (let c = 0; c < header.length; c++) {
          const col = header[c];
          // p1 has cpu_usage only for 1-31-2024 and '2024-02-01': on Jan 30 nise draws rnd5(U(0.02, 2)) per row
          const randomCpu = f.includes("pod_usage") && col === "pod_usage_cpu_core_seconds" && row.pod === "p1" && row.interval_start.startsWith("2024-01-30");
          // pv1 names its storage_class but no csi_driver / csi_volume_handle: both are random defaults
          const randomPv = f.includes("storage_usage") && row.persistentvolume === "pv1" && (col === "csi_driver" || col === "csi_volume_handle");
          if (randomCpu) {
            const cores = Number(g[c]) / 3600; // pod_seconds 3600
            t.true(cores >= 0.02 && cores <= 2, `${f}:${i + 1} ${col}=${g[c]}`);
            t.true(Math.abs(cores * 1e5 - Math.round(cores * 1e5)) < 1e-6, "rounded to 5 decimals");
          } else if (randomPv && col === "csi_driver") {
            t.true(["ebs.csi.aws.com", "disk.csi.azure.com", "pd.csi.storage.gke.io"].includes(g[c]), g[c]);
          } else if (randomPv) {
            t.regex(g[c], /^vol-[0-9a-f]{17}$/);
          } else {
            t.is(g[c], w[c], `${f}:${i + 1} ${col}`);
          }
        }
      }
    }
  } finally {
    cleanup();
  }
});
