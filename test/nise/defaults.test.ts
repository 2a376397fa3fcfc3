import test from "ava";
import { join } from "node:path";
import { generate } from "../../src/nise/generate.ts";
import type { PodUsageRow, RowSink, StorageUsageRow } from "../../src/nise/rows.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { csvLines, scratch } from "./helpers.ts";

const YAML = `generators:
  - OCPGenerator:
      start_date: 2024-04-01
      end_date: 2024-04-02
      nodes:
        - node:
          node_name: n16
          cpu_cores: 4
          memory_gig: 16
          namespaces:
            ns:
              pods:
                - pod:
                  pod_name: bare
                  pod_seconds: 3600
              volumes:
                - volume:
                  volume_name: pv-default
                  volume_claims:
                  - volume_claim:
                    volume_claim_name: claim
                    pod_name: bare
`;

test("defaults follow nise: limits = node size (memory as a float), request capped at the limit, i-<17 hex>, 100 GiB volumes", async (t) => {
  const s = scratch();
  const pods: PodUsageRow[] = [];
  const storage: StorageUsageRow[] = [];
  const sink: RowSink = { pod: (r) => pods.push(r), storage: (r) => storage.push(r), nodeLabel() {}, namespaceLabel() {} };
  try {
    await generate(parseStaticReport(YAML, "d.yml"), { clusterId: "c", outDir: s.out, format: "csv", sink, seed: 1 });
    t.is(pods.length, 24);
    for (const p of pods) {
      t.regex(p.resource_id, /^i-[0-9a-f]{17}$/);
      t.is(p.pod_limit_cpu_core_seconds, 3600 * 4); // cpu_limit defaults to the node's 4 cores
      t.true(p.pod_request_cpu_core_seconds! >= 3600 * 0.02 && p.pod_request_cpu_core_seconds! <= 3600 * 4);
      // mem_limit_gig defaults to 16.0 and mem_request_gig to min(U(25, 80), 16.0) = 16.0: 3600 x 16 x 2^30
      t.is(p.pod_limit_memory_byte_seconds, 61847529062400);
      t.is(p.pod_request_memory_byte_seconds, 61847529062400);
      // no usage given: cpu rnd5(U(0.02, 4)), memory round(U(1, 16), 2) per row
      t.true(p.pod_usage_cpu_core_seconds! >= 3600 * 0.02 && p.pod_usage_cpu_core_seconds! <= 3600 * 4);
      t.true(p.pod_usage_memory_byte_seconds! >= 3600 * 2 ** 30 && p.pod_usage_memory_byte_seconds! <= 3600 * 16 * 2 ** 30);
    }
    // the printed limit is a float, as nise's spec notes (61847529062400.0)
    const line = csvLines(join(s.out, "April-2024-c-ocp_pod_usage.csv"))[1].split(",");
    t.is(line[13], "61847529062400.0");
    t.is(line[14], "4");
    // volume_request_gig defaults to 100 and the claim's capacity to the volume's request
    for (const r of storage) {
      t.is(r.volume_request_storage_byte_seconds, 100 * 2 ** 30 * 3600);
      t.is(r.persistentvolumeclaim_capacity_bytes, 100 * 2 ** 30);
      t.true(["gp3-csi", "fast", "slow", "gold"].includes(r.storageclass));
      t.regex(r.csi_volume_handle, /^vol-[0-9a-f]{17}$/);
      // usage: round(U(2.0, 100.0), 2) GiB for an hour
      t.true(r.persistentvolumeclaim_usage_byte_seconds! >= 2 * 2 ** 30 * 3600 && r.persistentvolumeclaim_usage_byte_seconds! <= 100 * 2 ** 30 * 3600);
    }
    // storage class and driver come as a pair
    const pairs: Record<string, string> = { "gp3-csi": "ebs.csi.aws.com", fast: "disk.csi.azure.com", slow: "disk.csi.azure.com", gold: "pd.csi.storage.gke.io" };
    t.is(storage[0].csi_driver, pairs[storage[0].storageclass]);
  } finally {
    s.cleanup();
  }
});
