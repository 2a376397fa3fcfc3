// Label parsing (Koku C.1), canonical JSON, and label precedence / enabled keys in the summary.
import test from "ava";
import { canonicalLabels } from "../../src/contract/summary-schema.ts";
import {
  parseNiseLabels,
  parseNiseLabelsToMap,
  pythonJsonDumps,
} from "../../src/reference/index.ts";
import { N, NS, P, S, one, podRows, storageRows, summarize, unallocatedRows } from "./helpers.ts";

test("parseNiseLabels: label_ prefix stripped, pairs split on | and :", (t) => {
  t.deepEqual(parseNiseLabels("label_app:web|label_team:payments"), { app: "web", team: "payments" });
  t.deepEqual(parseNiseLabels("plain:x"), { plain: "x" });
  t.deepEqual(parseNiseLabels(""), {});
});

test("parseNiseLabels: an entry without ':' is skipped", (t) => {
  t.deepEqual(parseNiseLabels("label_a:1|label_b|label_c:3"), { a: "1", c: "3" });
});

test("parseNiseLabels: an entry with more than one ':' is skipped (Python's ValueError branch)", (t) => {
  t.deepEqual(parseNiseLabels("label_url:http://x|label_b:2"), { b: "2" });
});

test("parseNiseLabels: every occurrence of label_ in the key is removed", (t) => {
  t.deepEqual(parseNiseLabels("label_app_label_x:v"), { app_x: "v" });
});

test("parseNiseLabels: empty values kept, a later duplicate key wins but keeps its first position", (t) => {
  t.deepEqual(parseNiseLabels("label_a:"), { a: "" });
  t.deepEqual(parseNiseLabels("label_a:1|label_b:2|label_a:3"), { a: "3", b: "2" });
  t.deepEqual([...parseNiseLabelsToMap("label_a:1|label_b:2|label_a:3").keys()], ["a", "b"]);
  // "label_a" and "a" are the same key once label_ is removed
  t.deepEqual(parseNiseLabels("label_a:1|a:2"), { a: "2" });
});

test("canonicalLabels: keys sorted by UTF-16 code units, compact, {} when empty", (t) => {
  t.is(canonicalLabels({ b: "1", a: "2", B: "3" }), '{"B":"3","a":"2","b":"1"}');
  t.is(canonicalLabels(new Map([["z", 'q"x'], ["a", ""]])), '{"a":"","z":"q\\"x"}');
  t.is(canonicalLabels({}), "{}");
});

test("pythonJsonDumps: json.dumps formatting (insertion order, ', ' and ': ', non-ASCII escaped)", (t) => {
  t.is(pythonJsonDumps(new Map([["node_role_kubernetes_io", "infra"], ["zone", "a"]])), '{"node_role_kubernetes_io": "infra", "zone": "a"}');
  t.is(pythonJsonDumps(new Map([["city", "Zürich"]])), '{"city": "Z\\u00fcrich"}');
  t.is(pythonJsonDumps(new Map()), "{}");
});

test("Pod labels: precedence pod > namespace > node", (t) => {
  const rows = summarize([
    N("node-a", "label_team:node|label_zone:a|label_only_node:n"),
    NS("ns", "label_team:ns|label_zone:ns-zone|label_env:prod"),
    P({ pod_labels: "label_team:pod|label_app:web" }),
  ]);
  const r = one(t, podRows(rows), () => true, "pod row");
  // team: pod beats namespace and node; zone: namespace beats node; only_node survives from the node
  t.deepEqual(JSON.parse(r.pod_labels!), { app: "web", env: "prod", only_node: "n", team: "pod", zone: "ns-zone" });
});

test("Pod labels: namespace beats node when the pod does not set the key", (t) => {
  const rows = summarize([N("node-a", "label_team:node"), NS("ns", "label_team:ns"), P({ pod_labels: "label_app:web" })]);
  t.deepEqual(JSON.parse(one(t, podRows(rows), () => true, "pod row").pod_labels!), { app: "web", team: "ns" });
});

