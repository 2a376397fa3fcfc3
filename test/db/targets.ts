// The PostgreSQL servers the database tests run against: always the embedded PGlite server (the
// test starts it), and real PostgreSQL too when DATABASE_URL is set (CI).
import type pg from "pg";
import { connectPg, pgSettingsFromEnv, startEmbeddedPostgres, type PgSettings } from "../../src/db/index.ts";
import { SUMMARY_MEASURE_COLUMNS, type SummaryMeasureColumn, type SummaryRow } from "../../src/contract/summary-schema.ts";

export interface Target {
  name: "pglite" | "postgres";
  settings: PgSettings;
  pool: pg.Pool;
  stop(): Promise<void>;
}

export async function startTargets(): Promise<Target[]> {
  const out: Target[] = [];
  const emb = await startEmbeddedPostgres();
  const embPool = await connectPg(emb.settings);
  out.push({
    name: "pglite",
    settings: emb.settings,
    pool: embPool,
    stop: async () => {
      await embPool.end();
      await emb.stop();
    },
  });
  const real = pgSettingsFromEnv({ DATABASE_URL: process.env.DATABASE_URL });
  if (real) {
    const pool = await connectPg(real);
    out.push({ name: "postgres", settings: real, pool, stop: () => pool.end() });
  }
  return out;
}

/** A schema name of its own per test file and process, so parallel files never collide. */
export function testSchema(tag: string): string {
  return `sbt_${tag}_${process.pid}`;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

const MEASURES_ZERO = Object.fromEntries(SUMMARY_MEASURE_COLUMNS.map((column) => [column, null])) as Record<SummaryMeasureColumn, null>;

export function podRow(day: string, ns: string, over: Partial<SummaryRow> = {}): SummaryRow {
  return {
    usage_start: day,
    data_source: "Pod",
    namespace: ns,
    node: "node-1",
    resource_id: "i-0001",
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    pod_labels: '{"app":"web"}',
    volume_labels: null,
    all_labels: '{"app":"web"}',
    cost_category_id: null,
    ...MEASURES_ZERO,
    pod_usage_cpu_core_hours: 1.5,
    ...over,
  };
}

/** n synthetic rows spread over the days of January 2026, distinct identities. */
export function manyRows(n: number): SummaryRow[] {
  const rows: SummaryRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const day = `2026-01-${String((i % 28) + 1).padStart(2, "0")}`;
    rows[i] = podRow(day, `ns-${Math.floor(i / 28)}`, {
      pod_labels: `{"app":"a${i % 13}","team":"t${i % 5}"}`,
      all_labels: `{"app":"a${i % 13}","team":"t${i % 5}"}`,
      pod_usage_cpu_core_hours: i * 0.001,
      pod_request_cpu_core_hours: i * 0.002,
      node_capacity_cpu_cores: 8,
      cluster_capacity_memory_gigabyte_hours: 1234.5678,
    });
  }
  return rows;
}
