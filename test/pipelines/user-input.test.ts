// The same nise data given as plain CSVs, as gzipped split parts mixed with plain ones, as nise's
// --insights-upload folders and as upload payload tarballs: each mode (in-memory, streaming,
// reference) gives byte for byte the summary it gives on the plain CSVs, through `aggregate` and
// `run --input` (that the modes agree with each other is modes-agree.test.ts).
import test from "ava";
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { aggregateInput } from "../../src/run/aggregate.ts";
import type { Mode } from "../../src/contract/job.ts";
import { generate } from "../../src/nise/generate.ts";
import { writeUploadPackaging } from "../../src/nise/insights-upload.ts";
import { parseStaticReport } from "../../src/nise/static-yaml.ts";
import { formatSummaryCsv } from "../../src/report/canonical-summary-csv.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";
import { startCli } from "../run/cli-process.ts";

const work = mkdtempSync(join(tmpdir(), "streambench-user-input-"));
test.after.always(() => rmSync(work, { recursive: true, force: true }));

/** The multi-month fixture's manifest, split every 50 rows, as plain CSVs, mixed gz, extracted payloads and tarballs. */
const inputs = (async () => {
  const yml = join(NISE_FIXTURES, "multi-month-shared-pv", "manifest.yml");
  const manifest = parseStaticReport(readFileSync(yml, "utf8"), "manifest.yml");
  const plain = join(work, "plain");
  const summary = await generate(manifest, { clusterId: "fixture-cluster", outDir: plain, format: "csv", fileRowLimit: 50 });
  const upload = join(work, "upload");
  const payloads = join(work, "payloads");
  writeUploadPackaging(manifest, plain, summary.files, "fixture-cluster", 0, { insightsUpload: upload, payloads });
  // every other file gzipped (nise's CRLF line ends kept inside)
  const mixed = join(work, "mixed");
  cpSync(plain, mixed, { recursive: true });
  readdirSync(mixed).forEach((name, i) => {
    if (i % 2 === 1) return;
    writeFileSync(join(mixed, `${name}.gz`), gzipSync(readFileSync(join(mixed, name))));
    rmSync(join(mixed, name));
  });
  return { plain, mixed, upload, payloads, splitParts: summary.files.filter((f) => /-\d+\.csv$/.test(f)).length };
})();

async function summaryCsv(path: string, mode: Mode | "reference"): Promise<string> {
  const { rows } = await aggregateInput(path, mode);
  return formatSummaryCsv(rows);
}

test.serial("payload tarballs, insights-upload folders and gzipped split parts summarise exactly as the plain CSVs, in every mode", async (t) => {
  const { plain, mixed, upload, payloads, splitParts } = await inputs;
  t.true(splitParts > 4, "the row limit split the files into parts");
  t.true(readdirSync(mixed).some((f) => f.endsWith(".csv.gz")) && readdirSync(mixed).some((f) => f.endsWith(".csv")));
  t.true(readdirSync(payloads).every((f) => /^[0-9a-f-]{36}_openshift_report\.\d+\.tar\.gz$/.test(f)));
  for (const mode of ["in-memory", "streaming", "reference"] as const) {
    const expected = await summaryCsv(plain, mode);
    t.true(expected.split("\n").length > 10, "the summary has rows");
    for (const input of [mixed, upload, payloads]) t.is(await summaryCsv(input, mode), expected, `${input} ${mode}`);
  }
});

test.serial("run --input on the payload tarballs gives the plain CSVs' summary and lists every file read, with its rows, and every file skipped", async (t) => {
  const { plain, payloads } = await inputs;
  const runOn = async (input: string) => {
    const out = mkdtempSync(join(work, "results-"));
    const result = await startCli(["run", "--headless", "--runs", "1", "--input", input, "--out", out]).done;
    t.is(result.code, 0, result.stdout + result.stderr);
    return realpathSync(join(out, "latest"));
  };
  const plainRun = await runOn(plain);
  const payloadRun = await runOn(payloads);
  for (const name of ["summary_input_reference.csv", "summary_input_in-memory.csv", "summary_input_streaming.csv"]) {
    t.is(readFileSync(join(payloadRun, name), "utf8"), readFileSync(join(plainRun, name), "utf8"), name);
  }
  const scale = JSON.parse(readFileSync(join(payloadRun, "summary.json"), "utf8")).report.scales[0];
  // rows per report type as the plain run read them
  const plainScale = JSON.parse(readFileSync(join(plainRun, "summary.json"), "utf8")).report.scales[0];
  const sum = (s: { inputFiles: { type: string; rows: number }[] }, type: string) => s.inputFiles.filter((f) => f.type === type).reduce((a, f) => a + f.rows, 0);
  for (const type of ["ocp_pod_usage", "ocp_storage_usage", "ocp_node_label", "ocp_namespace_label"]) t.is(sum(scale, type), sum(plainScale, type), type);
  t.true(scale.inputFiles.every((f: { source: string }) => /\.tar\.gz!.*_openshift_report\.\d+\.csv$/.test(f.source)));
  const skippedTypes = scale.skippedFiles.map((s: { reason: string }) => /ocp_(vm|gpu)_usage/.exec(s.reason)?.[0]).sort();
  // one header-only VM file and one GPU file per month, January and February
  t.deepEqual(skippedTypes, ["ocp_gpu_usage", "ocp_gpu_usage", "ocp_vm_usage", "ocp_vm_usage"]);
});
