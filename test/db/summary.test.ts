// Writing and reading the daily summary on the embedded PGlite server and, when DATABASE_URL is
// set, on real PostgreSQL: round trip, rerun replaces, partitions, and throughput.
import { SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../../src/contract/summary-schema.ts";
import {
  countSummary,
  readSummary,
  summaryFingerprint,
  writeSummary,
  SUMMARY_TABLE,
} from "../../src/db/index.ts";
import { manyRows, podRow, testSchema } from "./targets.ts";
import { serialTestOn, TARGET_NAMES, targetsOfFile } from "./on-targets.ts";

const schema = testSchema("summary");
const targets = targetsOfFile(schema);

const S1 = "11111111-1111-4111-8111-111111111111";
const S2 = "22222222-2222-4222-8222-222222222222";
const S3 = "33333333-3333-4333-8333-333333333333";
const S4 = "44444444-4444-4444-8444-444444444444";

function storageRow(over: Partial<SummaryRow> = {}): SummaryRow {
  return podRow("2026-01-31", "openshift-monitoring", {
    data_source: "Storage",
    node: null,
    resource_id: null,
    persistentvolumeclaim: 'claim,with "quotes"\nand a newline',
    persistentvolume: "pv-0001",
    storageclass: "",
    pod_labels: null,
    volume_labels: '{"aa":"1","b":"2","quote\\"key":"x,y","é":"ü"}',
    all_labels: '{"aa":"1","b":"2","quote\\"key":"x,y","é":"ü"}',
    cost_category_id: 1,
    pod_usage_cpu_core_hours: null,
    persistentvolumeclaim_capacity_gigabyte: 1 / 3,
    persistentvolumeclaim_capacity_gigabyte_months: 2 / 3,
    volume_request_storage_gigabyte_months: 1e-16,
    persistentvolumeclaim_usage_gigabyte_months: 0.1 + 0.2,
    ...over,
  });
}

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] a written summary reads back equal, numbers rounded as numeric(33,15) rounds them`, async (t) => {
    const { pool } = targets.get(name)!;
    const rows: SummaryRow[] = [
      podRow("2026-01-01", "ns-a", { pod_request_cpu_core_hours: 123456789.123456789, node_capacity_cpu_cores: 16, cost_category_id: null }),
      podRow("2026-01-02", "kube-system", { pod_labels: "{}", all_labels: "{}", pod_usage_cpu_core_hours: 0 }),
      storageRow(),
    ];
    const res = await writeSummary(pool, { schema, sourceUuid: S1, clusterId: "my-cluster", rows });
    t.is(res.inserted, 3);
    t.is(res.method, "unnest");
    const back = await readSummary(pool, { schema, sourceUuid: S1 });
    // The database rounds to 15 decimals (half away from zero). Values with <= 15 significant
    // decimals come back exactly; these do not, and come back as the rounded decimal:
    const expected = structuredClone(rows);
    expected[2].persistentvolumeclaim_capacity_gigabyte = 0.333333333333333;
    expected[2].persistentvolumeclaim_capacity_gigabyte_months = 0.666666666666667;
    expected[2].volume_request_storage_gigabyte_months = 0; // 1e-16 is below the 15th decimal
    expected[2].persistentvolumeclaim_usage_gigabyte_months = 0.3; // 0.30000000000000004
    // jsonb stores keys shorter-first; the readback is canonical again (JS default key order).
    t.deepEqual(back, expected);
    for (let i = 0; i < rows.length; i++) {
      for (const [k, v] of Object.entries(rows[i])) {
        if (typeof v === "number") t.true(Math.abs((back[i] as Record<string, unknown>)[k] as number - v) <= 5e-16 * Math.max(1, Math.abs(v)), k);
      }
    }
    // Columns the step writes beyond SummaryRow: cluster, usage_end = usage_start, source, zero infra cost, uuid.
    const extra = await pool.query(
      `SELECT cluster_id, cluster_alias, usage_end::text AS usage_end, source_uuid::text AS source_uuid,
              infrastructure_usage_cost->>'cpu' AS cpu, uuid::text AS uuid
       FROM "${schema}".${SUMMARY_TABLE} WHERE source_uuid = $1 ORDER BY usage_start`,
      [S1],
    );
    t.is(extra.rows.length, 3);
    t.deepEqual(extra.rows.map((r) => r.usage_end), ["2026-01-01", "2026-01-02", "2026-01-31"]);
    t.true(extra.rows.every((r) => r.cluster_id === "my-cluster" && r.cluster_alias === "my-cluster" && r.source_uuid === S1));
    t.true(extra.rows.every((r) => Number(r.cpu) === 0));
    t.is(new Set(extra.rows.map((r) => r.uuid)).size, 3);
  });

  serialTestOn(name)(`[${name}] rewriting a source replaces its rows and leaves other sources untouched`, async (t) => {
    const { pool } = targets.get(name)!;
    const other = [podRow("2026-01-05", "other-1"), podRow("2026-01-06", "other-2")];
    await writeSummary(pool, { schema, sourceUuid: S2, clusterId: "c2", rows: other });
    const otherBefore = await readSummary(pool, { schema, sourceUuid: S2 });

    const rows = manyRows(300);
    await writeSummary(pool, { schema, sourceUuid: S3, clusterId: "c3", rows });
    await writeSummary(pool, { schema, sourceUuid: S3, clusterId: "c3", rows });
    t.is(await countSummary(pool, { schema, sourceUuid: S3 }), 300);
    const second = await writeSummary(pool, { schema, sourceUuid: S3, clusterId: "c3", rows: rows.slice(0, 120) });
    t.is(second.deleted, 300);
    t.is(await countSummary(pool, { schema, sourceUuid: S3 }), 120);
    t.deepEqual(await readSummary(pool, { schema, sourceUuid: S2 }), otherBefore);
    t.is(otherBefore.length, 2);

    // An empty rewrite with an explicit range clears the source's rows in that range.
    const cleared = await writeSummary(pool, { schema, sourceUuid: S3, clusterId: "c3", rows: [], range: { start: "2026-01-01", end: "2026-01-31" } });
    t.is(cleared.deleted, 120);
    t.is(await countSummary(pool, { schema, sourceUuid: S3 }), 0);
  });

  serialTestOn(name)(`[${name}] rows land in monthly partitions created on demand, not in the default partition`, async (t) => {
    const { pool } = targets.get(name)!;
    const src = "44444444-4444-4444-8444-444444444444";
    await writeSummary(pool, {
      schema,
      sourceUuid: src,
      clusterId: "c4",
      rows: [podRow("2025-12-31", "ns-x"), podRow("2026-02-01", "ns-y"), podRow("2026-02-28", "ns-z")],
    });
    const parts = await pool.query<{ child: string }>(
      `SELECT c.relname AS child FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace s ON s.oid = p.relnamespace WHERE s.nspname = $1 AND p.relname = '${SUMMARY_TABLE}' ORDER BY 1`,
      [schema],
    );
    const children = parts.rows.map((r) => r.child);
    for (const m of ["2025_12", "2026_01", "2026_02", "default"]) t.true(children.includes(`${SUMMARY_TABLE}_${m}`), m);
    const placed = await pool.query<{ child: string; n: string }>(
      `SELECT c.relname AS child, count(*)::text AS n FROM "${schema}".${SUMMARY_TABLE} s JOIN pg_class c ON c.oid = s.tableoid
       WHERE s.source_uuid = $1 GROUP BY 1`,
      [src],
    );
    const byName: Record<string, number> = Object.fromEntries(placed.rows.map((r) => [r.child, Number(r.n)]));
    t.is(byName[`${SUMMARY_TABLE}_2025_12`], 1);
    t.is(byName[`${SUMMARY_TABLE}_2026_02`], 2);
    t.false(`${SUMMARY_TABLE}_default` in byName);
    await writeSummary(pool, { schema, sourceUuid: src, clusterId: "c4", rows: [] , range: { start: "2025-12-01", end: "2026-02-28" } });
  });

  serialTestOn(name)(`[${name}] both bulk paths store the same rows`, async (t) => {
    const { pool } = targets.get(name)!;
    const rows = manyRows(500);
    const methods = name === "pglite" ? (["unnest"] as const) : (["copy", "unnest"] as const);
    const results: SummaryRow[][] = [];
    for (const method of methods) {
      const src = method === "copy" ? "55555555-5555-4555-8555-555555555555" : "66666666-6666-4666-8666-666666666666";
      await writeSummary(pool, { schema, sourceUuid: src, clusterId: "c", rows, method, batchSize: 128 });
      results.push(await readSummary(pool, { schema, sourceUuid: src }));
    }
    for (const r of results) t.is(r.length, 500);
    if (results.length === 2) t.deepEqual(results[0], results[1]);
    t.is(results[0][0].usage_start, "2026-01-01");
  });

  serialTestOn(name)(`[${name}] write throughput (logged) and progress reaches the total`, async (t) => {
    const { pool } = targets.get(name)!;
    const n = name === "pglite" ? 20_000 : 50_000;
    const rows = manyRows(n);
    const progress: number[] = [];
    const src = "77777777-7777-4777-8777-777777777777";
    const res = await writeSummary(pool, { schema, sourceUuid: src, clusterId: "c", rows, onProgress: (d) => progress.push(d) });
    t.log(`${name} ${res.method}: ${n} rows in ${res.ms.toFixed(0)} ms = ${Math.round((n / res.ms) * 1000)} rows/s`);
    t.is(progress.at(-1), n);
    const t0 = performance.now();
    const back = await readSummary(pool, { schema, sourceUuid: src });
    t.log(`${name} readback: ${Math.round((n / (performance.now() - t0)) * 1000)} rows/s`);
    t.is(back.length, n);
    const fp = await summaryFingerprint(pool, schema);
    t.true(fp.count >= n);
    t.regex(fp.md5, /^[0-9a-f]{32}$/);
  });
}

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] every column reads back into its own field`, async (t) => {
    const { pool } = targets.get(name)!;
    // Every measure a different value, every text column a different text: a column read into
    // another's field cannot go unnoticed. Texts with array-literal syntax, the word NULL,
    // control characters and COPY's own escapes (\\N) stay text.
    const measures = Object.fromEntries(SUMMARY_MEASURE_COLUMNS.map((c, i) => [c, i + 1 + (i + 1) / 100]));
    const row: SummaryRow = {
      usage_start: "2026-01-05",
      data_source: "Storage",
      namespace: "ns-x",
      node: "node-x",
      resource_id: "res-x",
      persistentvolumeclaim: 'pvc-\\x"{a,b}" NULL',
      persistentvolume: "pv\tx\r\n\\N\b\f\v\u0001é",
      storageclass: "NULL",
      pod_labels: '{"p":"1"}',
      volume_labels: '{"v":"2"}',
      all_labels: '{"p":"1","v":"2"}',
      cost_category_id: 7,
      ...(measures as Record<(typeof SUMMARY_MEASURE_COLUMNS)[number], number>),
    };
    await writeSummary(pool, { schema, sourceUuid: S4, clusterId: "c", rows: [row] });
    const back = await readSummary(pool, { schema, sourceUuid: S4 });
    t.deepEqual(back, [row]);
    t.is(back[0].persistentvolumeclaim_usage_gigabyte_months, 18.18);
  });
}
