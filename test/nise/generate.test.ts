import test from "ava";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { UsageError } from "../../src/errors.ts";
import { generate } from "../../src/nise/generate.ts";
import type { Manifest } from "../../src/nise/manifest.ts";
import type { PodUsageRow, RowSink, StorageUsageRow } from "../../src/nise/rows.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { csvFiles, csvLines, FIXTURES, scratch } from "./helpers.ts";

const manifestOf = (fixture: string): Manifest =>
  parseStaticReport(readFileSync(join(FIXTURES, fixture, "manifest.yml"), "utf8"), "manifest.yml");

class Collect implements RowSink {
  pods: PodUsageRow[] = [];
  storages: StorageUsageRow[] = [];
  nodes = 0;
  namespaces = 0;
  pod(r: PodUsageRow) { this.pods.push(r); }
  storage(r: StorageUsageRow) { this.storages.push(r); }
  nodeLabel() { this.nodes++; }
  namespaceLabel() { this.namespaces++; }
}

test("the same seed gives byte-identical output, another seed changes the random defaults", async (t) => {
  const a = scratch();
  const b = scratch();
  const c = scratch();
  try {
    await generate(manifestOf("random-defaults"), { clusterId: "c", outDir: a.out, format: "csv", seed: 7 });
    await generate(manifestOf("random-defaults"), { clusterId: "c", outDir: b.out, format: "csv", seed: 7 });
    await generate(manifestOf("random-defaults"), { clusterId: "c", outDir: c.out, format: "csv", seed: 8 });
    for (const f of csvFiles(a.out)) t.is(readFileSync(join(b.out, f), "utf8"), readFileSync(join(a.out, f), "utf8"), f);
    const f = "January-2024-c-ocp_storage_usage.csv";
    t.not(readFileSync(join(c.out, f), "utf8"), readFileSync(join(a.out, f), "utf8"));
  } finally {
    a.cleanup();
    b.cleanup();
    c.cleanup();
  }
});

test("--file-row-limit splits into -1, -2, ... at exactly N rows; files under the limit keep their plain name", async (t) => {
  const s = scratch();
  try {
    await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: s.out, format: "csv", fileRowLimit: 50 });
    const names = csvFiles(s.out);
    // January: 24 hours x 3 pods = 72 pod rows -> 50 + 22; 24 x 2 nodes = 48 node-label rows -> one file
    t.true(names.includes("January-2024-fixture-cluster-ocp_pod_usage-1.csv"));
    t.true(names.includes("January-2024-fixture-cluster-ocp_pod_usage-2.csv"));
    t.false(names.includes("January-2024-fixture-cluster-ocp_pod_usage.csv"));
    t.true(names.includes("January-2024-fixture-cluster-ocp_node_label.csv"));
    t.is(csvLines(join(s.out, "January-2024-fixture-cluster-ocp_pod_usage-1.csv")).length, 1 + 50);
    t.is(csvLines(join(s.out, "January-2024-fixture-cluster-ocp_pod_usage-2.csv")).length, 1 + 22);
    // February: 48 hours x 3 pods = 144 -> 50 + 50 + 44
    t.is(csvLines(join(s.out, "February-2024-fixture-cluster-ocp_pod_usage-3.csv")).length, 1 + 44);
    // the parts together are nise's unsplit file
    const whole = csvLines(join(FIXTURES, "multi-month-shared-pv", "February-2024-fixture-cluster-ocp_pod_usage.csv"));
    const parts = [1, 2, 3].flatMap((n) => csvLines(join(s.out, `February-2024-fixture-cluster-ocp_pod_usage-${n}.csv`)).slice(1));
    t.deepEqual([whole[0], ...parts], whole);
  } finally {
    s.cleanup();
  }
});

