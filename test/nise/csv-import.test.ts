// The nise CSV importer: real nise output, the CSV dialect, and clear errors.
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError } from "../../src/errors.ts";
import { parseMeasure, parseNiseFileName, readNiseCsvDir, readNiseCsvFile } from "../../src/nise/csv-import.ts";
import type { NamespaceLabelRow, NodeLabelRow, PodUsageRow, RowSink, StorageUsageRow } from "../../src/nise/rows.ts";
import { FIXTURES } from "./helpers.ts";

class Collect implements RowSink {
  pods: PodUsageRow[] = [];
  storages: StorageUsageRow[] = [];
  nodes: NodeLabelRow[] = [];
  namespaces: NamespaceLabelRow[] = [];
  pod(r: PodUsageRow) { this.pods.push(r); }
  storage(r: StorageUsageRow) { this.storages.push(r); }
  nodeLabel(r: NodeLabelRow) { this.nodes.push(r); }
  namespaceLabel(r: NamespaceLabelRow) { this.namespaces.push(r); }
}

const POD_HEADER =
  "report_period_start,report_period_end,interval_start,interval_end,pod,namespace,node,resource_id,pod_usage_cpu_core_seconds,pod_request_cpu_core_seconds,pod_limit_cpu_core_seconds,pod_usage_memory_byte_seconds,pod_request_memory_byte_seconds,pod_limit_memory_byte_seconds,node_capacity_cpu_cores,node_capacity_cpu_core_seconds,node_capacity_memory_bytes,node_capacity_memory_byte_seconds,pod_labels";
const TS = (h: number) => `2024-01-31 ${String(h).padStart(2, "0")}:00:00 +0000 UTC`;
const PERIOD = (h: number) => `2024-01-01 00:00:00 +0000 UTC,2024-02-01 00:00:00 +0000 UTC,${TS(h)},2024-01-31 ${String(h).padStart(2, "0")}:59:59 +0000 UTC`;
const podLine = (h: number, labels = "label_app:x", usage = "5400.0") =>
  `${PERIOD(h)},p1,ns1,node1,i-1,${usage},7200,14400,100,200,300,8,28800,34359738368,123695058124800,${labels}`;

function folder(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "streambench-csv-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function dataError(t: ExecutionContext, p: Promise<unknown>): Promise<DataError> {
  const e = await t.throwsAsync(p);
  t.true(e instanceof DataError, `a DataError, got ${e?.name}: ${e?.message}`);
  return e as DataError;
}

test("the fixture: every row of the four report types, vm and gpu files ignored", async (t) => {
  const sink = new Collect();
  const r = await readNiseCsvDir(join(FIXTURES, "multi-month-shared-pv"), sink);
  t.is(r.clusterId, "fixture-cluster");
  t.is(r.files.length, 8);
  t.false(r.files.some((f) => /vm_usage|gpu_usage/.test(f)));
  // manifest: Jan 31 is 24 hours, Feb 1-2 48 hours; 3 pods, 3 storage rows (2 claims + 1 claimless PV),
  // 2 nodes, 4 namespaces (openshift-kube-apiserver, payments, payments-batch, empty-ns)
  t.deepEqual(r.rows, { pod: 72 * 3, storage: 72 * 3, nodeLabels: 72 * 2, namespaceLabels: 72 * 4 });
  t.is(sink.pods.length, 216);
  // January is read before February
  t.is(sink.pods[0].interval_start, Date.UTC(2024, 0, 31, 0));
  t.is(sink.pods[215].interval_start, Date.UTC(2024, 1, 2, 23));
});

