// `streambench generate`: nise-compatible OpenShift usage reports from a nise static YAML or a built-in scale.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { UsageError } from "../errors.ts";
import { DEFAULT_PROFILE, DEFAULT_SCALE_SEED, parseProfile, SCALES, scaleManifest, type Profile } from "../scales.ts";
import { DEFAULT_FILE_ROW_LIMIT, DEFAULT_ORG, generate, type GenerateSummary, type OutputFormat } from "../nise/generate.ts";
import { parseCliDate, parseStaticReport } from "../nise/static-yaml.ts";
import { writeUploadPackaging } from "../nise/insights-upload.ts";

export const GENERATE_HELP = `Usage: streambench generate (--static-report-file FILE.yml | --scale NAME) --out DIR [options]

Writes what \`nise report ocp --static-report-file FILE.yml --ocp-cluster-id ID -w\` writes
(ocp_pod_usage, ocp_storage_usage, ocp_node_label, ocp_namespace_label; ocp_vm_usage and
ocp_gpu_usage only as the header-only files nise writes when the YAML has no VMs / GPUs, since
their rows are not generated), and/or the same rows as Koku-layout parquet:
  DIR/data/<org>/OCP/source=<uuid>/year=YYYY/month=MM/<table>/part-NNNNN.parquet

Input (exactly one):
  --static-report-file FILE   nise static-report YAML (YAML 1.1, as nise reads it)
  --scale NAME                built-in scale over October 2025: ${SCALES.map((s) => s.name).join(", ")}

Options:
  --out DIR                   output folder (must not exist or be empty); written via a temporary
                              folder beside it and renamed at the end
  -s, --start-date DATE       like nise: start for YAML generators without start_date (YYYY-MM-DD)
  -e, --end-date DATE         like nise: end for YAML generators without end_date (exclusive)
  --ocp-cluster-id ID         cluster id in file names (required with --static-report-file;
                              default benchmark-<scale> with --scale): up to 50 letters, digits,
                              ".", "_" or "-", not starting with "."
  --format csv|parquet|both   default: csv with --static-report-file, parquet with --scale
  --file-row-limit N          rows per CSV file before splitting into -1, -2, ... (default ${DEFAULT_FILE_ROW_LIMIT})
  --profile constant|realistic  with --scale: constant (default) gives each pod one usage value for
                              the month; realistic keeps the scale's shape but lets CPU, memory and
                              volume usage be drawn for every hour as nise draws them, and adds pods
                              that start or end within the month and a label that changes on some day
  --seed N                    seed for every value the YAML leaves out, and for scale shapes
                              (default 0 for YAML, ${DEFAULT_SCALE_SEED} for scales); same seed, same bytes
  --insights-upload DIR       also write what \`nise ... --insights-upload DIR\` leaves in a local folder:
                              per month DIR/<cluster>/<YYYYMMDD>-<YYYYMMDD>/ with manifest.json and
                              <uuid>_openshift_report.<n>.csv (needs CSV output)
  --insights-payloads DIR     also write the upload payloads themselves: one .tar.gz per CSV holding
                              it and manifest.json, as nise POSTs them (needs CSV output)
  --org ORG                   Koku org in the parquet path (default ${DEFAULT_ORG})
  --source-uuid UUID          Koku source in the parquet path (default derived from cluster id and seed)
  --quiet                     no progress on stderr
  -h, --help                  this text
`;

interface Flags {
  staticReportFile?: string;
  scale?: string;
  out?: string;
  clusterId?: string;
  format?: OutputFormat;
  fileRowLimit?: number;
  seed?: number;
  org?: string;
  sourceUuid?: string;
  profile?: Profile;
  insightsUpload?: string;
  insightsPayloads?: string;
  startDate?: string;
  endDate?: string;
  quiet: boolean;
  help: boolean;
}

const VALUE_FLAGS: Record<string, keyof Flags> = {
  "--static-report-file": "staticReportFile",
  "--scale": "scale",
  "--out": "out",
  "--ocp-cluster-id": "clusterId",
  "--format": "format",
  "--file-row-limit": "fileRowLimit",
  "--seed": "seed",
  "--org": "org",
  "--source-uuid": "sourceUuid",
  "--profile": "profile",
  "--insights-upload": "insightsUpload",
  "--insights-payloads": "insightsPayloads",
  "--start-date": "startDate",
  "-s": "startDate",
  "--end-date": "endDate",
  "-e": "endDate",
};

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

