// Test helper: the row counts of a parquet file's row groups, read from its footer (Thrift compact
// protocol FileMetaData: field 4 = row_groups, RowGroup field 3 = num_rows).
import { readFileSync } from "node:fs";

type TValue = number | bigint | boolean | Uint8Array | TValue[] | Map<number, TValue>;

class Compact {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  byte(): number {
    return this.b[this.pos++];
  }
  varint(): bigint {
    let shift = 0n;
    let out = 0n;
    for (;;) {
      const x = this.byte();
      out |= BigInt(x & 0x7f) << shift;
      if ((x & 0x80) === 0) return out;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  value(type: number): TValue {
    switch (type) {
      case 1: return true;
      case 2: return false;
      case 3: return (this.byte() << 24) >> 24;
      case 4: case 5: return Number(this.zigzag());
      case 6: return this.zigzag();
      case 7: this.pos += 8; return 0;
      case 8: { const n = Number(this.varint()); const v = this.b.subarray(this.pos, this.pos + n); this.pos += n; return v; }
      case 9: case 10: {
        const h = this.byte();
        let size = h >> 4;
        if (size === 15) size = Number(this.varint());
        const et = h & 0x0f;
        const out: TValue[] = [];
        for (let i = 0; i < size; i++) out.push(et === 1 || et === 2 ? this.byte() === 1 : this.value(et));
        return out;
      }
      case 11: {
        const size = Number(this.varint());
        if (size === 0) return new Map();
        const kv = this.byte();
        const m = new Map<number, TValue>();
        for (let i = 0; i < size; i++) { this.value(kv >> 4); this.value(kv & 0x0f); }
        return m;
      }
      case 12: return this.struct();
      default: throw new Error(`thrift type ${type}`);
    }
  }
  struct(): Map<number, TValue> {
    const m = new Map<number, TValue>();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return m;
      const delta = h >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      m.set(id, this.value(h & 0x0f));
    }
  }
}

function footer(path: string): Map<number, TValue> {
  const b = readFileSync(path);
  if (b.subarray(b.length - 4).toString() !== "PAR1") throw new Error(`${path} is not parquet`);
  const len = b.readUInt32LE(b.length - 8);
  return new Compact(b.subarray(b.length - 8 - len, b.length - 8)).struct();
}

export function rowGroupRows(path: string): number[] {
  const groups = footer(path).get(4) as Map<number, TValue>[];
  return groups.map((g) => Number(g.get(3) as bigint));
}

/** Compression codec of every column chunk (parquet CompressionCodec: 6 = ZSTD). */
export function columnCodecs(path: string): number[] {
  const groups = footer(path).get(4) as Map<number, TValue>[];
  return groups.flatMap((g) => (g.get(1) as Map<number, TValue>[]).map((c) => (c.get(3) as Map<number, TValue>).get(4) as number));
}
