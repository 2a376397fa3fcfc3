// The write's default path: INSERT ... SELECT FROM unnest($1) in batches, $1 one binary array of a
// composite row type (binary.ts), labels as indexes into each batch's distinct texts.
import type pg from "pg";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { BinaryWriter, TYPE_OID } from "./binary.ts";
import { ensureCompositeType, qualifiedTable } from "./schema.ts";
import { UNNEST_TYPES, WRITE_COLUMNS, ZERO_INFRASTRUCTURE_USAGE_COST } from "./write-rows.ts";
import type { WriteSummaryOptions } from "./summary-write.ts";

/**
 * The fields of the composite type an unnest statement ships its rows as: the row's own values
 * and its uuid (made here: PGlite's gen_random_uuid() opens /dev/urandom in its emulated file
 * system on every call, which cost ~0.5 s per 132,060 rows). The values that are the same on every
 * row (cluster, source, the zero infrastructure cost; usage_end = usage_start) are single
 * parameters. The label columns ship as indexes into one array of the batch's distinct label
 * texts: parsing jsonb was most of PGlite's insert time, and a few hundred distinct texts serve
 * thousands of rows.
 */
const UNNEST_ROW_COLUMNS = WRITE_COLUMNS.filter(
  (c) => !["cluster_id", "cluster_alias", "usage_end", "source_uuid", "infrastructure_usage_cost"].includes(c),
);
const LABEL_COLUMNS = new Set<string>(["pod_labels", "volume_labels", "all_labels"]);

type FieldKind = "uuid" | "text" | "date" | "label" | "int4" | "numeric";

/** Each row field's kind, in UNNEST_ROW_COLUMNS order. */
const ROW_FIELDS: readonly { column: (typeof WRITE_COLUMNS)[number]; kind: FieldKind; oid: number; sqlType: string }[] = UNNEST_ROW_COLUMNS.map((column) => {
  const type = UNNEST_TYPES[column];
  const kind: FieldKind = LABEL_COLUMNS.has(column) ? "label" : type === "uuid" ? "uuid" : type === "date" ? "date" : type === "int4" ? "int4" : type === "numeric" ? "numeric" : "text";
  const oid = kind === "label" ? TYPE_OID.int4 : TYPE_OID[kind];
  return { column, kind, oid, sqlType: kind === "label" ? "int4" : type };
});

/** The composite type's name; a change of ROW_FIELDS needs a new one (the old type stays as it was). */
const ROW_TYPE = "streambench_summary_row_v1";

/** The OID of the schema's row type (created when missing, outside the write's transaction). */
export function ensureRowType(pool: pg.Pool | pg.PoolClient, schema: string): Promise<number> {
  return ensureCompositeType(pool, schema, ROW_TYPE, ROW_FIELDS.map((f) => [f.column, f.sqlType] as const));
}

export async function unnestRows(
  client: pg.PoolClient,
  schema: string,
  rowType: number,
  rows: readonly SummaryRow[],
  opts: WriteSummaryOptions,
  alias: string,
  batch: number,
): Promise<void> {
  const table = qualifiedTable(schema);
  const cols = WRITE_COLUMNS.map((c) => `"${c}"`).join(", ");
  const select = WRITE_COLUMNS.map((c) => {
    if (c === "cluster_id") return `$2::text`;
    if (c === "cluster_alias") return `$3::text`;
    if (c === "usage_end") return `r."usage_start"`;
    if (c === "source_uuid") return `$4::uuid`;
    if (c === "infrastructure_usage_cost") return `$5::jsonb`;
    if (LABEL_COLUMNS.has(c)) return `($6::jsonb[])[r."${c}"]`; // NULL index -> NULL
    return `r."${c}"`;
  }).join(", ");
  const sql = `INSERT INTO ${table} (${cols}) SELECT ${select} FROM unnest($1::${qualifiedTable(schema, ROW_TYPE)}[]) AS r`;
  const total = rows.length;
  const fields = ROW_FIELDS.length;
  // Two buffers, used in turn: a statement's parameters are built while the one before runs, and a
  // buffer is reused only after its statement has completed. A new ~1 MB buffer per statement made
  // V8 collect its whole heap every few statements (external memory), slow with a run's heap.
  const writers = [new BinaryWriter(Math.min(batch, total) * 640), new BinaryWriter(Math.min(batch, total) * 640)];
  let turn = 0;
  // The statement's parameters for rows [i, end): the rows as one binary array of the row type.
  const build = (i: number, end: number): (string | Buffer)[] => {
    const w = writers[turn++ % 2];
    w.reset();
    const labelTexts: string[] = [];
    const labelIndex = new Map<string, number>();
    w.arrayHeader(rowType, end - i);
    for (let j = i; j < end; j++) {
      const r = rows[j] as unknown as Record<string, string | number | null | undefined>;
      const mark = w.beginRecord(fields);
      for (const f of ROW_FIELDS) {
        w.field(f.oid);
        if (f.kind === "uuid") {
          w.randomUuid();
          continue;
        }
        const v = r[f.column];
        if (v === null || v === undefined) w.null();
        else if (f.kind === "numeric") w.numeric(v as number);
        else if (f.kind === "text") w.text(v as string);
        else if (f.kind === "date") w.date(v as string);
        else if (f.kind === "int4") w.int4(v as number);
        else {
          let at = labelIndex.get(v as string);
          if (at === undefined) {
            labelTexts.push(v as string);
            labelIndex.set(v as string, (at = labelTexts.length)); // PostgreSQL arrays are 1-based
          }
          w.int4(at);
        }
      }
      w.endRecord(mark);
    }
    return [w.finish(), opts.clusterId, alias, opts.sourceUuid, ZERO_INFRASTRUCTURE_USAGE_COST, arrayLiteral(labelTexts, true)];
  };
  // One statement in flight while the next is built: PGlite (in its own thread) or the server
  // inserts batch N while this thread prepares batch N+1.
  let inFlight: Promise<unknown> | undefined;
  let sentEnd = 0;
  for (let i = 0; i < total; i += batch) {
    const end = Math.min(total, i + batch);
    const params = build(i, end);
    if (inFlight) {
      await inFlight;
      opts.onProgress?.(sentEnd, total);
    }
    inFlight = client.query(sql, params);
    // A failed statement is awaited (and thrown) in the next round or after the loop; until then
    // its rejection must not count as unhandled.
    inFlight.catch(() => {});
    sentEnd = end;
  }
  if (inFlight) {
    await inFlight;
    opts.onProgress?.(sentEnd, total);
  }
}

/**
 * A one-dimensional PostgreSQL array literal: NULL unquoted, other elements as their text, quoted
 * (backslash and double quote escaped) when `quote`. Numbers and int indexes need no quotes. Built here rather
 * than by pg's generic converter, which inspects and escapes every element of 132,060 x 28 values.
 */
function arrayLiteral(values: readonly (string | number | null)[], quote: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) parts[i] = "NULL";
    else if (!quote) parts[i] = String(v);
    else {
      const t = String(v);
      parts[i] = t.includes("\\") || t.includes('"') ? `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : `"${t}"`;
    }
  }
  return `{${parts.join(",")}}`;
}
