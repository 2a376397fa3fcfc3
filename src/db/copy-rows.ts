// The write's COPY FROM STDIN (CSV) path, on request only and never on PGlite (stack-notes §4b).
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { quotedCsvField } from "../contract/csv-field.ts";
import { rowValues, WRITE_COLUMNS } from "./write-rows.ts";
import type { WriteSummaryOptions } from "./summary-write.ts";

function copyCsvField(v: string | null): string {
  // Unquoted empty = NULL in COPY CSV; every text value is quoted, so "" stays an empty string.
  return v === null ? "" : quotedCsvField(v);
}

export async function copyRows(
  client: pg.PoolClient,
  table: string,
  rows: readonly SummaryRow[],
  opts: WriteSummaryOptions,
  alias: string,
  batch: number,
  signal: AbortSignal,
): Promise<void> {
  const cols = WRITE_COLUMNS.map((c) => `"${c}"`).join(", ");
  const stream = client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`));
  const total = rows.length;
  function* chunks(): Generator<string> {
    for (let i = 0; i < total; i += batch) {
      const end = Math.min(total, i + batch);
      let s = "";
      for (let j = i; j < end; j++) s += rowValues(rows[j], opts.sourceUuid, opts.clusterId, alias, randomUUID()).map(copyCsvField).join(",") + "\n";
      yield s;
      opts.onProgress?.(end, total);
    }
  }
  await pipeline(Readable.from(chunks()), stream, { signal });
}
