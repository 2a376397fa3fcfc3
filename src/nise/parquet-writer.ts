// Koku-layout parquet for one month: <root>/data/<org>/OCP/source=<uuid>/year=YYYY/month=MM/<table>/part-NNNNN.parquet
// Columns = nise's column names in nise's order; the four timestamps Datetime("ms") (naive, UTC values),
// measures Float64, text Utf8 with "" stored as null; zstd; row groups of at most 100,000 rows.
// Rows are buffered as numbers (interval start, entity index, measures) and the text columns are
// attached by joining the month's small entity table in polars, so no big JS string arrays are built.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { INTERVAL_END_OFFSET_MS } from "./calendar.ts";
import { COLUMNS, MEASURE_FIELDS, TEXT_FIELDS } from "./columns.ts";
import type { EntityTables, RowBatch } from "./rowgen.ts";
import { KOKU_TABLE, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";

export const ROW_GROUP_SIZE = 100_000;
export const DEFAULT_ROWS_PER_FILE = 500_000;

export function kokuMonthDir(root: string, org: string, sourceUuid: string, year: number, month1: number): string {
  return join(root, "data", org, "OCP", `source=${sourceUuid}`, `year=${year}`, `month=${String(month1).padStart(2, "0")}`);
}

class TableBuffer {
  n = 0;
  readonly intervalStart: Float64Array;
  readonly entity: Int32Array;
  readonly measures: Float64Array[];
  constructor(type: TableKey, readonly capacity: number) {
    this.intervalStart = new Float64Array(capacity);
    this.entity = new Int32Array(capacity);
    this.measures = MEASURE_FIELDS[type].map(() => new Float64Array(capacity));
  }
}

export class MonthParquetWriter {
  private readonly buffers = {} as Record<TableKey, TableBuffer>;
  private readonly parts: Record<TableKey, number> = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
  private readonly entityFrames = new Map<TableKey, { size: number; df: pl.DataFrame }>();
  private periodStart = 0;
  private periodEnd = 0;
  /**
   * The file being written, if any. A flush hands its rows to polars (copied out of the buffer)
   * and returns without waiting for the file: polars compresses and writes on its own threads
   * while the generator and the row sink (the reference) go on with the next rows. At most one
   * file is in flight; the next flush and close() wait for it and raise its error.
   */
  private inFlight: Promise<void> | null = null;
  readonly written: string[] = [];

  constructor(
    private readonly root: string,
    private readonly monthDir: string,
    private readonly tables: EntityTables,
    private readonly rowsPerFile = DEFAULT_ROWS_PER_FILE,
  ) {}

  private buffer(type: TableKey): TableBuffer {
    return (this.buffers[type] ??= new TableBuffer(type, this.rowsPerFile));
  }

  /** Copy a batch in; writes a file each time rowsPerFile rows are buffered. */
  async write(batch: RowBatch): Promise<void> {
    this.periodStart = batch.periodStart;
    this.periodEnd = batch.periodEnd;
    let from = 0;
    while (from < batch.n) {
      const buf = this.buffer(batch.type);
      const take = Math.min(batch.n - from, buf.capacity - buf.n);
      buf.intervalStart.set(batch.intervalStart.subarray(from, from + take), buf.n);
      buf.entity.set(batch.entity.subarray(from, from + take), buf.n);
      for (let k = 0; k < buf.measures.length; k++) buf.measures[k].set(batch.measures[k].subarray(from, from + take), buf.n);
      buf.n += take;
      from += take;
      if (buf.n === buf.capacity) await this.flush(batch.type);
    }
  }

  private entityFrame(type: TableKey): pl.DataFrame {
    const text = this.tables.text[type];
    const cached = this.entityFrames.get(type);
    if (cached && cached.size === text.length) return cached.df;
    const fields = TEXT_FIELDS[type];
    const cols: pl.Series[] = [pl.Series("_e", Int32Array.from({ length: text.length }, (_, i) => i))];
    fields.forEach((f, j) => cols.push(pl.Series(f, text.map((row) => (row[j] === "" ? null : row[j])), pl.Utf8)));
    const df = pl.DataFrame(cols);
    this.entityFrames.set(type, { size: text.length, df });
    return df;
  }

  private async flush(type: TableKey): Promise<void> {
    const buf = this.buffers[type];
    if (!buf || buf.n === 0) return;
    const n = buf.n;
    const measureNames = MEASURE_FIELDS[type];
    const series: pl.Series[] = [pl.Series("_is", buf.intervalStart.subarray(0, n)), pl.Series("_e", buf.entity.subarray(0, n))];
    measureNames.forEach((m, k) => series.push(pl.Series(m, buf.measures[k].subarray(0, n))));
    const rows = pl.DataFrame(series);
    const ts = (e: pl.Expr) => e.cast(pl.Int64).cast(pl.Datetime("ms"));
    const select = COLUMNS[type].map((c) => {
      const s = c.source;
      if (s.kind === "period") {
        if (s.which === "interval_start") return ts(pl.col("_is")).alias(c.name);
        if (s.which === "interval_end") return ts(pl.col("_is").plus(INTERVAL_END_OFFSET_MS)).alias(c.name);
        const v = s.which === "report_period_start" ? this.periodStart : this.periodEnd;
        return ts(pl.col("_is").mul(0).plus(v)).alias(c.name);
      }
      if (s.kind === "measure") return pl.col(c.name).fillNan(null).cast(pl.Float64).alias(c.name);
      return pl.col(c.name).cast(pl.Utf8).alias(c.name);
    });
    const dir = join(this.monthDir, KOKU_TABLE[type]);
    mkdirSync(dir, { recursive: true });
    const name = `part-${String(this.parts[type]).padStart(5, "0")}.parquet`;
    this.parts[type]++;
    const path = join(dir, name);
    const plan = rows
      .lazy()
      .join(this.entityFrame(type).lazy(), { on: "_e", how: "left", maintainOrder: "left" })
      .select(...select)
      .sinkParquet(path, { compression: "zstd", rowGroupSize: ROW_GROUP_SIZE, maintainOrder: true });
    buf.n = 0; // the DataFrame holds its own copy of the rows
    await this.settle();
    const writing = plan.collect().then(() => undefined);
    writing.catch(() => undefined); // raised by the next settle(), not as an unhandled rejection
    this.inFlight = writing;
    this.written.push(path.slice(this.root.length + 1));
  }

  /** Waits for the file in flight, if any, and raises its error. */
  async settle(): Promise<void> {
    const writing = this.inFlight;
    this.inFlight = null;
    await writing;
  }

  async close(): Promise<string[]> {
    for (const t of TABLE_KEYS) await this.flush(t);
    await this.settle();
    return this.written;
  }
}
