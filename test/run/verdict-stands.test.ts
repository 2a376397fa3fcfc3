// The orchestrator with fakes of its parts: what a mode earned stands when something after it
// breaks. A disk that fills up after a PASS (its summary CSV cannot be written) leaves the mode
// FAILED with validation PASS, not NOT_RUN; its write is rolled back, never committed; the exit
// code is the output fault's (5), and the rows of a FAIL are rolled back too.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFromArgs } from "../../src/commands/run-config.ts";
import type { JobReport, Mode } from "../../src/contract/job.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { Benchmark } from "../../src/run/benchmark.ts";
import type { Parts, PreparedData } from "../../src/run/run-parts.ts";
import { compareSummaries } from "../../src/validate/compare.ts";
import { podRow } from "../db/targets.ts";
import { collectingComparison, fakeSettings, readEach } from "./fake-parts.ts";

const ROWS: SummaryRow[] = [podRow("2025-10-01", "ns-a", { pod_usage_cpu_core_hours: 1.5 }), podRow("2025-10-02", "ns-a", { pod_usage_cpu_core_hours: 2.5 })];
const ROWS_BY_TYPE = { pod: 48, storage: 0, nodeLabels: 0, namespaceLabels: 0 };

interface Ledger {
  committed: Mode[];
  rolledBack: Mode[];
}

function fakeParts(opts: { csvFails?: Mode; wrongValue?: Mode }, ledger: Ledger): Parts {
  let current: Mode = "in-memory";
  return {
    async prepare(): Promise<PreparedData> {
      return { root: "/nowhere", prefix: "p", sourceUuid: "s", clusterId: "c", rowsByType: ROWS_BY_TYPE, expected: ROWS };
    },
    async upload() {
      return { objects: 1, bytes: 1 };
    },
    async removeUpload() {},
    async aggregate(mode) {
      current = mode;
      const report: JobReport = {
        ok: true,
        mode,
        engine: mode === "streaming" ? "streaming" : "in-memory",
        rowsIn: { pod: 48, storage: 0, nodeLabels: 0, namespaceLabels: 0 },
        rowsOut: ROWS.length,
        timings: { ready: 1, read: 1, plan: 1, execute: 0, aggregate: 1, write: 1, total: 3 },
        maxRSSKb: 1000,
        cpu: { user: 1, system: 1 },
      };
      return { report, samples: [] };
    },
    prestart() {},
    discardPrestarted() {},
    async readSummaryFile() {
      return ROWS.map((r) => (opts.wrongValue === current ? { ...r, pod_usage_cpu_core_hours: 9 } : { ...r }));
    },
    async writeSummary(_source, _cluster, rows) {
      const mode = current;
      let settled = false;
      return {
        readback: async () => rows,
        readEach: async (each) => readEach(rows, each),
        commit: async () => {
          settled = true;
          ledger.committed.push(mode);
        },
        rollback: async () => {
          if (settled) return;
          settled = true;
          ledger.rolledBack.push(mode);
        },
      };
    },
    startComparison: (expected) => collectingComparison((actual) => compareSummaries(expected, actual, { relTolerance: 1e-9, absTolerance: 0 })),
    compare: (expected, actual) => compareSummaries(expected, actual, { relTolerance: 1e-9, absTolerance: 0 }),
    validationLog: () => "log\n",
    async writeSummaryCsv(path) {
      if (opts.csvFails && path.endsWith(`_${opts.csvFails}.csv`)) {
        throw Object.assign(new Error(`ENOSPC: no space left on device, open '${path}'`), { code: "ENOSPC", syscall: "open", path });
      }
    },
    async writeReports() {},
    headline: () => "",
  };
}

async function run(opts: { csvFails?: Mode; wrongValue?: Mode }) {
  const runDir = mkdtempSync(join(tmpdir(), "streambench-verdict-"));
  const parsed = configFromArgs(["--scales", "small", "--runs", "1", "--headless", "--out", runDir], {}, ["small"]);
  if (parsed.help) throw new Error("help");
  const ledger: Ledger = { committed: [], rolledBack: [] };
  const benchmark = new Benchmark({
    config: parsed.config,
    runDir,
    parts: fakeParts(opts, ledger),
    environment: { cpu: "x", cores: 1, ramGb: 1, os: "x", runtime: "x", versions: {}, gitCommit: "x" } as never,
    settings: fakeSettings(parsed.config),
    expectedRows: () => 48,
    history: { prepare: [], mode: [], rest: [] },
  });
  const status = await benchmark.start();
  rmSync(runDir, { recursive: true, force: true });
  return { status, benchmark, ledger };
}

test("a disk that fills after a PASS: the mode is FAILED with validation PASS (not NOT_RUN), rolled back, exit 5", async (t) => {
  const { status, benchmark, ledger } = await run({ csvFails: "streaming" });
  t.is(status, "ERROR");
  t.is(benchmark.exitCode, 5);
  const runs = benchmark.report.scales[0].runs.map((r) => [r.mode, r.status, r.validation]);
  t.deepEqual(runs, [
    ["in-memory", "SUCCESS", "PASS"],
    ["streaming", "FAILED", "PASS"],
  ]);
  t.deepEqual(ledger.committed, ["in-memory"], "only the mode that finished whole is committed");
  t.deepEqual(ledger.rolledBack, ["streaming"]);
});

test("a validation FAIL is rolled back: the table never keeps rows of a run that did not PASS", async (t) => {
  const { status, benchmark, ledger } = await run({ wrongValue: "in-memory" });
  t.is(status, "FAIL");
  t.is(benchmark.exitCode, 1);
  t.deepEqual(ledger.committed, []);
  t.deepEqual(ledger.rolledBack, ["in-memory"]);
});
