// Unpacking the files a user gives (gzipped CSVs, payload tarballs) into the stage folder, as
// streams: a byte of input is read, unpacked and written before the next is read, so memory stays at
// a chunk whatever the file's size. What is written is counted against one budget per input
// (STREAMBENCH_STAGE_LIMIT), so a gzip bomb is refused with a message instead of filling the disk.
// A file that cannot be read is an error naming it (exit 2), never a skip; a disk that fills while
// unpacking is an OutputError naming the stage folder (exit 5).
import { closeSync, createReadStream, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createGunzip } from "node:zlib";
import { DataError, OutputError, UsageError } from "../errors.ts";
import { TarParser, type MemberSink, type TarMember } from "../nise/tar.ts";

export const STAGE_LIMIT_SETTING = "STREAMBENCH_STAGE_LIMIT";
/** 16 GiB: three times the CSV of the largest scale (production-large, about 5 GB unpacked). */
export const DEFAULT_STAGE_LIMIT_BYTES = 16 * 2 ** 30;

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** STREAMBENCH_STAGE_LIMIT ("20GB", "512MiB", a byte count) in bytes; the default when unset. */
export function stageLimitFromEnv(env: Record<string, string | undefined> = process.env): number {
  const text = env[STAGE_LIMIT_SETTING]?.trim();
  if (!text) return DEFAULT_STAGE_LIMIT_BYTES;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const unit = m ? UNITS[m[2].toUpperCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new UsageError(`${STAGE_LIMIT_SETTING}="${text}": give a size such as 20GB, 512MiB or a byte count`);
  }
  return Math.floor(Number(m[1]) * unit);
}

/** A size for messages: GiB from 1 GiB up, MiB below. */
function sizeText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The bytes the stage folder may still take for one input. */
export class StageBudget {
  private used = 0;
  constructor(readonly limit: number = stageLimitFromEnv()) {}

  take(bytes: number, source: string): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new DataError(
        `${source}: unpacking the input would stage more than ${sizeText(this.limit)} (${STAGE_LIMIT_SETTING}; ` +
          `raise it, e.g. ${STAGE_LIMIT_SETTING}=${Math.ceil((this.limit * 2) / 2 ** 30)}GiB, if the data is really that large)`,
        source,
      );
    }
  }
}

/** A file in the stage folder written chunk by chunk, every chunk counted; ENOSPC and EIO become OutputErrors. */
function stagedFile(path: string, source: string, budget: StageBudget): MemberSink {
  const fd = writeOrFail(() => openSync(path, "w"), path);
  let open = true;
  return {
    write(chunk) {
      budget.take(chunk.length, source);
      writeOrFail(() => writeSync(fd, chunk), path);
    },
    end() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

function writeOrFail<T>(write: () => T, path: string): T {
  try {
    return write();
  } catch (e) {
    throw OutputError.from(e, "staging the input: cannot write into", dirname(path));
  }
}

/** An error of reading or unpacking `source` (not of writing the stage): the input is bad, exit 2. */
function unreadable(source: string, what: string, e: unknown): unknown {
  if (e instanceof DataError || e instanceof OutputError) return e;
  const reason = (e as Error).message ?? String(e);
  return new DataError(`${source}: not a readable ${what} (${reason}); a file given as input must be read whole, so nothing was summed`, source);
}

function isGzip(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of `path` as they come, gunzipped when `gz`; an error reading the file ends the gunzip with it (pipe() does not pass it on). */
function chunksOf(path: string, gz: boolean): AsyncIterable<Buffer> {
  const raw = createReadStream(path);
  if (!gz) return raw;
  const gunzip = createGunzip();
  raw.on("error", (e) => gunzip.destroy(e));
  return raw.pipe(gunzip).on("close", () => raw.destroy());
}

/** `from` (gzipped) decompressed into `to`, streamed; a cut or corrupt file is a DataError naming it. */
export async function gunzipToStage(from: string, to: string, budget: StageBudget): Promise<void> {
  const out = stagedFile(to, from, budget);
  try {
    for await (const chunk of chunksOf(from, true)) out.write(chunk);
  } catch (e) {
    throw unreadable(from, "gzip file", e);
  } finally {
    out.end();
  }
}

export interface PayloadMember {
  member: TarMember;
  /** Regular CSV members: where their bytes were staged. */
  staged?: string;
  /** The payload's (first) manifest.json. */
  manifest?: true;
  /** manifest.json: its text (at most 1 MiB). */
  text?: string;
}

/** A manifest.json is read into memory: a few KB from the operator, refused past this. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/**
 * Stream a payload tarball (gzipped or plain): CSV members to files `stagePath(i)`, manifest.json into
 * memory, every other member only described (the caller lists it as skipped). Member names are never
 * used as paths.
 */
export async function extractPayload(path: string, stagePath: (i: number) => string, budget: StageBudget): Promise<PayloadMember[]> {
  const members: PayloadMember[] = [];
  let writing: MemberSink | null = null;
  let manifestSeen = false;
  const parser = new TarParser((member) => {
    const entry: PayloadMember = { member };
    members.push(entry);
    if (member.kind !== "file") return null;
    // only the first manifest.json is held in memory: a payload of a thousand 1 MiB manifests would hold 1 GB
    if (/(^|\/)manifest\.json$/.test(member.name) && !manifestSeen) {
      manifestSeen = entry.manifest = true;
      if (member.size > MAX_MANIFEST_BYTES) throw new DataError(`${path}!${member.name}: manifest.json of ${member.size} bytes (at most ${MAX_MANIFEST_BYTES})`, path);
      const parts: Buffer[] = [];
      return { write: (c) => parts.push(Buffer.from(c)), end: () => (entry.text = Buffer.concat(parts).toString("utf8")) };
    }
    if (!/\.csv$/i.test(member.name)) return null;
    entry.staged = stagePath(members.length);
    return (writing = stagedFile(entry.staged, `${path}!${member.name}`, budget));
  });
  try {
    for await (const chunk of chunksOf(path, isGzip(path))) parser.feed(chunk);
    parser.finish();
  } catch (e) {
    throw unreadable(path, "tar.gz payload", e);
  } finally {
    (writing as MemberSink | null)?.end();
  }
  return members;
}
