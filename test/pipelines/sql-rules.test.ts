// Koku's rules, one at a time, on tiny hand-made hourly inputs run through the project's SQL
// definition (pipelines/sql/daily-summary-sql.ts) in both dialects: DuckDB and PostgreSQL (PGlite,
// in this process). The scenarios and hand-worked values (spec/koku-daily-summary.md) are
// rule-scenarios.ts, which test/pipelines/plan-rules.test.ts runs on the polars plan too, so the
// three implementations answer to one set of rules.
import test from "ava";
import { DuckDBInstance } from "@duckdb/node-api";
import { PGlite } from "@electric-sql/pglite";
import { MEASURE_COLUMNS, PLAN_COLUMNS, TABLE_KEYS, type TableKey } from "../../src/contract/input-tables.ts";
import { SUMMARY_COLUMNS } from "../../src/contract/summary-schema.ts";
import { dailySummarySql, LABEL_ERROR_COLUMN, sqlString, type SqlDialectName } from "../../pipelines/sql/daily-summary-sql.ts";
import { RULE_SCENARIOS, type Row, type Tables } from "./rule-scenarios.ts";

/** The input tables of one summarize() call, in a schema of their own (the tests share one PGlite). */
function relations(schema: string): Record<TableKey, string> {
  return { pod: `${schema}.pod_h`, storage: `${schema}.storage_h`, nodeLabels: `${schema}.node_labels_h`, namespaceLabels: `${schema}.namespace_labels_h` };
}
let schemas = 0;
let pglite: Promise<PGlite> | null = null;
test.after.always(async () => {
  if (pglite) await (await pglite).close();
});

function columnType(key: TableKey, c: string): string {
  if (c === "interval_start") return "TIMESTAMP";
  return MEASURE_COLUMNS[key].includes(c) ? "DOUBLE PRECISION" : "VARCHAR";
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v);
  return sqlString(String(v));
}

/** CREATE TABLE + INSERT statements of the hand-made rows (identical SQL for both engines). */
function loadStatements(tables: Tables, schema: string): string[] {
  const RELATION = relations(schema);
  const out: string[] = [`CREATE SCHEMA ${schema}`];
  for (const key of TABLE_KEYS) {
    const cols = PLAN_COLUMNS[key];
    out.push(`CREATE TABLE ${RELATION[key]} (${cols.map((c) => `${c} ${columnType(key, c)}`).join(", ")})`);
    const rows = tables[key] ?? [];
    if (rows.length > 0) {
      out.push(`INSERT INTO ${RELATION[key]} VALUES ${rows.map((r) => `(${cols.map((c) => (c === "interval_start" ? `TIMESTAMP ${literal(String(r[c]).replace("T", " "))}` : literal(r[c]))).join(", ")})`).join(", ")}`);
    }
  }
  return out;
}

function finalSelect(dialect: SqlDialectName, enabled: string[] | null, schema: string): string {
  const RELATION = relations(schema);
  const cols = [...SUMMARY_COLUMNS, LABEL_ERROR_COLUMN].map((c) => (c === "usage_start" ? "CAST(usage_start AS VARCHAR) AS usage_start" : c));
  return `SELECT ${cols.join(", ")} FROM (${dailySummarySql(dialect, RELATION, { enabledTagKeys: enabled })}) s`;
}

async function summarize(dialect: SqlDialectName, tables: Tables, enabled: string[] | null = null): Promise<Row[]> {
  const schema = `rules${++schemas}`;
  if (dialect === "duckdb") {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      for (const s of loadStatements(tables, schema)) await conn.run(s);
      return (await conn.runAndReadAll(finalSelect("duckdb", enabled, schema))).getRowObjectsJS() as Row[];
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }
  const db = await (pglite ??= PGlite.create());
  for (const s of loadStatements(tables, schema)) await db.exec(s);
  return (await db.query<Row>(finalSelect("postgres", enabled, schema))).rows;
}

for (const dialect of ["duckdb", "postgres"] as const) {
  for (const scenario of RULE_SCENARIOS) {
    test(`${dialect}: ${scenario.name}`, async (t) => scenario.check(t, await summarize(dialect, scenario.tables, scenario.enabledTagKeys ?? null)));
  }
}
