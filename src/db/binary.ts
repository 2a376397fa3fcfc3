// PostgreSQL's binary format for bind parameters: the bytes each type's receive function reads
// (array_recv, record_recv, numeric_recv, ...). The summary's rows go to the server as one array of
// a composite type per statement (summary.ts): parsing that costs the server far less than the
// text form of one array per column, whose per-column function scans and per-character parsing
// of 2.6 M numerics were most of the write of production-large's 132,060 rows.
import { randomFillSync } from "node:crypto";

/** The OIDs of the built-in types the write sends (pg_type.oid, fixed across versions). */
export const TYPE_OID = { int4: 23, text: 25, date: 1082, numeric: 1700, uuid: 2950 } as const;

/** numeric's sign words (numeric.c). */
const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;

const DAY_MS = 86_400_000;
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" names a day of the calendar (not 2025-02-30). */
export function isCalendarDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === day;
}

/** Distinct values remembered per kind and writer: data with few repeats stops paying for it there. */
const CACHE_LIMIT = 1 << 16;

/** Decimal digits of one number's text (a double's shortest text has at most 21). */
const DIGITS = new Uint8Array(32);

/**
 * Writes binary parameter values into one growing buffer, reusable with reset(). Each value
 * method writes what the receive function expects including the value's int32 length word, as an
 * array element or a record field carries it.
 */