test("a file that reaches the limit exactly is followed by a header-only part, as in nise", async (t) => {
  const s = scratch();
  try {
    await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: s.out, format: "csv", fileRowLimit: 72 });
    // January pod rows: 24 x 3 = 72 = the limit -> -1 with 72 rows, then -2 with the header only
    t.is(csvLines(join(s.out, "January-2024-fixture-cluster-ocp_pod_usage-1.csv")).length, 73);
    t.deepEqual(csvLines(join(s.out, "January-2024-fixture-cluster-ocp_pod_usage-2.csv")), [
      csvLines(join(FIXTURES, "multi-month-shared-pv", "January-2024-fixture-cluster-ocp_pod_usage.csv"))[0],
    ]);
  } finally {
    s.cleanup();
  }
});

test("parquet holds the CSV's rows in Koku's layout: Datetime(ms) timestamps, Float64 measures, null for empty text", async (t) => {
  const s = scratch();
  try {
    const sum = await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: s.out, format: "parquet", sourceUuid: "11111111-2222-4333-8444-555555555555" });
    const dir = join(s.out, "data/1234567/OCP/source=11111111-2222-4333-8444-555555555555/year=2024/month=01");
    t.deepEqual(readdirSync(dir).sort(), ["openshift_namespace_labels_line_items", "openshift_node_labels_line_items", "openshift_pod_usage_line_items", "openshift_storage_usage_line_items"]);
    t.false(sum.files.some((f) => f.endsWith(".csv")));
    const pods = pl.readParquet(join(dir, "openshift_pod_usage_line_items/part-00000.parquet"));
    const lines = csvLines(join(FIXTURES, "multi-month-shared-pv", "January-2024-fixture-cluster-ocp_pod_usage.csv"));
    const header = lines[0].split(",");
    t.deepEqual(pods.columns, header);
    t.is(pods.height, lines.length - 1);
    t.is(String(pods.getColumn("interval_start").dtype), String(pl.Datetime("ms")));
    t.is(String(pods.getColumn("pod_request_cpu_core_seconds").dtype), String(pl.Float64));
    const rows = pods.toRecords();
    for (let i = 1; i < lines.length; i++) {
      const cells = lines[i].split(",");
      const rec = rows[i - 1] as Record<string, unknown>;
      header.forEach((h, c) => {
        const v = rec[h];
        if (v instanceof Date) t.is(v.getTime(), Date.parse(cells[c].replace(" +0000 UTC", "Z").replace(" ", "T")), h);
        else if (typeof v === "number") t.is(v, Number(cells[c]), h);
        else t.is(v ?? "", cells[c], h);
      });
    }
    const storage = pl.readParquet(join(dir, "openshift_storage_usage_line_items/part-00000.parquet"));
    const orphan = storage.filter(pl.col("persistentvolume").eq(pl.lit("pv-orphan"))).toRecords()[0] as Record<string, unknown>;
    t.is(orphan.namespace, null); // empty in nise's CSV
    t.is(orphan.volume_request_storage_byte_seconds, null);
  } finally {
    s.cleanup();
  }
});

test("a RowSink receives every row as typed values with epoch-ms timestamps", async (t) => {
  const s = scratch();
  const sink = new Collect();
  try {
    const progress: number[] = [];
    const sum = await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: s.out, format: "csv", sink, onProgress: (d, total) => progress.push(d / total) });
    // Jan 31 + Feb 1-2 = 72 hours; 3 pods, 3 storage rows (2 claims + claimless PV), 2 nodes, 4 namespace-label rows
    t.is(sink.pods.length, 72 * 3);
    t.is(sink.storages.length, 72 * 3);
    t.is(sink.nodes, 72 * 2);
    t.is(sink.namespaces, 72 * 4);
    t.deepEqual(sum.rows, { pod: 216, storage: 216, nodeLabels: 144, namespaceLabels: 288 });
    t.is(progress[progress.length - 1], 1);
    // pay-api-0 on 2024-02-02: cpu_usage 3 is capped at cpu_limit 2, pod_seconds 1800 -> 3600
    const r = sink.pods.find((p) => p.pod === "pay-api-0" && p.interval_start === Date.UTC(2024, 1, 2, 5))!;
    t.is(r.pod_usage_cpu_core_seconds, 3600);
    t.is(r.interval_end, Date.UTC(2024, 1, 2, 5, 59, 59));
    t.is(r.report_period_start, Date.UTC(2024, 1, 1));
    t.is(r.report_period_end, Date.UTC(2024, 2, 1));
    const orphan = sink.storages.find((x) => x.persistentvolume === "pv-orphan")!;
    t.is(orphan.namespace, "");
    t.is(orphan.persistentvolumeclaim_usage_byte_seconds, null);
    t.is(orphan.persistentvolumeclaim_capacity_bytes, 5 * 2 ** 30);
  } finally {
    s.cleanup();
  }
});