test("the fixture: the first pod row's values, typed", async (t) => {
  const sink = new Collect();
  await readNiseCsvFile(join(FIXTURES, "multi-month-shared-pv", "January-2024-fixture-cluster-ocp_pod_usage.csv"), "pod", sink);
  // line 2 of the file, as nise wrote it
  t.deepEqual(sink.pods[0], {
    report_period_start: Date.UTC(2024, 0, 1),
    report_period_end: Date.UTC(2024, 1, 1),
    interval_start: Date.UTC(2024, 0, 31, 0, 0, 0),
    interval_end: Date.UTC(2024, 0, 31, 0, 59, 59),
    pod: "apiserver-0",
    namespace: "openshift-kube-apiserver",
    node: "master-0",
    resource_id: "i-11111111",
    pod_usage_cpu_core_seconds: 5400,
    pod_request_cpu_core_seconds: 7200,
    pod_limit_cpu_core_seconds: 14400,
    pod_usage_memory_byte_seconds: 23192823398400,
    pod_request_memory_byte_seconds: 15461882265600,
    pod_limit_memory_byte_seconds: 30923764531200,
    node_capacity_cpu_cores: 8,
    node_capacity_cpu_core_seconds: 28800,
    node_capacity_memory_bytes: 34359738368,
    node_capacity_memory_byte_seconds: 123695058124800,
    pod_labels: "label_app:apiserver|label_team:apiserver-team",
  });
});

test("the fixture: the claimless PV row has empty text and NULL request/usage", async (t) => {
  const sink = new Collect();
  await readNiseCsvFile(join(FIXTURES, "multi-month-shared-pv", "January-2024-fixture-cluster-ocp_storage_usage.csv"), "storage", sink);
  const orphan = sink.storages.find((r) => r.persistentvolume === "pv-orphan")!;
  t.is(orphan.namespace, "");
  t.is(orphan.pod, "");
  t.is(orphan.persistentvolumeclaim, "");
  t.is(orphan.volume_request_storage_byte_seconds, null);
  t.is(orphan.persistentvolumeclaim_usage_byte_seconds, null);
  // capacity = volume_request_gig 5 x 2^30 bytes; x 3600 per hour
  t.is(orphan.persistentvolumeclaim_capacity_bytes, 5 * 2 ** 30);
  t.is(orphan.persistentvolumeclaim_capacity_byte_seconds, 5 * 2 ** 30 * 3600);
  t.is(orphan.persistentvolume_labels, "label_orphan:true");
});

test("quoting: commas, doubled quotes and line breaks inside quoted fields; line numbers count physical lines", async (t) => {
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_pod_usage.csv":
      POD_HEADER + "\r\n" +
      podLine(0, '"label_a:x,y|label_b:say ""hi"""') + "\r\n" +
      podLine(1, '"label_c:two\r\nlines"') + "\r\n" +
      podLine(2, "label_d:plain") + "\r\n" +
      podLine(3, "label_e:z", "oops") + "\r\n",
  });
  try {
    const sink = new Collect();
    const e = await dataError(t, readNiseCsvDir(dir, sink));
    t.deepEqual(sink.pods.map((p) => p.pod_labels), ['label_a:x,y|label_b:say "hi"', "label_c:two\r\nlines", "label_d:plain"]);
    // header line 1, rows on lines 2, 3-4 (two physical lines), 5, and the bad row on line 6
    t.is(e.line, 6);
    t.is(e.column, "pod_usage_cpu_core_seconds");
  } finally {
    cleanup();
  }
});

test("\\n and \\r\\r\\n line ends accepted, blank lines skipped", async (t) => {
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_pod_usage.csv": POD_HEADER + "\r\r\n" + podLine(0) + "\n\n" + podLine(1) + "\r\r\n",
  });
  try {
    const sink = new Collect();
    const r = await readNiseCsvDir(dir, sink);
    t.is(r.rows.pod, 2);
    t.is(sink.pods[1].interval_start, Date.UTC(2024, 0, 31, 1));
    t.is(sink.pods[1].pod_labels, "label_app:x", "no stray \\r in the last column");
  } finally {
    cleanup();
  }
});

test("a last row without a line end is rejected: the file was cut, perhaps inside pod_labels", async (t) => {
  // nise ends every row with \r\n; a row cut inside its last column still has every column
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_pod_usage.csv": POD_HEADER + "\r\n" + podLine(0) + "\r\n" + podLine(1),
  });
  try {
    const e = await dataError(t, readNiseCsvDir(dir, new Collect()));
    t.is(e.line, 3); // header line 1, rows on lines 2 and 3
    t.regex(e.message, /no line end/);
  } finally {
    cleanup();
  }
});

