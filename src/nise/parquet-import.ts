// A Koku parquet tree the user already has in S3 (`run --input s3://bucket/prefix`):
// data/<org>/OCP/source=<uuid>/year=YYYY/month=MM/<table>/*.parquet, the layout the generator writes.
// Lists the objects, reads every object of the four tables the daily summary uses and hands its rows
// to a RowSink (the reference), so the run validates against the very objects the modes read.
// Read-only: nothing is written to or deleted from the bucket.

import type { S3Client } from "@aws-sdk/client-s3";
import pl from "nodejs-polars";
import { DataError } from "../errors.ts";
import { folderPrefix, getObjectBuffer, listObjects, type S3Tree } from "../storage/objects.ts";
import type { RowSink } from "./rows.ts";
import { badMeasure, KOKU_TABLE, REPORT_TYPE, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";
import { MEASURE_FIELDS } from "./columns.ts";
import { REQUIRED_COLUMNS } from "./csv-import.ts";


export interface ReadTree {
  sourceUuid: string;
  org: string;
  rows: Record<TableKey, number>;
  used: { source: string; type: string; rows: number; bytes: number }[];
  skipped: { source: string; reason: string }[];
}

const TABLE_TYPE = new Map(TABLE_KEYS.map((t) => [KOKU_TABLE[t], t]));
const KNOWN_OTHER_TABLES = /^openshift_(vm|gpu|ros)/;
const TREE_KEY = /(?:^|\/)data\/([^/]+)\/OCP\/source=([^/]+)\/year=\d{4}\/month=\d{1,2}\/([^/]+)\/[^/]+$/;

const TIMESTAMPS = ["report_period_start", "report_period_end", "interval_start", "interval_end"];

/** The rows of one parquet object, to the sink, in file order. Returns the row count. */
function feed(buf: Buffer, type: TableKey, sink: RowSink, source: string): number {
  let df: pl.DataFrame;
  try {
    df = pl.readParquet(buf);
  } catch (e) {
    throw new DataError(`${source}: not a readable parquet file (${(e as Error).message.split("\n")[0]})`, source);
  }
  const measures = new Set<string>(MEASURE_FIELDS[type]);
  const columns = REQUIRED_COLUMNS[type];
  for (const c of columns) {
    if (!df.columns.includes(c)) throw new DataError(`${source}: column "${c}" is missing`, source);
  }
  const cols = df.select(
    ...columns.map((c) =>
      TIMESTAMPS.includes(c)
        ? pl.col(c).cast(pl.Datetime("ms")).cast(pl.Int64).cast(pl.Float64).alias(c)
        : measures.has(c)
          ? pl.col(c).cast(pl.Float64).alias(c)
          : pl.col(c).cast(pl.Utf8).alias(c),
    ),
  );
  const arrays = columns.map((c) => cols.getColumn(c).toArray() as unknown[]);
  const n = cols.height;
  const emit: (row: never) => void =
    type === "pod" ? sink.pod.bind(sink) : type === "storage" ? sink.storage.bind(sink) : type === "nodeLabels" ? sink.nodeLabel.bind(sink) : sink.namespaceLabel.bind(sink);
  for (let r = 0; r < n; r++) {
    const row: Record<string, unknown> = {};
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k];
      const v = arrays[k][r];
      row[c] = measures.has(c) || TIMESTAMPS.includes(c) ? (v === null || v === undefined ? null : Number(v)) : (v ?? "");
      const bad = measures.has(c) ? badMeasure(type, c, row[c] as number | null) : null;
      if (bad) throw new DataError(`${source}: row ${r + 1}, column "${c}": ${bad}`, source, r + 1, c);
    }
    emit(row as never);
  }
  return n;
}

/** Read the tree under s3://bucket/prefix into `sink`; lists what was read and what was skipped. */
export async function readKokuTreeFromS3(
  client: S3Client,
  tree: S3Tree,
  sink: RowSink,
  onProgress?: (done: number, total: number) => void,
): Promise<ReadTree> {
  const where = `s3://${tree.bucket}/${tree.prefix}`;
  let objects;
  try {
    objects = await listObjects(client, tree.bucket, folderPrefix(tree.prefix));
  } catch (e) {
    throw new DataError(`${where}: cannot list the objects (${(e as Error).message})`, where);
  }
  const used: ReadTree["used"] = [];
  const skipped: ReadTree["skipped"] = [];
  const sources = new Map<string, string>();
  let org = "";
  const toRead: { key: string; type: TableKey; size: number }[] = [];
  for (const o of objects) {
    const source = `s3://${tree.bucket}/${o.key}`;
    const m = TREE_KEY.exec(o.key);
    if (!o.key.endsWith(".parquet") || !m) {
      skipped.push({ source, reason: "not a parquet object of the Koku layout (data/<org>/OCP/source=<uuid>/year=/month=/<table>/*.parquet)" });
      continue;
    }
    const type = TABLE_TYPE.get(m[3]);
    if (!type) {
      skipped.push({
        source,
        reason: KNOWN_OTHER_TABLES.test(m[3]) ? `table ${m[3]}: not used by the daily usage summary` : `table ${m[3]}: not an OCP table the daily usage summary reads`,
      });
      continue;
    }
    if (!sources.has(m[2])) sources.set(m[2], source);
    org = m[1];
    toRead.push({ key: o.key, type, size: o.size });
  }
  if (sources.size > 1) {
    throw new DataError(`${where}: objects of ${sources.size} sources (${[...sources.keys()].join(", ")}); point --input at one source=<uuid> folder`, where);
  }
  if (!toRead.some((o) => o.type === "pod")) {
    throw new DataError(`${where}: no ${KOKU_TABLE.pod}/*.parquet objects found (expected the Koku layout)`, where);
  }
  const rows: Record<TableKey, number> = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };
  // table by table in report-type order, each table's objects in key order
  toRead.sort((a, b) => TABLE_KEYS.indexOf(a.type) - TABLE_KEYS.indexOf(b.type) || (a.key < b.key ? -1 : 1));
  for (const [i, o] of toRead.entries()) {
    const source = `s3://${tree.bucket}/${o.key}`;
    const n = feed(await getObjectBuffer(client, tree.bucket, o.key), o.type, sink, source);
    rows[o.type] += n;
    used.push({ source, type: REPORT_TYPE[o.type], rows: n, bytes: o.size });
    onProgress?.(i + 1, toRead.length);
  }
  return { sourceUuid: [...sources.keys()][0], org, rows, used, skipped };
}