export class BinaryWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly days = new Map<string, number>();
  /** Encoded elements of values seen before: a summary repeats most of its numbers and texts. */
  private readonly numerics = new Map<number, Uint8Array>();
  private readonly texts = new Map<string, Uint8Array>();
  private random = Buffer.alloc(0);
  private randomAt = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  // Unchecked: the public methods make room for everything they write first. A Uint8Array store
  // keeps the low 8 bits, so negative numbers come out in two's complement.
  private int16(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  private int32(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >> 24;
    b[p + 1] = v >> 16;
    b[p + 2] = v >> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  /** A one-dimensional array of `count` elements of type `elementOid`, lower bound 1; elements follow. */
  arrayHeader(elementOid: number, count: number): void {
    this.room(20);
    this.int32(1); // dimensions
    this.int32(0); // has-nulls flag: array_recv works it out itself
    this.int32(elementOid);
    this.int32(count);
    this.int32(1);
  }

  /** Starts a composite value of `fields` fields (each written as field(oid) then its value); returns the mark endRecord needs. */
  beginRecord(fields: number): number {
    this.room(8);
    const mark = this.pos;
    this.int32(0); // the record's length, set by endRecord
    this.int32(fields);
    return mark;
  }

  endRecord(mark: number): void {
    this.buf.writeInt32BE(this.pos - mark - 4, mark);
  }

  /** A record field's type; its value follows. */
  field(oid: number): void {
    this.room(4);
    this.int32(oid);
  }

  null(): void {
    this.room(4);
    this.int32(-1);
  }

  text(v: string): void {
    const known = this.texts.get(v);
    if (known !== undefined) return this.copy(known);
    this.room(4 + 3 * v.length); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const at = this.pos;
    const n = this.buf.write(v, at + 4);
    this.int32(n);
    this.pos = at + 4 + n;
    this.remember(this.texts, v, at);
  }

  int4(v: number): void {
    this.room(8);
    this.int32(4);
    this.int32(v);
  }

  /** A "YYYY-MM-DD" day as date (days since 2000-01-01). */
  date(day: string): void {
    let n = this.days.get(day);
    if (n === undefined) {
      if (!isCalendarDay(day)) throw new RangeError(`"${day}" is not a YYYY-MM-DD date`);
      n = (Date.parse(`${day}T00:00:00Z`) - POSTGRES_EPOCH_MS) / DAY_MS;
      this.days.set(day, n);
    }
    this.int4(n);
  }

  /** A new random (version 4) uuid. Random bytes are drawn 64 kB at a time. */
  randomUuid(): void {
    if (this.randomAt + 16 > this.random.length) {
      this.random = randomFillSync(Buffer.allocUnsafe(1 << 16));
      this.randomAt = 0;
    }
    this.room(20);
    this.int32(16);
    const r = this.random;
    const at = this.randomAt;
    r.copy(this.buf, this.pos, at, at + 16);
    this.buf[this.pos + 6] = (this.buf[this.pos + 6] & 0x0f) | 0x40;
    this.buf[this.pos + 8] = (this.buf[this.pos + 8] & 0x3f) | 0x80;
    this.pos += 16;
    this.randomAt += 16;
  }

  /**
   * A finite number or NaN as numeric: exactly the decimal String(v) denotes, the value numeric_in
   * reads from the text the write used to send. Base-10000 digit groups, weight of the first group,
   * sign, display scale; leading and trailing zero groups left out, as numeric_recv expects.
   */
  numeric(v: number): void {
    const known = this.numerics.get(v); // NaN finds NaN; -0 finds 0, which it is written as
    if (known !== undefined) return this.copy(known);
    const at = this.pos;
    this.encodeNumeric(v);
    this.remember(this.numerics, v, at);
  }

  private encodeNumeric(v: number): void {
    if (Number.isNaN(v)) return this.numericHeader(0, 0, NUMERIC_NAN, 0);
    if (!Number.isFinite(v)) throw new RangeError(`numeric cannot hold ${v}`);
    if (v === 0) return this.numericHeader(0, 0, NUMERIC_POS, 0);
    const s = String(v < 0 ? -v : v); // "123.45", "1.5e-7", "1e+21"
    const e = s.indexOf("e");
    const mantissaEnd = e < 0 ? s.length : e;
    const exponent = e < 0 ? 0 : Number(s.slice(e + 1));
    let digits = 0;
    let intDigits = mantissaEnd;
    for (let i = 0; i < mantissaEnd; i++) {
      const c = s.charCodeAt(i);
      if (c === 46) intDigits = i;
      else DIGITS[digits++] = c - 48;
    }
    const fracDigits = digits - intDigits;
    let lead = 0;
    while (DIGITS[lead] === 0) lead++; // v !== 0: a non-zero digit exists
    let end = digits;
    while (DIGITS[end - 1] === 0) end--;
    // value = 0.DIGITS[lead..end) x 10^point
    const point = intDigits + exponent - lead;
    const padLeft = (4 - (((point % 4) + 4) % 4)) % 4;
    const weight = (point + padLeft) / 4 - 1;
    const count = end - lead;
    const groups = Math.ceil((padLeft + count) / 4);
    this.room(12 + 2 * groups);
    this.numericHeader(groups, weight, v < 0 ? NUMERIC_NEG : NUMERIC_POS, Math.max(0, fracDigits - exponent));
    for (let g = 0; g < groups; g++) {
      let d = 0;
      for (let k = 0; k < 4; k++) {
        const at = g * 4 + k - padLeft;
        d = d * 10 + (at >= 0 && at < count ? DIGITS[lead + at] : 0);
      }
      this.int16(d);
    }
  }

  /** Keeps a copy of the element written from `at`, up to CACHE_LIMIT values per kind. */
  private remember<K>(cache: Map<K, Uint8Array>, value: K, at: number): void {
    if (cache.size < CACHE_LIMIT) cache.set(value, Uint8Array.prototype.slice.call(this.buf, at, this.pos));
  }

  private copy(bytes: Uint8Array): void {
    const n = bytes.length;
    this.room(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = bytes[i];
    this.pos = p + n;
  }

  private numericHeader(groups: number, weight: number, sign: number, dscale: number): void {
    this.room(12);
    this.int32(8 + 2 * groups);
    this.int16(groups);
    this.int16(weight);
    this.int16(sign);
    this.int16(dscale);
  }

  /** The bytes written: a view of the buffer, valid until the writer is reset. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Starts over in the same buffer (whatever finish() returned is overwritten from here on). */
  reset(): void {
    this.pos = 0;
  }
}
