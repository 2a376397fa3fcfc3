// nise's upload packaging (spec/nise-ocp-format.md §7.4), written from a finished CSV output:
// per month a payload uuid; every CSV of the month copied as `<uuid>_openshift_report.<i>.csv`
// (split parts first, then the final files in report-type order, as the month writer lists them);
// manifest.json as nise writes it (json.dumps indent 2, keys in nise's order, no trailing newline).
//   - `--insights-upload DIR` (DIR a local folder): what nise leaves there, each payload extracted
//     to DIR/<cluster_id>/<YYYYMMDD>-<YYYYMMDD>/ (manifest.json + the CSVs);
//   - `--insights-payloads DIR`: the payloads themselves, one tar.gz per CSV holding that CSV and
//     manifest.json, as nise POSTs them to ingress (and koku-metrics-operator uploads them).
// The uuid is derived from cluster id, seed and month (nise draws uuid4), so same seed, same bytes.

import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "./manifest.ts";
import { MONTH_NAMES } from "./calendar.ts";
import { plan } from "./generate.ts";
import { writeTarGz } from "./tar.ts";

export const NISE_VERSION = "5.4.1";

const CR_STATUS = {
  clusterID: "4e009161-4f40-42c8-877c-3e59f6baea3d",
  clusterVersion: "stable-4.6",
  api_url: "https://console.redhat.com",
  authentication: { type: "token" },
  packaging: { max_reports_to_store: 30, max_size_MB: 100 },
  upload: { ingress_path: "/api/ingress/v1/upload", upload: "True", upload_wait: 27, upload_cycle: 360 },
  operator_commit: NISE_VERSION,
  prometheus: {
    prometheus_configured: "True",
    prometheus_connected: "True",
    last_query_start_time: "2021-07-28T12:22:37Z",
    last_query_success_time: "2021-07-28T12:22:37Z",
    service_address: "https://thanos-querier.openshift-monitoring.svc:9091",
  },
  reports: { report_month: "07", last_hour_queried: "2021-07-28 11:00:00 - 2021-07-28 11:59:59", data_collected: "True" },
  source: { sources_path: "/api/sources/v1.0/", name: "INSERT-SOURCE-NAME", create_source: "False", check_cycle: 1440 },
};

/** Python `datetime.isoformat(timespec="microseconds")` of a UTC instant. */
function pyIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

function payloadUuid(clusterId: string, seed: number, month: string): string {
  const h = createHash("sha1").update(`streambench-payload:${clusterId}:${seed}:${month}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");

export interface UploadTargets {
  /** nise --insights-upload DIR (a local folder): extracted payloads. */
  insightsUpload?: string;
  /** The tar.gz payloads. */
  payloads?: string;
}

/**
 * Package the CSVs `files` (relative to `csvDir`, in writing order) of a generated manifest.
 * Returns the paths written.
 */
export function writeUploadPackaging(manifest: Manifest, csvDir: string, files: string[], clusterId: string, seed: number, targets: UploadTargets): string[] {
  const written: string[] = [];
  for (const m of plan(manifest)) {
    if (m.gens.length === 0) continue;
    const monthKey = `${m.name}-${m.year}`;
    const monthFiles = files.filter((f) => f.startsWith(`${monthKey}-`) && f.endsWith(".csv"));
    if (monthFiles.length === 0) continue;
    const uuid = payloadUuid(clusterId, seed, monthKey);
    const last = m.gens[m.gens.length - 1];
    const names = monthFiles.map((_, i) => `${uuid}_openshift_report.${i}.csv`);
    const manifestJson = JSON.stringify(
      {
        cluster_id: clusterId,
        uuid,
        date: pyIso(last.start),
        files: names,
        start: pyIso(last.start),
        end: pyIso(last.end),
        version: NISE_VERSION,
        certified: false,
        cr_status: CR_STATUS,
      },
      null,
      2,
    );
    if (targets.insightsUpload) {
      const from = Date.UTC(m.year, MONTH_NAMES.indexOf(m.name as (typeof MONTH_NAMES)[number]), 1);
      const to = Date.UTC(m.year, MONTH_NAMES.indexOf(m.name as (typeof MONTH_NAMES)[number]) + 1, 1);
      const dir = join(targets.insightsUpload, clusterId, `${ymd(from)}-${ymd(to)}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "manifest.json"), manifestJson);
      written.push(join(dir, "manifest.json"));
      monthFiles.forEach((f, i) => {
        copyFileSync(join(csvDir, f), join(dir, names[i]));
        written.push(join(dir, names[i]));
      });
    }
    if (targets.payloads) {
      mkdirSync(targets.payloads, { recursive: true });
      monthFiles.forEach((f, i) => {
        const target = join(targets.payloads!, `${uuid}_openshift_report.${i}.tar.gz`);
        writeFileSync(
          target,
          writeTarGz([
            { name: names[i], data: readFileSync(join(csvDir, f)) },
            { name: "manifest.json", data: Buffer.from(manifestJson) },
          ], Math.floor(last.start / 1000)),
        );
        written.push(target);
      });
    }
  }
  return written;
}
