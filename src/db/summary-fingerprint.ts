// A fingerprint of the whole summary table, for before/after checks (a run leaves others' rows alone).
import type pg from "pg";
import { DEFAULT_SCHEMA, qualifiedTable } from "./schema.ts";

/** Row count and an md5 over every row of the table (all sources), for before/after checks. */
export async function summaryFingerprint(pool: pg.Pool, schema: string = DEFAULT_SCHEMA): Promise<{ count: number; md5: string }> {
  const t = qualifiedTable(schema);
  const r = await pool.query<{ n: string; h: string }>(
    `SELECT count(*)::text AS n, md5(coalesce(string_agg(s::text, '|' ORDER BY s.usage_start, s.uuid), '')) AS h FROM ${t} s`,
  );
  return { count: Number(r.rows[0].n), md5: r.rows[0].h };
}
