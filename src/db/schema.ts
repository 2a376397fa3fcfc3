// The DDL of Koku's reporting_ocpusagelineitem_daily_summary (koku-daily-summary.md A.4): the
// columns the daily-summary step writes, RANGE-partitioned on usage_start with a default
// partition and monthly partitions created on demand (<table>_YYYY_MM), PRIMARY KEY
// (usage_start, uuid). PGlite 0.5.14 (PostgreSQL 18) supports declarative partitioning, so both
// servers get the same DDL. Cost columns the step does not write are left out, and so are Koku's
// secondary and GIN indexes (they only slow the bulk write this benchmark measures). No index on
// source_uuid either: the DELETE of a rerun is pruned to the months written and the readback scans
// the source's partitions; with 528,240 rows of 4 other sources beside production-large's 132,060
// (PostgreSQL 15), write + readback + validation took 5.3-5.8 s with an index on source_uuid and
// 5.5-5.6 s without (it costs the insert what it saves the scans).
import type pg from "pg";
import { UsageError } from "../errors.ts";
import { SUMMARY_MEASURE_COLUMNS } from "../contract/summary-schema.ts";

export const SUMMARY_TABLE = "reporting_ocpusagelineitem_daily_summary";
export const DEFAULT_SCHEMA = "org1234567";

/** A schema name we can quote safely and that PostgreSQL will not truncate. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(`schema "${schema}" is not a valid name (lower-case letters, digits, '_'; at most 63; not starting with a digit)`);
  }
  return schema;
}

export function qualifiedTable(schema: string, table = SUMMARY_TABLE): string {
  return `"${checkSchemaName(schema)}"."${table}"`;
}

/** Every column of the table in DDL order, with its SQL type. */
export const SUMMARY_TABLE_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ["uuid", "uuid NOT NULL"],
  ["report_period_id", "integer"],
  ["cluster_id", "varchar(50)"],
  ["cluster_alias", "varchar(256)"],
  ["data_source", "varchar(64)"],
  ["usage_start", "date NOT NULL"],
  ["usage_end", "date NOT NULL"],
  ["namespace", "varchar(253)"],
  ["node", "varchar(253)"],
  ["resource_id", "varchar(253)"],
  ["pod_labels", "jsonb"],
  ...SUMMARY_MEASURE_COLUMNS.slice(0, 14).map((c) => [c, "numeric(33,15)"] as const),
  ["persistentvolumeclaim", "varchar(253)"],
  ["persistentvolume", "varchar(253)"],
  ["storageclass", "varchar(253)"],
  ["volume_labels", "jsonb"],
  ["all_labels", "jsonb"],
  ...SUMMARY_MEASURE_COLUMNS.slice(14).map((c) => [c, "numeric(33,15)"] as const),
  ["source_uuid", "uuid"],
  ["infrastructure_usage_cost", "jsonb"],
  ["cost_category_id", "integer"],
];

export function summaryTableDdl(schema: string): string[] {
  const t = qualifiedTable(schema);
  const cols = SUMMARY_TABLE_COLUMNS.map(([n, ty]) => `  "${n}" ${ty}`).join(",\n");
  return [
    `CREATE SCHEMA IF NOT EXISTS "${checkSchemaName(schema)}"`,
    `CREATE TABLE IF NOT EXISTS ${t} (\n${cols},\n  CONSTRAINT "${SUMMARY_TABLE}_pk" PRIMARY KEY ("usage_start", "uuid")\n) PARTITION BY RANGE ("usage_start")`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, `${SUMMARY_TABLE}_default`)} PARTITION OF ${t} DEFAULT`,
  ];
}

const ready = new WeakMap<object, Set<string>>();

function isRace(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  // Two sessions creating the same schema/table/type at once: unique_violation or duplicate_*.
  return code === "23505" || code === "42P07" || code === "42P06" || code === "42710";
}

/** Creates the schema, table and default partition if missing (once per pool and schema). */
export async function ensureSummaryTable(pool: pg.Pool, schema: string = DEFAULT_SCHEMA): Promise<void> {
  let done = ready.get(pool);
  if (done?.has(schema)) return;
  for (const sql of summaryTableDdl(schema)) {
    try {
      await pool.query(sql);
    } catch (err) {
      if (!isRace(err)) throw err;
      await pool.query(sql);
    }
  }
  if (!done) ready.set(pool, (done = new Set()));
  done.add(schema);
}

/**
 * Creates a composite type in the schema if missing; returns its OID (binary parameters of the
 * type name it). Two sessions creating it at once is not an error.
 */
export async function ensureCompositeType(pool: pg.Pool | pg.PoolClient, schema: string, name: string, fields: readonly (readonly [name: string, type: string])[]): Promise<number> {
  const qualified = qualifiedTable(schema, name);
  const lookup = async () => (await pool.query<{ oid: string | null }>("SELECT to_regtype($1)::oid AS oid", [qualified])).rows[0]?.oid ?? null;
  let oid = await lookup();
  if (oid === null) {
    try {
      await pool.query(`CREATE TYPE ${qualified} AS (${fields.map(([n, ty]) => `"${n}" ${ty}`).join(", ")})`);
    } catch (err) {
      if (!isRace(err)) throw err;
    }
    oid = await lookup();
    if (oid === null) throw new Error(`type ${qualified} was created but cannot be found`);
  }
  return Number(oid);
}

/** "2026-01-17" -> "2026_01" partition suffix plus its [from, to) bounds. */
export function monthOf(day: string): { suffix: string; from: string; to: string } {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(day);
  if (!m) throw new UsageError(`usage_start "${day}" is not a YYYY-MM-DD date`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const ny = mo === 12 ? y + 1 : y;
  const nm = mo === 12 ? 1 : mo + 1;
  return { suffix: `${m[1]}_${m[2]}`, from: `${m[1]}-${m[2]}-01`, to: `${String(ny).padStart(4, "0")}-${String(nm).padStart(2, "0")}-01` };
}

/** Creates the monthly partitions for these days if missing. Run outside the write transaction. */
export async function ensureMonthPartitions(pool: pg.Pool | pg.PoolClient, schema: string, days: Iterable<string>): Promise<string[]> {
  const months = new Map<string, ReturnType<typeof monthOf>>();
  for (const d of days) {
    const m = monthOf(d);
    months.set(m.suffix, m);
  }
  const created: string[] = [];
  for (const m of [...months.values()].sort((a, b) => (a.from < b.from ? -1 : 1))) {
    const name = `${SUMMARY_TABLE}_${m.suffix}`;
    const exists = await pool.query<{ r: string | null }>("SELECT to_regclass($1) AS r", [`"${schema}"."${name}"`]);
    if (exists.rows[0]?.r) continue;
    const sql = `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, name)} PARTITION OF ${qualifiedTable(schema)} FOR VALUES FROM ('${m.from}') TO ('${m.to}')`;
    try {
      await pool.query(sql);
    } catch (err) {
      if (!isRace(err)) throw err;
    }
    created.push(name);
  }
  return created;
}
