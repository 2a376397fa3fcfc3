// The data users bring, as it arrives: report type from the CSV header, payload tarballs and their
// extracted folders, gzipped files, and every file not read listed with a reason.
import test from "ava";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { readTar, writeTarGz } from "../../src/nise/tar.ts";
import { reportTypeOfHeader, stageUserInput } from "../../src/input/user-input.ts";
import { REQUIRED_COLUMNS } from "../../src/nise/csv-import.ts";
import { POD_HEADER, POD_ROW, tempFolder } from "../nise/helpers.ts";

const header = (cols: readonly string[]) => cols.join(",");
const NODE_HEADER = header(REQUIRED_COLUMNS.nodeLabels);

test("the report type comes from the header: pod, storage and label files are read; VM, GPU and ROS are named and skipped", (t) => {
  t.deepEqual(reportTypeOfHeader(POD_HEADER), { used: true, type: "ocp_pod_usage" });
  t.deepEqual(reportTypeOfHeader(header(REQUIRED_COLUMNS.storage)), { used: true, type: "ocp_storage_usage" });
  t.deepEqual(reportTypeOfHeader(NODE_HEADER), { used: true, type: "ocp_node_label" });
  t.deepEqual(reportTypeOfHeader(header(REQUIRED_COLUMNS.namespaceLabels)), { used: true, type: "ocp_namespace_label" });
  const vm = reportTypeOfHeader("report_period_start,report_period_end,interval_start,interval_end,node,resource_id,namespace,vm_name");
  t.false(vm.used);
  t.regex(!vm.used ? vm.reason : "", /ocp_vm_usage.*not used by the daily usage summary/);
  const gpu = reportTypeOfHeader("report_period_start,report_period_end,interval_start,interval_end,node,namespace,pod,gpu_uuid");
  t.regex(!gpu.used ? gpu.reason : "", /ocp_gpu_usage/);
  const ros = reportTypeOfHeader("interval_start,interval_end,report_period_start,report_period_end,namespace,node,resource_id,pod,container_name,cpu_usage_container_avg");
  t.regex(!ros.used ? ros.reason : "", /ocp_ros_usage/);
  const other = reportTypeOfHeader("date,amount,currency");
  t.regex(!other.used ? other.reason : "", /not OCP data/);
});

test("a tar.gz written here reads back entry by entry, bytes intact", (t) => {
  const csv = Buffer.from(`${POD_HEADER}\r\n${POD_ROW}\r\n`);
  const archive = writeTarGz([
    { name: "x_openshift_report.0.csv", data: csv },
    { name: "manifest.json", data: Buffer.from("{}") },
  ]);
  const entries = readTar(archive);
  t.deepEqual(entries.map((e) => e.name), ["x_openshift_report.0.csv", "manifest.json"]);
  t.true(entries[0].data.equals(csv));
});

test("a payload's CSV takes cluster and month from manifest.json and its type from the header, whatever its number", async (t) => {
  const { dir, cleanup } = tempFolder("user-input");
  try {
    const manifest = JSON.stringify({ cluster_id: "my-cluster", uuid: "u1", date: "2024-01-01T00:00:00.000000+00:00", start: "2024-01-01T00:00:00.000000+00:00", files: [] });
    // .0 is the node labels here, .1 the pod usage: the number says nothing of the type
    writeFileSync(join(dir, "p0.tar.gz"), writeTarGz([{ name: "u1_openshift_report.0.csv", data: Buffer.from(`${NODE_HEADER}\r\n`) }, { name: "manifest.json", data: Buffer.from(manifest) }]));
    writeFileSync(join(dir, "p1.tar.gz"), writeTarGz([{ name: "u1_openshift_report.1.csv", data: Buffer.from(`${POD_HEADER}\r\n${POD_ROW}\r\n`) }, { name: "manifest.json", data: Buffer.from(manifest) }]));
    const staged = await stageUserInput(dir, join(dir, "stage"));
    t.deepEqual(readdirSync(staged.dir).sort(), ["January-2024-my-cluster-ocp_node_label-1.csv", "January-2024-my-cluster-ocp_pod_usage-1.csv"]);
    t.deepEqual(
      staged.used.map((u) => [basename(u.source), u.reportType, u.clusterId]).sort(),
      [["p0.tar.gz!u1_openshift_report.0.csv", "ocp_node_label", "my-cluster"], ["p1.tar.gz!u1_openshift_report.1.csv", "ocp_pod_usage", "my-cluster"]],
    );
    t.deepEqual(staged.skipped, []);
  } finally {
    cleanup();
  }
});

