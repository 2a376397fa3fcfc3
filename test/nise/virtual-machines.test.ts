import test from "ava";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import type { PodUsageRow, RowSink, StorageUsageRow } from "../../src/nise/rows.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { csvLines, scratch } from "./helpers.ts";

const YAML = `---
generators:
  - OCPGenerator:
      start_date: 2024-03-01
      end_date: 2024-03-02
      nodes:
        - node:
          node_name: alpha
          cpu_cores: 4
          memory_gig: 16
          resource_id: 1
          namespaces:
            ns1:
              pods:
                - pod:
                  pod_name: p1
                  pod_seconds: 3600
                  cpu_usage:
                    full_period: 1
                  mem_usage_gig:
                    full_period: 1
              virtual_machines:
                - virtual_machine:
                  vm_name: vm1
                  vm_seconds: 3600
                  cpu_usage:
                    full_period: 1
                  mem_usage_gig:
                    full_period: 2
                  volume_claim_name: vm1-disk
                  capacity_gig: 30
`;

test("a declared VM adds nise's VM-backed pod (node-sized limits) and its disk volume; the VM file is left out", async (t) => {
  const s = scratch();
  const pods: PodUsageRow[] = [];
  const storage: StorageUsageRow[] = [];
  const sink: RowSink = { pod: (r) => pods.push(r), storage: (r) => storage.push(r), nodeLabel() {}, namespaceLabel() {} };
  try {
    await generate(parseStaticReport(YAML, "vm.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink });
    t.is(pods.length, 24 * 2); // p1 and the VM-backed pod vm1, 24 hours
    const vm = pods.find((p) => p.pod === "vm1")!;
    t.is(vm.pod_labels, "label_vm_kubevirt_io_name:vm1");
    t.is(vm.pod_usage_cpu_core_seconds, 3600); // 3600 s x min(4 cores, usage 1)
    t.is(vm.pod_limit_cpu_core_seconds, 3600 * 4); // limit = node cores
    // memory usage arrives in bytes (2 GiB) and is capped at the node's 16 GiB: 3600 x 16 x 2^30
    t.is(vm.pod_usage_memory_byte_seconds, 61847529062400);
    const disk = storage.find((r) => r.persistentvolumeclaim === "vm1-disk")!;
    t.is(disk.pod, "vm1");
    t.is(disk.persistentvolumeclaim_capacity_bytes, 30 * 2 ** 30);
    t.is(disk.volume_request_storage_byte_seconds, 100 * 2 ** 30 * 3600); // nise's default 100 GiB request
    t.regex(disk.persistentvolume, /^pv-/);
    const names = readdirSync(s.out);
    t.false(names.some((n) => n.includes("ocp_vm_usage")), "VM rows are not generated, so no misleading header-only file");
    t.true(names.includes("March-2024-c-ocp_gpu_usage.csv"));
    // the CSV prints the capped memory as nise does: 16.0 is a float, so the product is too
    const line = csvLines(join(s.out, "March-2024-c-ocp_pod_usage.csv")).find((l) => l.includes(",vm1,"))!;
    t.true(line.includes(",61847529062400.0,"));
    t.false(existsSync(join(s.out, "March-2024-c-ocp_vm_usage.csv")));
  } finally {
    s.cleanup();
  }
});