export function parseGenerateFlags(argv: string[]): Flags {
  const f: Flags = { quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      f.help = true;
      continue;
    }
    if (arg === "--quiet") {
      f.quiet = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[name];
    if (!key) throw new UsageError(`generate: unknown option ${JSON.stringify(arg)} (see streambench generate --help)`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) throw new UsageError(`${name}: needs a value`);
      value = argv[++i];
    }
    if (f[key] !== undefined) throw new UsageError(`${name}: given twice`);
    switch (key) {
      case "fileRowLimit":
        f.fileRowLimit = wholeNumber(name, value, 1, Number.MAX_SAFE_INTEGER);
        break;
      case "seed":
        f.seed = wholeNumber(name, value, 0, 0xffffffff);
        break;
      case "profile":
        f.profile = parseProfile(value);
        break;
      case "format":
        if (value !== "csv" && value !== "parquet" && value !== "both") throw new UsageError(`--format: expected csv, parquet or both, got ${JSON.stringify(value)}`);
        f.format = value;
        break;
      default:
        (f as unknown as Record<string, string>)[key] = value;
    }
  }
  return f;
}

/** Run the generate subcommand; returns the exit code (errors are thrown: UsageError → 2). */
export async function runGenerateCommand(argv: string[]): Promise<number> {
  const f = parseGenerateFlags(argv);
  if (f.help) {
    process.stdout.write(GENERATE_HELP);
    return 0;
  }
  if ((f.staticReportFile === undefined) === (f.scale === undefined)) {
    throw new UsageError("generate: give exactly one of --static-report-file FILE or --scale NAME (see --help)");
  }
  if (!f.out) throw new UsageError("generate: --out DIR is required");
  let manifest;
  let clusterId = f.clusterId;
  if (f.staticReportFile !== undefined) {
    if (f.profile !== undefined) throw new UsageError("--profile: only with --scale (a static YAML says itself which usage it fixes)");
    if (!clusterId) throw new UsageError("--ocp-cluster-id: required with --static-report-file (nise requires it too)");
    let text: string;
    try {
      text = readFileSync(f.staticReportFile, "utf8");
    } catch (e) {
      throw new UsageError(`--static-report-file ${f.staticReportFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    manifest = parseStaticReport(text, basename(f.staticReportFile), {
      startDate: f.startDate === undefined ? undefined : parseCliDate("--start-date", f.startDate),
      endDate: f.endDate === undefined ? undefined : parseCliDate("--end-date", f.endDate),
    });
  } else {
    if (f.startDate !== undefined || f.endDate !== undefined) throw new UsageError("--start-date/--end-date: only with --static-report-file (scales cover October 2025)");
    manifest = scaleManifest(f.scale!, f.seed ?? DEFAULT_SCALE_SEED, f.profile ?? DEFAULT_PROFILE);
    clusterId ??= `benchmark-${f.scale}`;
  }
  const packaging = f.insightsUpload !== undefined || f.insightsPayloads !== undefined;
  const format = f.format ?? (f.scale !== undefined ? (packaging ? "both" : "parquet") : "csv");
  if (packaging && format === "parquet") throw new UsageError("--insights-upload/--insights-payloads package the CSVs: use --format csv or both");
  let lastPct = -1;
  // Ctrl-C / SIGTERM: the next progress report throws, so generate() removes its temporary folder.
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) process.exit(130);
    stopSignal = signal;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let summary: GenerateSummary;
  try {
    summary = await generate(manifest, {
    clusterId,
    outDir: f.out,
    format,
    fileRowLimit: f.fileRowLimit,
    seed: f.seed ?? (f.scale !== undefined ? DEFAULT_SCALE_SEED : undefined),
    org: f.org,
    sourceUuid: f.sourceUuid,
    onProgress: (done, total) => {
      if (stopSignal) throw new Error(`stopped by ${stopSignal}`);
      if (f.quiet) return;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (pct !== lastPct && process.stderr.isTTY) process.stderr.write(`\rgenerating ${pct}% (${done.toLocaleString("en-US")} rows)`);
      lastPct = pct;
    },
    });
  } catch (error) {
    if (stopSignal) {
      process.stderr.write(`\nstreambench generate: stopped by ${stopSignal}; nothing written to ${f.out}\n`);
      return 130;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (!f.quiet && process.stderr.isTTY) process.stderr.write("\n");
  if (packaging) {
    const seed = f.seed ?? (f.scale !== undefined ? DEFAULT_SCALE_SEED : 0);
    const written = writeUploadPackaging(manifest, summary.outDir, summary.files, summary.clusterId, seed, { insightsUpload: f.insightsUpload, payloads: f.insightsPayloads });
    process.stdout.write(`packaged ${written.length} upload files (${[f.insightsUpload, f.insightsPayloads].filter(Boolean).join(", ")})\n`);
  }
  const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `generated ${total.toLocaleString("en-US")} rows (${Object.entries(summary.rows).map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`).join(", ")}) ` +
      `for ${summary.months.join(", ")} into ${summary.outDir}: ${summary.files.length} files, ${format}, source=${summary.sourceUuid}, ${summary.seconds.toFixed(1)} s\n`,
  );
  return 0;
}