test("large file: records and quoted fields across 1 MiB read chunks", async (t) => {
  const lines = [POD_HEADER];
  const n = 12000; // ~2.5 MB
  for (let i = 0; i < n; i++) lines.push(podLine(i % 24, i % 7 === 0 ? `"label_k:v${i},""q""\r\nx"` : `label_k:v${i}`, `${i}.5`));
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": lines.join("\r\n") + "\r\n" });
  try {
    const sink = new Collect();
    await readNiseCsvDir(dir, sink);
    t.is(sink.pods.length, n);
    let ok = true;
    for (let i = 0; i < n; i++) {
      const p = sink.pods[i];
      const labels = i % 7 === 0 ? `label_k:v${i},"q"\r\nx` : `label_k:v${i}`;
      if (p.pod_labels !== labels || p.pod_usage_cpu_core_seconds !== i + 0.5 || p.interval_start !== Date.UTC(2024, 0, 31, i % 24)) {
        ok = false;
        t.fail(`row ${i}: ${JSON.stringify(p)}`);
        break;
      }
    }
    t.true(ok);
  } finally {
    cleanup();
  }
});

test("numbers as Python writes them: .0, exponents, negatives, long integers; empty -> null", async (t) => {
  const values = ["5400.0", "1e+16", "1.2345678901234568e+17", "1e-05", "-3.5", "0.1", "123456789012345678", "0.30000000000000004", ""];
  const lines = [POD_HEADER, ...values.map((v, h) => podLine(h, "x:y", v))];
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": lines.join("\r\n") + "\r\n" });
  try {
    const sink = new Collect();
    await readNiseCsvDir(dir, sink);
    t.deepEqual(
      sink.pods.map((p) => p.pod_usage_cpu_core_seconds),
      [5400, 1e16, 1.2345678901234568e17, 0.00001, -3.5, 0.1, 123456789012345678, 0.30000000000000004, null],
    );
  } finally {
    cleanup();
  }
});

test("parseMeasure: strict about what is a number", (t) => {
  t.is(parseMeasure("42"), 42);
  t.is(parseMeasure("4.2e3"), 4200);
  t.is(parseMeasure(".5"), 0.5);
  for (const bad of ["", " 1", "1 ", "0x10", "Infinity", "NaN", "abc", "1,5", "1e", "--1"]) t.is(parseMeasure(bad), null, bad);
});

test("split files (-1, -2, ...) are read in part order; other files ignored", async (t) => {
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_pod_usage-2.csv": POD_HEADER + "\r\n" + podLine(2) + "\r\n",
    "January-2024-c1-ocp_pod_usage-1.csv": POD_HEADER + "\r\n" + podLine(0) + "\r\n" + podLine(1) + "\r\n",
    "January-2024-c1-ocp_pod_usage-3.csv": POD_HEADER + "\r\n",
    "January-2024-c1-ocp_vm_usage.csv": "whatever\r\n",
    "January-2024-c1-ocp_ros_usage.csv": "whatever\r\n",
    "manifest.yml": "x",
    "notes.csv": "a,b\r\n",
  });
  try {
    const sink = new Collect();
    const r = await readNiseCsvDir(dir, sink);
    t.is(r.files.length, 3);
    t.deepEqual(sink.pods.map((p) => p.interval_start), [0, 1, 2].map((h) => Date.UTC(2024, 0, 31, h)));
  } finally {
    cleanup();
  }
});

test("file names: cluster ids with dashes, months, parts", (t) => {
  t.deepEqual(parseNiseFileName("/x/February-2024-my-cluster-1-ocp_storage_usage-12.csv"), {
    path: "/x/February-2024-my-cluster-1-ocp_storage_usage-12.csv",
    name: "February-2024-my-cluster-1-ocp_storage_usage-12.csv",
    year: 2024,
    month: 2,
    clusterId: "my-cluster-1",
    table: "storage",
    part: 12,
  });
  t.is(parseNiseFileName("January-2024-c-ocp_gpu_usage.csv"), null);
  t.is(parseNiseFileName("January-2024-c-ocp_ros_namespace_usage.csv"), null);
  t.is(parseNiseFileName("Janvier-2024-c-ocp_pod_usage.csv"), null);
});