test("Storage labels: precedence pvc > pv > namespace > node (node = the node of the PVC's pod)", (t) => {
  const rows = summarize([
    N("node-a", "label_k:node|label_n:node|label_x:node"),
    NS("ns", "label_k:ns|label_n:ns|label_m:ns"),
    P(),
    S({
      persistentvolume_labels: "label_k:pv|label_v:pv|label_n:pv",
      persistentvolumeclaim_labels: "label_k:pvc|label_c:pvc",
    }),
  ]);
  const r = one(t, storageRows(rows), () => true, "storage row");
  // k: pvc > pv > ns > node; n: pv > ns > node; m: ns; x: node
  t.deepEqual(JSON.parse(r.volume_labels!), { c: "pvc", k: "pvc", m: "ns", n: "pv", v: "pv", x: "node" });
  t.is(r.pod_labels, null);
  t.is(r.all_labels as string | null, r.volume_labels);
});

test("Enabled keys: only listed keys survive at every level, vm_kubevirt_io_name always", (t) => {
  const rows = summarize(
    [
      N("node-a", "label_app:from-node|label_zone:a"),
      NS("ns", "label_team:t|label_vm_kubevirt_io_name:ns-vm"),
      P({ pod_labels: "label_app:web|label_secret:s|label_vm_kubevirt_io_name:vm-1" }),
      S({ persistentvolume_labels: "label_app:pv|label_zone:z", persistentvolumeclaim_labels: "label_other:o" }),
    ],
    { enabledTagKeys: ["app"] },
  );
  t.deepEqual(JSON.parse(one(t, podRows(rows), () => true, "pod").pod_labels!), { app: "web", vm_kubevirt_io_name: "vm-1" });
  t.deepEqual(JSON.parse(one(t, storageRows(rows), () => true, "storage").volume_labels!), { app: "pv", vm_kubevirt_io_name: "ns-vm" });
});

test("Enabled keys: an empty list keeps only vm_kubevirt_io_name; null keeps everything", (t) => {
  const input = [P({ pod_labels: "label_app:web|label_vm_kubevirt_io_name:vm-1" })];
  t.is(one(t, podRows(summarize(input, { enabledTagKeys: [] })), () => true, "pod").pod_labels, '{"vm_kubevirt_io_name":"vm-1"}');
  t.is(one(t, podRows(summarize(input, { enabledTagKeys: null })), () => true, "pod").pod_labels, '{"app":"web","vm_kubevirt_io_name":"vm-1"}');
});

test("Empty labels: {} on Pod and Storage rows, never NULL; unallocated rows have NULL labels and all_labels {}", (t) => {
  const rows = summarize([P(), S()]);
  const p = one(t, podRows(rows), () => true, "pod");
  t.is(p.pod_labels, "{}");
  t.is(p.all_labels, "{}");
  const s = one(t, storageRows(rows), () => true, "storage");
  t.is(s.volume_labels, "{}");
  t.is(s.all_labels, "{}");
  const u = one(t, unallocatedRows(rows), () => true, "unallocated");
  t.is(u.pod_labels, null);
  t.is(u.volume_labels, null);
  t.is(u.all_labels, "{}");
  // enabled keys that filter everything away also give {}
  const f = one(t, podRows(summarize([P({ pod_labels: "label_app:web" })], { enabledTagKeys: ["team"] })), () => true, "pod");
  t.is(f.pod_labels, "{}");
});

test("Pods with the same merged labels collapse into one row (pod is not a key); different labels do not", (t) => {
  const rows = summarize([
    P({ pod: "a", pod_labels: "label_app:web" }),
    P({ pod: "b", pod_labels: "label_app:web" }),
    P({ pod: "c", pod_labels: "label_app:db" }),
  ]);
  const web = one(t, podRows(rows), (r) => r.pod_labels === '{"app":"web"}', "web");
  t.is(web.pod_usage_cpu_core_hours, 2); // two pods x 1 core x 1 h
  one(t, podRows(rows), (r) => r.pod_labels === '{"app":"db"}', "db");
});

test("Quirk P1: a node label change within a day fans the pod out to two rows, each with the full sums", (t) => {
  const rows = summarize([
    N("node-a", "label_zone:a", { hour: 0 }),
    N("node-a", "label_zone:b", { hour: 1 }),
    P({ hour: 0 }),
    P({ hour: 1 }),
  ]);
  const pods = podRows(rows);
  t.is(pods.length, 2);
  // each of the two rows carries both hours: 2 core-hours, so the day counts 4
  for (const r of pods) t.is(r.pod_usage_cpu_core_hours, 2);
  t.deepEqual(pods.map((r) => r.pod_labels).sort(), ['{"zone":"a"}', '{"zone":"b"}']);
});
