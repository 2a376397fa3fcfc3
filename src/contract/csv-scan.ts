// The project's CSV record scanner: the records of a CSV file as field boundaries in its bytes, in
// the dialect every CSV here is written in (spec/nise-ocp-format.md §7.3, csv-field.ts quotes it):
// `,` delimiter, `\r\n` line ends (`\n`, and extra `\r` before it, accepted), QUOTE_MINIMAL quoting
// with doubled quotes, a line end after every row. The reference's nise CSV reader
// (nise/csv-import.ts) and history.csv's reader (compare/history.ts) use it; every problem goes to
// the caller's `fail`, which names it in the caller's own error (a DataError there).
//
// pipelines/csv-check.ts scans the same dialect apart on purpose: the child's check stays
// independent of the reference's reader, so a scanning bug cannot pass validation on both sides.
// It may import this room, and still must not use this scanner (ARCHITECTURE.md says so; the import check refuses it).
//
// Speed matters (tens of millions of rows): records are found in the raw bytes
// (`,` `"` `\r` `\n` never occur inside a multi-byte UTF-8 sequence), numbers and timestamps are
// parsed from the bytes by the caller, and a string is made only for text fields, and only once per
// distinct value (see `txt` in nise/csv-import.ts makeConverter).
import { Buffer } from "node:buffer";
import { createReadStream } from "node:fs";

/** A problem of the file, its message naming the file and line ("<path>:<line>: ..."): the caller's error for it. */
type CsvProblem = (message: string, line?: number) => Error;

/** Field boundaries of one record: field i is bytes buf[starts[i]..ends[i]) (UTF-8). */
export interface CsvRecord {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** Number of fields. */
  count: number;
  /** 1-based physical line where the record starts. */
  line: number;
}

const MAX_FIELDS = 256;
const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Stream the records of a CSV file to onRecord, skipping blank lines. `\r\n` and `\n` line ends;
 * QUOTE_MINIMAL quoting (a quoted field may hold `,`, `"` doubled and line breaks). The record
 * object and its buffer are reused: copy what you keep. Returns the number of records.
 */