test("gzipped and plain split parts are staged in part order; a payload seen twice is read once; every other file is listed as skipped with its reason", async (t) => {
  const { dir, cleanup } = tempFolder("user-input");
  try {
    const input = join(dir, "in");
    mkdirSync(join(input, "extracted"), { recursive: true });
    writeFileSync(join(input, "January-2024-c1-ocp_pod_usage-1.csv.gz"), gzipSync(`${POD_HEADER}\r\n${POD_ROW}\r\n`));
    writeFileSync(join(input, "January-2024-c1-ocp_pod_usage-2.csv"), `${POD_HEADER}\r\n${POD_ROW.replace("p1", "p2")}\r\n`);
    writeFileSync(join(input, "January-2024-c1-ocp_vm_usage.csv"), "report_period_start,report_period_end,interval_start,interval_end,vm_name\r\n");
    writeFileSync(join(input, "notes.txt"), "hello");
    writeFileSync(join(input, "costs.csv"), "date,amount\n");
    // one payload, once as a tarball and once extracted
    const manifest = JSON.stringify({ cluster_id: "c1", uuid: "u9", start: "2024-01-01T00:00:00.000000+00:00" });
    const node = Buffer.from(`${NODE_HEADER}\r\n2024-01-01 00:00:00 +0000 UTC,2024-02-01 00:00:00 +0000 UTC,2024-01-01 00:00:00 +0000 UTC,2024-01-01 00:59:59 +0000 UTC,alpha,label_a:b\r\n`);
    writeFileSync(join(input, "u9.tar.gz"), writeTarGz([{ name: "u9_openshift_report.0.csv", data: node }, { name: "manifest.json", data: Buffer.from(manifest) }]));
    writeFileSync(join(input, "extracted", "manifest.json"), manifest);
    writeFileSync(join(input, "extracted", "u9_openshift_report.0.csv"), node);

    const staged = await stageUserInput(input, join(dir, "stage"));
    const pod1 = readFileSync(join(staged.dir, "January-2024-c1-ocp_pod_usage-1.csv"), "utf8");
    const pod2 = readFileSync(join(staged.dir, "January-2024-c1-ocp_pod_usage-2.csv"), "utf8");
    t.true(pod1.includes(",p1,") && pod2.includes(",p2,"), "the gzipped part 1 stays before part 2");
    t.deepEqual(readdirSync(staged.dir).filter((f) => f.includes("node_label")), ["January-2024-c1-ocp_node_label-1.csv"]);
    const reasons = Object.fromEntries(staged.skipped.map((s) => [basename(s.source), s.reason]));
    t.deepEqual(Object.keys(reasons).sort(), ["January-2024-c1-ocp_vm_usage.csv", "costs.csv", "notes.txt", "u9.tar.gz!u9_openshift_report.0.csv"].sort());
    t.regex(reasons["January-2024-c1-ocp_vm_usage.csv"], /ocp_vm_usage/);
    t.regex(reasons["notes.txt"], /not OCP data/);
    t.regex(reasons["costs.csv"], /cluster and month unknown/);
    // the folder walk meets extracted/ before u9.tar.gz: the tarball's copy is the duplicate
    t.regex(reasons["u9.tar.gz!u9_openshift_report.0.csv"], /same payload CSV as .*extracted\/u9_openshift_report\.0\.csv/);
  } finally {
    cleanup();
  }
});

test("an input with no pod usage CSV is refused, naming the input and why its files were skipped", async (t) => {
  const { dir, cleanup } = tempFolder("user-input");
  try {
    writeFileSync(join(dir, "notes.txt"), "hello");
    const e = await t.throwsAsync(stageUserInput(dir, join(dir, "stage")));
    t.regex(e!.message, /no pod usage CSV found/);
    t.regex(e!.message, /notes\.txt: not OCP data/);
  } finally {
    cleanup();
  }
});
