// nise's CSV files for one month: `<Month>-<Year>-<cluster>-<report_type>.csv`, Python csv.DictWriter
// dialect (`\r\n`, QUOTE_MINIMAL, None → empty), numbers printed as Python prints them, and
// `--file-row-limit` splitting into `-1`, `-2`, … exactly as nise does (spec §7.2).

import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { niseTimestamp, INTERVAL_END_OFFSET_MS } from "./calendar.ts";
import { COLUMNS, EXTRA_HEADER_ONLY } from "./columns.ts";
import { formatPyFloat, formatPyIntValue } from "./pynum.ts";
import type { EntityTables, RowBatch } from "./rowgen.ts";
import { ALL_COLUMNS, REPORT_TYPE, TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";
import { csvField } from "../contract/csv-field.ts";

/** Re-exported while code elsewhere still imports it from here; new code imports contract/csv-field.ts. */
export { csvField };

const CRLF = "\r\n";
const FLUSH_CHARS = 1 << 20;

export function niseCsvName(month: string, year: number, clusterId: string, reportType: string, part?: number): string {
  return `${month}-${year}-${clusterId}-${reportType}${part === undefined ? "" : `-${part}`}.csv`;
}

/** One report type's file(s) for one month. */
class ReportFile {
  private fd = -1;
  private rowsInPart = 0;
  private splits = 0;
  private buf = "";
  private readonly partPath: string;
  readonly written: string[] = [];
  rows = 0;

  constructor(private readonly dir: string, private readonly baseName: (part?: number) => string, private readonly header: string, private readonly limit: number) {
    this.partPath = join(dir, `${baseName()}.part`);
    this.open();
  }

  private open(): void {
    this.fd = openSync(this.partPath, "w");
    this.buf = this.header + CRLF;
    this.rowsInPart = 0;
  }

  private flush(): void {
    if (this.buf.length > 0) writeSync(this.fd, this.buf);
    this.buf = "";
  }

  private finishPart(name: string): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.partPath, join(this.dir, name));
    this.written.push(name);
  }

  addLine(line: string): void {
    this.buf += line + CRLF;
    this.rowsInPart++;
    this.rows++;
    if (this.rowsInPart === this.limit) {
      this.splits++;
      this.finishPart(this.baseName(this.splits));
      this.open();
    } else if (this.buf.length >= FLUSH_CHARS) this.flush();
  }

  close(): void {
    if (this.fd < 0) return;
    this.finishPart(this.splits > 0 ? this.baseName(this.splits + 1) : this.baseName());
  }

  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** All CSV files of one month. */
export class MonthCsvWriter {
  private readonly files: Record<TableKey, ReportFile>;
  private readonly extra: ReportFile[];

  /** `headerOnly`: other nise report types (ocp_vm_usage, ocp_gpu_usage) to write with a header and no rows. */
  constructor(dir: string, month: string, year: number, clusterId: string, rowLimit: number, headerOnly: string[]) {
    const mk = (reportType: string, cols: readonly string[]) => new ReportFile(dir, (part) => niseCsvName(month, year, clusterId, reportType, part), cols.join(","), rowLimit);
    this.files = {} as Record<TableKey, ReportFile>;
    for (const t of TABLE_KEYS) this.files[t] = mk(REPORT_TYPE[t], ALL_COLUMNS[t]);
    this.extra = Object.entries(EXTRA_HEADER_ONLY).filter(([t]) => headerOnly.includes(t)).map(([t, cols]) => mk(t, cols));
  }

  write(batch: RowBatch, tables: EntityTables): void {
    const file = this.files[batch.type];
    const cols = COLUMNS[batch.type];
    const text = tables.text[batch.type];
    const ps = niseTimestamp(batch.periodStart);
    const pe = niseTimestamp(batch.periodEnd);
    let lastStart = NaN;
    let is = "";
    let ie = "";
    const quoted = new Map<number, string[]>();
    // values repeat hour after hour: remember each column's formatted numbers
    const floatText = cols.map(() => new Map<number, string>());
    const intText = cols.map(() => new Map<number, string>());
    for (let r = 0; r < batch.n; r++) {
      const start = batch.intervalStart[r];
      if (start !== lastStart) {
        lastStart = start;
        is = niseTimestamp(start);
        ie = niseTimestamp(start + INTERVAL_END_OFFSET_MS);
      }
      const e = batch.entity[r];
      let t = quoted.get(e);
      if (t === undefined) {
        t = text[e].map(csvField);
        quoted.set(e, t);
      }
      const mask = batch.intMask[r];
      let line = "";
      for (let c = 0; c < cols.length; c++) {
        const src = cols[c].source;
        let cell: string;
        if (src.kind === "period") {
          cell = src.which === "report_period_start" ? ps : src.which === "report_period_end" ? pe : src.which === "interval_start" ? is : ie;
        } else if (src.kind === "text") {
          cell = t[src.field];
        } else {
          const v = batch.measures[src.index][r];
          if (Number.isNaN(v)) cell = "";
          else if (mask & (1 << src.index)) {
            const big = batch.big?.get(r * 16 + src.index);
            if (big !== undefined) cell = formatPyIntValue(v, big);
            else {
              const m = intText[c];
              let f = m.get(v);
              if (f === undefined) {
                f = formatPyIntValue(v);
                if (m.size > 65536) m.clear();
                m.set(v, f);
              }
              cell = f;
            }
          } else {
            const m = floatText[c];
            let f = m.get(v);
            if (f === undefined) {
              f = formatPyFloat(v);
              if (m.size > 65536) m.clear();
              m.set(v, f);
            }
            cell = f;
          }
        }
        line += c === 0 ? cell : "," + cell;
      }
      file.addLine(line);
    }
  }

  /** Close every file; returns the file names written (split parts in order). */
  close(): string[] {
    const out: string[] = [];
    for (const t of TABLE_KEYS) {
      this.files[t].close();
      out.push(...this.files[t].written);
    }
    for (const f of this.extra) {
      f.close();
      out.push(...f.written);
    }
    return out;
  }

  abort(): void {
    for (const t of TABLE_KEYS) this.files[t].abort();
    for (const f of this.extra) f.abort();
  }
}