export async function scanCsvFile(path: string, onRecord: (rec: CsvRecord) => void, fail: CsvProblem): Promise<number> {
  const rec: CsvRecord = {
    buf: Buffer.alloc(0),
    starts: new Int32Array(MAX_FIELDS),
    ends: new Int32Array(MAX_FIELDS),
    count: 0,
    line: 1,
  };
  let carry: Buffer | null = null;
  let line = 1;
  let records = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const chunks = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      // A file-system error is the caller's problem naming the file; an error of the parser or of
      // onRecord passes through unchanged.
      const next = await chunks.next().catch((e: unknown) => {
        throw fail(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (next.done) break;
      const chunk = next.value as Buffer;
      const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      const end = scan(buf, false);
      carry = end < buf.length ? buf.subarray(end) : null;
    }
    if (carry !== null) scan(carry, true);
  } finally {
    stream.destroy();
  }
  return records;

  /** Emit the complete records of `buf`; returns the index where the unconsumed rest starts. */
  function scan(buf: Buffer, final: boolean): number {
    const n = buf.length;
    const starts = rec.starts;
    const ends = rec.ends;
    let pos = 0;
    outer: while (pos < n) {
      let count = 0;
      let fieldStart = pos;
      let i = pos;
      for (;;) {
        if (i >= n) {
          if (!final) break outer; // incomplete record: wait for more bytes
          let e = i;
          while (e > fieldStart && buf[e - 1] === CR) e--;
          if (e === pos) {
            pos = n; // only line-end bytes left
            continue outer;
          }
          // every row nise writes ends with a line end: a last row without one was cut short
          // (a cut inside pod_labels leaves every column present)
          if (records > 0) throw fail(`${path}:${line}: the last row has no line end: the file ends inside a row (cut short?)`, line);
          if (count >= MAX_FIELDS) tooMany(line);
          starts[count] = fieldStart;
          ends[count++] = e;
          emit(buf, count, pos, e);
          line++;
          pos = n;
          continue outer;
        }
        const c = buf[i];
        if (c === COMMA) {
          if (count >= MAX_FIELDS) tooMany(line);
          starts[count] = fieldStart;
          ends[count++] = i;
          fieldStart = ++i;
        } else if (c === LF) {
          // `\r\n`; extra `\r`s before the `\n` too (Python's csv reads `\r\r\n` as a line end and a blank line)
          let e = i;
          while (e > fieldStart && buf[e - 1] === CR) e--;
          if (count >= MAX_FIELDS) tooMany(line);
          starts[count] = fieldStart;
          ends[count++] = e;
          emit(buf, count, pos, e);
          line++;
          pos = i + 1;
          continue outer;
        } else if (c === QUOTE) {
          // A quote: parse this record the slow way, then hand it on as a small buffer of its own.
          const q = parseQuoted(path, buf, pos, final, line, fail);
          if (q === null) break outer;
          if (!q.terminated && records > 0) throw fail(`${path}:${line}: the last row has no line end: the file ends inside a row (cut short?)`, line);
          const parts = q.fields.map((f) => Buffer.from(f, "utf8"));
          let off = 0;
          for (let k = 0; k < parts.length; k++) {
            if (k >= MAX_FIELDS) tooMany(line);
            starts[k] = off;
            off += parts[k].length;
            ends[k] = off;
          }
          records++;
          rec.buf = Buffer.concat(parts);
          rec.count = parts.length;
          rec.line = line;
          onRecord(rec);
          line += q.lines;
          pos = q.end;
          continue outer;
        } else i++;
      }
    }
    return pos < n ? pos : n;
  }

  function emit(buf: Buffer, count: number, recStart: number, recEnd: number): void {
    if (count === 1 && recEnd === recStart) return; // blank line
    records++;
    rec.buf = buf;
    rec.count = count;
    rec.line = line;
    onRecord(rec);
  }

  function tooMany(line: number): never {
    throw fail(`${path}:${line}: more than ${MAX_FIELDS} fields`, line);
  }
}

/**
 * A record with quotes, from byte `start`: its fields (decoded), where it ends, how many lines it spans.
 * pipelines/csv-check.ts `parseQuotedRecord` is its twin on purpose (the child's check stays independent; see the top).
 */
function parseQuoted(
  path: string,
  buf: Buffer,
  start: number,
  final: boolean,
  line: number,
  fail: CsvProblem,
): { fields: string[]; end: number; lines: number; terminated: boolean } | null {
  const fields: string[] = [];
  const n = buf.length;
  let i = start;
  let lines = 1;
  for (;;) {
    const pieces: Buffer[] = [];
    if (i < n && buf[i] === QUOTE) {
      i++;
      for (;;) {
        const q = buf.indexOf(QUOTE, i);
        if (q < 0) {
          if (!final) return null;
          throw fail(`${path}:${line}: unterminated quoted field`, line);
        }
        const piece = buf.subarray(i, q);
        for (let k = piece.indexOf(LF); k >= 0; k = piece.indexOf(LF, k + 1)) lines++;
        pieces.push(piece);
        if (q + 1 >= n && !final) return null; // cannot tell yet whether the quote is doubled
        if (q + 1 < n && buf[q + 1] === QUOTE) {
          pieces.push(Buffer.from('"'));
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n) {
        const c = buf[i];
        if (c === CR) {
          let j = i;
          while (j < n && buf[j] === CR) j++;
          if (j >= n && !final) return null;
          if (j < n && buf[j] !== LF) {
            throw fail(`${path}:${line}: unexpected character after a closing quote`, line);
          }
          i = j;
        } else if (c !== COMMA && c !== LF) {
          throw fail(`${path}:${line}: unexpected character after a closing quote`, line);
        }
      }
    } else {
      let j = i;
      while (j < n) {
        const c = buf[j];
        if (c === COMMA || c === LF) break;
        if (c === QUOTE) throw fail(`${path}:${line}: a quote inside an unquoted field`, line);
        j++;
      }
      if (j >= n && !final) return null;
      let e = j;
      if (j < n && buf[j] === LF) while (e > i && buf[e - 1] === CR) e--;
      pieces.push(buf.subarray(i, e));
      i = j;
    }
    fields.push(Buffer.concat(pieces).toString("utf8"));
    if (i >= n) return { fields, end: n, lines, terminated: false };
    if (buf[i] === LF) return { fields, end: i + 1, lines, terminated: true };
    i++; // comma
  }
}
