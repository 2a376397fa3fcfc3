// Data a user brings (`run --input DIR`), staged as plain nise CSV files (src/input/), converted to
// the Koku parquet layout the benchmark uploads, with every row also handed to a sink (the
// reference) on the way. The CSVs are read twice: once by the strict row reader (clear errors with
// file and line, the sink), once by polars for the typed parquet.
import { mkdirSync } from "node:fs";
import { join, basename } from "node:path";
import pl from "nodejs-polars";
import { DataError } from "../errors.ts";
import { listNiseCsvFiles, readNiseCsvDir } from "./csv-import.ts";
import { deriveSourceUuid, DEFAULT_ORG } from "./generate.ts";
import { kokuMonthDir, ROW_GROUP_SIZE } from "./parquet-writer.ts";
import { type RowSink } from "./rows.ts";
import { KOKU_TABLE, REPORT_TYPE, type TableKey } from "../contract/input-tables.ts";

const TIMESTAMP_COLUMNS = ["report_period_start", "report_period_end", "interval_start", "interval_end"];

export interface ConvertedInput {
  clusterId: string;
  sourceUuid: string;
  org: string;
  rows: Record<TableKey, number>;
  files: string[];
  /** Every CSV read: its path, its report type and its rows. */
  read: { source: string; type: string; rows: number }[];
}

/** A folder of plain nise CSV files (a user's input is staged into one first: src/input/), converted. */
export async function convertNiseCsvDir(
  inputDir: string,
  outDir: string,
  opts: { sink: RowSink; onProgress?: (done: number, total: number) => void; org?: string },
): Promise<ConvertedInput> {
  const org = opts.org ?? DEFAULT_ORG;
  const { clusterId, files } = await listNiseCsvFiles(inputDir);
  const sourceUuid = deriveSourceUuid(clusterId, 0);
  const read = await readNiseCsvDir(inputDir, opts.sink);
  const rows = read.rows;
  const csvRead = files.map((f, i) => ({ source: f.path, type: REPORT_TYPE[f.table], rows: read.rowsPerFile[i] }));
  const written: string[] = [];
  for (const [index, file] of files.entries()) {
    const dir = join(kokuMonthDir(outDir, org, sourceUuid, file.year, file.month), KOKU_TABLE[file.table]);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `${basename(file.name, ".csv")}.parquet`);
    try {
      const scan = pl.scanCSV(file.path, { hasHeader: true, inferSchemaLength: 0 });
      const columns = scan.columns;
      await scan
        .select(
          columns.map((name): pl.Expr =>
            TIMESTAMP_COLUMNS.includes(name)
              ? pl.col(name).str.slice(0, 19).str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S").alias(name)
              : /_(seconds|bytes|cores)$/.test(name)
                ? pl.col(name).cast(pl.Float64).alias(name)
                : pl.col(name),
          ),
        )
        .sinkParquet(target, { compression: "zstd", rowGroupSize: ROW_GROUP_SIZE, maintainOrder: true })
        .collect();
    } catch (error) {
      throw new DataError(`${file.path}: cannot convert to parquet: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, file.path);
    }
    written.push(target);
    opts.onProgress?.(index + 1, files.length);
  }
  return { clusterId, sourceUuid, org, rows, files: written, read: csvRead };
}
