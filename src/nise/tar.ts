// Just enough tar for koku-metrics-operator / nise upload payloads (`.tar.gz` holding manifest.json
// and CSVs): read the regular files of a gzipped tar (ustar, with GNU long names and pax `path`
// records, as Python's tarfile and Go's archive/tar write them), and write one (ustar). Payloads are
// a few MB each (the operator caps them at max_size_MB), so a payload is handled in memory.

import { gunzipSync, gzipSync } from "node:zlib";

export interface TarEntry {
  /** Path inside the archive, as stored (may contain folders). */
  name: string;
  data: Buffer;
}

const BLOCK = 512;

function text(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString("utf8");
}

function octal(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  if (field[0] & 0x80) {
    // GNU base-256 for sizes beyond 8 GB
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const s = text(buf, start, length).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

/** pax extended header records: "<len> key=value\n". */
function paxPath(data: Buffer): string | undefined {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.subarray(at, space).toString("ascii"));
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") return record.slice(eq + 1);
    at += len;
  }
  return undefined;
}

/** The regular files of a tar archive (gzipped or not). Throws on a truncated or corrupt archive. */
export function readTar(archive: Buffer): TarEntry[] {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const out: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end of archive
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    if (sum !== octal(header, 148, 8)) throw new Error(`not a tar archive (bad header checksum at byte ${at})`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = at + BLOCK;
    if (dataStart + size > tar.length) throw new Error("truncated tar archive");
    const data = tar.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === "0" || type === "\0" || type === "7") out.push({ name, data: Buffer.from(data) });
  }
  return out;
}

function field(header: Buffer, start: number, length: number, value: string): void {
  header.write(value, start, length, "utf8");
}

/** A gzipped ustar archive of the given files (names up to 100 bytes, mode 0644, mtime `mtimeSeconds`). */
export function writeTarGz(entries: TarEntry[], mtimeSeconds = 0): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (Buffer.byteLength(e.name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${e.name}`);
    const header = Buffer.alloc(BLOCK);
    field(header, 0, 100, e.name);
    field(header, 100, 8, "0000644\0");
    field(header, 108, 8, "0000000\0");
    field(header, 116, 8, "0000000\0");
    field(header, 124, 12, e.data.length.toString(8).padStart(11, "0") + "\0");
    field(header, 136, 12, Math.floor(mtimeSeconds).toString(8).padStart(11, "0") + "\0");
    header.fill(0x20, 148, 156);
    header[156] = 0x30;
    field(header, 257, 6, "ustar\0");
    field(header, 263, 2, "00");
    let sum = 0;
    for (const b of header) sum += b;
    field(header, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
    parts.push(header, e.data, Buffer.alloc((BLOCK - (e.data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}
