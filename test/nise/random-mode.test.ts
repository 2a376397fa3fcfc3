import test from "ava";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import type { PodUsageRow, RowSink } from "../../src/nise/rows.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { csvLines, scratch } from "./helpers.ts";

function collect() {
  const pods: PodUsageRow[] = [];
  const nsLabels: string[] = [];
  let nodeRows = 0;
  const sink: RowSink = { pod: (r) => pods.push(r), storage() {}, nodeLabel: () => nodeRows++, namespaceLabel: (r) => nsLabels.push(r.namespace) };
  return { pods, nsLabels, sink, nodeRows: () => nodeRows };
}

test("a YAML node without namespaces gets random namespaces and pods, all reporting every hour, and no namespace-label rows", async (t) => {
  const yaml = `generators:
  - OCPGenerator:
      start_date: 2024-05-01
      end_date: 2024-05-02
      nodes:
        - node:
          node_name: fixed
          cpu_cores: 4
          memory_gig: 8
          namespaces:
            ns1:
              pods:
                - pod:
                  pod_name: p1
                  pod_seconds: 3600
        - node:
          node_name: randomised
          cpu_cores: 8
          memory_gig: 16
`;
  const s = scratch();
  const c = collect();
  try {
    const sum = await generate(parseStaticReport(yaml, "m.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink: c.sink, seed: 3 });
    const perHour = new Map<number, number>();
    for (const p of c.pods) perHour.set(p.interval_start, (perHour.get(p.interval_start) ?? 0) + 1);
    t.is(perHour.size, 24);
    const counts = new Set(perHour.values());
    t.is(counts.size, 1, "every pod reports every hour when the generator has nodes");
    const random = c.pods.filter((p) => p.node === "randomised");
    t.true(random.length > 0);
    // random namespaces are named <word>_<ci|qa|prod|proj|dev|staging>
    for (const p of random) t.regex(p.namespace, /_(ci|qa|prod|proj|dev|staging)$/);
    t.deepEqual([...new Set(c.nsLabels)], ["ns1"]);
    t.is(c.nodeRows(), 24 * 2);
    // random VMs make the VM and GPU reports non-empty in nise: those files are left out
    t.false(readdirSync(s.out).some((f) => f.includes("ocp_vm_usage") || f.includes("ocp_gpu_usage")));
    t.is(sum.rows.pod, c.pods.length);
  } finally {
    s.cleanup();
  }
});

test("a generator without nodes is a random cluster: a random subset (at least one) of its pods reports each hour", async (t) => {
  const yaml = "generators:\n  - OCPGenerator:\n      start_date: 2024-05-01\n      end_date: 2024-05-03\n";
  const s = scratch();
  const c = collect();
  try {
    await generate(parseStaticReport(yaml, "m.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink: c.sink, seed: 5 });
    const pods = new Set(c.pods.map((p) => p.pod));
    const perHour = new Map<number, number>();
    for (const p of c.pods) perHour.set(p.interval_start, (perHour.get(p.interval_start) ?? 0) + 1);
    t.is(perHour.size, 48);
    for (const n of perHour.values()) t.true(n >= 1 && n <= pods.size);
    t.true(new Set(perHour.values()).size > 1, "subsets vary from hour to hour");
    t.is(c.nsLabels.length, 0);
    t.is(csvLines(join(s.out, "May-2024-c-ocp_namespace_label.csv")).length, 1); // header only, as in nise
  } finally {
    s.cleanup();
  }
});