test("error: a missing column names the file, line 1 and the column", async (t) => {
  const header = POD_HEADER.replace(",pod_labels", "");
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": header + "\r\n" });
  try {
    const e = await dataError(t, readNiseCsvDir(dir, new Collect()));
    t.is(e.column, "pod_labels");
    t.is(e.line, 1);
    t.is(e.file, join(dir, "January-2024-c1-ocp_pod_usage.csv"));
    t.regex(e.message, /January-2024-c1-ocp_pod_usage\.csv:1: column pod_labels/);
  } finally {
    cleanup();
  }
});

test("error: a non-numeric measure names the file, the line and the column", async (t) => {
  const bad = `${PERIOD(1)},p1,ns1,node1,i-1,5400.0,7200,14400,100,2O0,300,8,28800,34359738368,123695058124800,x:y`;
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, podLine(0), bad].join("\r\n") + "\r\n" });
  try {
    const e = await dataError(t, readNiseCsvDir(dir, new Collect()));
    t.is(e.line, 3);
    t.is(e.column, "pod_request_memory_byte_seconds");
    t.regex(e.message, /ocp_pod_usage\.csv:3: column pod_request_memory_byte_seconds: not a number: "2O0"/);
  } finally {
    cleanup();
  }
});

test("error: a bad timestamp", async (t) => {
  const bad = podLine(0).replace(TS(0), "2024-01-31T00:00:00Z");
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, bad].join("\r\n") + "\r\n" });
  try {
    const e = await dataError(t, readNiseCsvDir(dir, new Collect()));
    t.is(e.line, 2);
    t.is(e.column, "interval_start");
  } finally {
    cleanup();
  }
  const feb30 = podLine(0).replace(TS(0), "2024-02-30 00:00:00 +0000 UTC");
  const f2 = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, feb30].join("\r\n") + "\r\n" });
  try {
    t.is((await dataError(t, readNiseCsvDir(f2.dir, new Collect()))).column, "interval_start");
  } finally {
    f2.cleanup();
  }
});

test("error: a row with the wrong number of fields", async (t) => {
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, podLine(0) + ",extra"].join("\r\n") + "\r\n" });
  try {
    t.is((await dataError(t, readNiseCsvDir(dir, new Collect()))).line, 2);
  } finally {
    cleanup();
  }
});

test("error: an empty file (no header)", async (t) => {
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": "" });
  try {
    const e = await dataError(t, readNiseCsvDir(dir, new Collect()));
    t.regex(e.message, /empty file/);
    t.is(e.file, join(dir, "January-2024-c1-ocp_pod_usage.csv"));
  } finally {
    cleanup();
  }
});

test("error: files of two clusters in one folder", async (t) => {
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_pod_usage.csv": POD_HEADER + "\r\n",
    "January-2024-c2-ocp_pod_usage.csv": POD_HEADER + "\r\n",
  });
  try {
    t.regex((await dataError(t, readNiseCsvDir(dir, new Collect()))).message, /more than one cluster \(c1, c2\)/);
  } finally {
    cleanup();
  }
});

test("error: no pod usage file", async (t) => {
  const { dir, cleanup } = folder({
    "January-2024-c1-ocp_node_label.csv": "report_period_start,report_period_end,interval_start,interval_end,node,node_labels\r\n",
  });
  try {
    t.regex((await dataError(t, readNiseCsvDir(dir, new Collect()))).message, /no ocp_pod_usage file/);
  } finally {
    cleanup();
  }
});

test("error: an unterminated quoted field", async (t) => {
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, podLine(0, '"label_a:x')].join("\r\n") + "\r\n" });
  try {
    t.is((await dataError(t, readNiseCsvDir(dir, new Collect()))).line, 2);
  } finally {
    cleanup();
  }
});

test("an error thrown by the sink passes through unchanged", async (t) => {
  const { dir, cleanup } = folder({ "January-2024-c1-ocp_pod_usage.csv": [POD_HEADER, podLine(0)].join("\r\n") + "\r\n" });
  try {
    const sink = new Collect();
    sink.pod = () => {
      throw new RangeError("sink says no");
    };
    const e = await t.throwsAsync(readNiseCsvDir(dir, sink));
    t.true(e instanceof RangeError);
  } finally {
    cleanup();
  }
});