test("a sink that borrows rows gets one refilled object per batch, with the same values a keeping sink gets", async (t) => {
  const s = scratch();
  const kept = new Collect();
  const seen = new Set<PodUsageRow>();
  const borrowed: string[] = [];
  const borrowing: RowSink = {
    borrowsRows: true,
    pod(r) {
      seen.add(r);
      borrowed.push(JSON.stringify(r));
    },
    storage() {},
    nodeLabel() {},
    namespaceLabel() {},
  };
  try {
    await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: join(s.parent, "a"), format: "csv", sink: kept });
    await generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: join(s.parent, "b"), format: "csv", sink: borrowing });
    // 216 pod rows (72 hours x 3 pods) in 3 daily batches (Jan 31, Feb 1, Feb 2): one object each
    t.is(borrowed.length, 216);
    t.is(seen.size, 3);
    t.is(new Set(kept.pods).size, 216); // a keeping sink gets a new object per row
    t.deepEqual(borrowed, kept.pods.map((r) => JSON.stringify(r)));
  } finally {
    s.cleanup();
  }
});

test("a failure mid-way leaves no output and no temporary folder behind", async (t) => {
  const s = scratch();
  let n = 0;
  const sink: RowSink = {
    pod() { if (++n === 100) throw new Error("boom"); },
    storage() {},
    nodeLabel() {},
    namespaceLabel() {},
  };
  try {
    await t.throwsAsync(generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: s.out, format: "both", sink }), { message: "boom" });
    t.false(existsSync(s.out));
    t.deepEqual(readdirSync(s.parent), []);
    // folders created for a nested --out are removed too
    n = 0;
    await t.throwsAsync(generate(manifestOf("multi-month-shared-pv"), { clusterId: "fixture-cluster", outDir: join(s.parent, "a", "b", "out"), format: "csv", sink }), { message: "boom" });
    t.deepEqual(readdirSync(s.parent), []);
  } finally {
    s.cleanup();
  }
});

test("an unwritable or non-empty --out is a UsageError naming --out", async (t) => {
  const s = scratch();
  try {
    const file = join(s.parent, "a-file");
    writeFileSync(file, "x");
    await t.throwsAsync(generate(manifestOf("random-defaults"), { clusterId: "c", outDir: join(file, "out"), format: "csv" }), { instanceOf: UsageError, message: /^--out / });
    await t.throwsAsync(generate(manifestOf("random-defaults"), { clusterId: "c", outDir: s.parent, format: "csv" }), { instanceOf: UsageError, message: /--out .*not empty/ });
  } finally {
    s.cleanup();
  }
});

test("parquet row groups hold at most 100,000 rows and every column chunk is zstd", async (t) => {
  const { scaleManifest } = await import("../../src/scales.ts");
  const { columnCodecs, rowGroupRows } = await import("./parquet-footer.ts");
  const s = scratch();
  try {
    // large: 500 pods x 744 hours = 372,000 pod rows, written as one 372,000-row file (500,000 rows per file)
    const sum = await generate(scaleManifest("large", 1), { clusterId: "l", outDir: s.out, format: "parquet" });
    const podFiles = sum.files.filter((f) => f.includes("openshift_pod_usage_line_items"));
    t.is(podFiles.length, 1);
    const groups = rowGroupRows(join(s.out, podFiles[0]));
    t.deepEqual(groups, [100_000, 100_000, 100_000, 72_000]);
    for (const f of sum.files) {
      for (const g of rowGroupRows(join(s.out, f))) t.true(g <= 100_000, f);
      t.true(columnCodecs(join(s.out, f)).every((c) => c === 6), `${f} is zstd`);
    }
  } finally {
    s.cleanup();
  }
});
