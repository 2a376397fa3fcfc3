// Just enough tar for koku-metrics-operator / nise upload payloads (`.tar.gz` holding manifest.json
// and CSVs): read the regular files of a gzipped tar (ustar, with GNU long names and pax `path`
// records, as Python's tarfile and Go's archive/tar write them), and write one (ustar). The operator
// caps payloads at max_size_MB, but a payload a user gives may be anything: it is read as a stream
// (TarParser), never whole.

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

/** A member of a tar archive, as its header describes it. */
export interface TarMember {
  /** Path inside the archive, as stored (may contain folders, `..`, or be absolute: never used as a path here). */
  name: string;
  kind: "file" | "directory" | "symlink" | "hardlink" | "other";
  size: number;
}

/** Where a member's bytes go: `write` gets them chunk by chunk, `end` once they are all there. */
export interface MemberSink {
  write(chunk: Buffer): void;
  end(): void;
}

const KINDS: Record<string, TarMember["kind"]> = { "0": "file", "\0": "file", "7": "file", "5": "directory", "2": "symlink", "1": "hardlink" };
/** A GNU long name or pax record is metadata of the next member: kept in memory, so bounded. */
const MAX_META_BYTES = 1 << 20;

/**
 * A push parser of a (plain, not gzipped) tar stream: `feed` it the bytes as they come, and it calls
 * `open` for every member (regular files and the rest alike); the bytes of a member go to the sink
 * `open` returns (null: skipped). Nothing of a member's data is kept here, so an archive of any size
 * passes through in the memory of one chunk.
 */
export class TarParser {
  private pending = Buffer.alloc(0);
  private left = 0; // data bytes of the current member still to come
  private pad = 0; // padding after them
  private sink: MemberSink | null = null;
  private meta: { type: string; parts: Buffer[] } | null = null;
  private longName: string | undefined;
  private at = 0; // bytes of the archive consumed so far
  private ended = false;

  constructor(private readonly open: (member: TarMember) => MemberSink | null) {}

  feed(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0 && !this.ended) {
      if (this.left > 0) data = this.body(data);
      else if (this.pad > 0) {
        const n = Math.min(this.pad, data.length);
        this.pad -= n;
        this.at += n;
        data = data.subarray(n);
      } else if (data.length < BLOCK) {
        this.pending = Buffer.from(data);
        return;
      } else {
        this.header(data.subarray(0, BLOCK));
        this.at += BLOCK;
        data = data.subarray(BLOCK);
      }
    }
  }

  /** The stream has ended: throws when it ended inside a member. */
  finish(): void {
    if (this.left > 0 || this.pending.length > 0) throw new Error(`truncated tar archive (ends inside a member at byte ${this.at})`);
  }

  private body(data: Buffer): Buffer {
    const n = Math.min(this.left, data.length);
    const part = data.subarray(0, n);
    if (this.meta) this.meta.parts.push(Buffer.from(part));
    else this.sink?.write(part);
    this.left -= n;
    this.at += n;
    if (this.left === 0) this.endMember();
    return data.subarray(n);
  }

  private header(header: Buffer): void {
    if (header.every((b) => b === 0)) {
      this.ended = true; // end of archive
      return;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    if (sum !== octal(header, 148, 8)) throw new Error(`not a tar archive (bad header checksum at byte ${this.at})`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    this.left = size;
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === "L" || type === "x" || type === "g") {
      if (size > MAX_META_BYTES) throw new Error(`tar metadata record of ${size} bytes at byte ${this.at} (at most ${MAX_META_BYTES})`);
      this.meta = { type, parts: [] };
    } else {
      const prefix = text(header, 345, 155);
      const name = this.longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      this.longName = undefined;
      this.sink = this.open({ name, kind: KINDS[type] ?? "other", size });
    }
    if (size === 0) this.endMember();
  }

  private endMember(): void {
    if (this.meta) {
      const data = Buffer.concat(this.meta.parts);
      if (this.meta.type === "L") this.longName = text(data, 0, data.length);
      if (this.meta.type === "x") this.longName = paxPath(data) ?? this.longName;
      this.meta = null;
      return;
    }
    this.sink?.end();
    this.sink = null;
  }
}

/** The regular files of a tar archive (gzipped or not) held in memory. Throws on a truncated or corrupt archive. */
export function readTar(archive: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  const parser = new TarParser((member) => {
    if (member.kind !== "file") return null;
    const parts: Buffer[] = [];
    return { write: (chunk) => parts.push(Buffer.from(chunk)), end: () => out.push({ name: member.name, data: Buffer.concat(parts) }) };
  });
  parser.feed(archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive);
  parser.finish();
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
