// Compiles a pipeline entry (pipelines/<mode>.ts) once to one plain JavaScript file, so a Node child
// starts with plain `node` instead of `node --import tsx`, which transpiles the entry's whole import
// graph at every start (~1 s of each child's fixed cost on a loaded 2-core machine).
//
// The bundle holds only the project's own sources: every package (nodejs-polars, @aws-sdk/*, pg, ...)
// stays external and is loaded from node_modules exactly as under tsx. It is cached in
// node_modules/.cache/streambench/ (STREAMBENCH_PIPELINE_CACHE overrides) under a key that hashes the
// exact bytes esbuild compiled (read by our own onLoad hook, so a file edited during a build cannot be
// cached under its new contents), their paths, tsconfig.json, esbuild's version and the options. A
// manifest per entry lists the last build's inputs; a lookup re-hashes those files as they are now,
// so any edited, added-to or removed source gives another key and a new build: never a stale bundle.
// Concurrent builds (several processes at first use) write to a temp file and rename, so a reader
// sees a whole bundle or none.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSCONFIG = join(ROOT, "tsconfig.json");
const FORMAT_VERSION = 1;
/** Bundles of the same entry with another key are removed once older than this (a running child may still be starting one). */
const PRUNE_AFTER_MS = 60 * 60 * 1000;

/** Where compiled entries are kept: STREAMBENCH_PIPELINE_CACHE, else node_modules/.cache/streambench. */
export function pipelineCacheDir(): string {
  return process.env.STREAMBENCH_PIPELINE_CACHE || join(ROOT, "node_modules", ".cache", "streambench");
}

function esbuildVersion(): string {
  return (createRequire(import.meta.url)("esbuild/package.json") as { version: string }).version;
}

/** The build options that shape the output; part of the key. */
function buildOptions() {
  return {
    bundle: true,
    platform: "node" as const,
    format: "esm" as const,
    target: "node20",
    packages: "external" as const,
    keepNames: true,
    ...(existsSync(TSCONFIG) ? { tsconfig: TSCONFIG } : {}),
    logLevel: "silent" as const,
  };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The cache key of an entry built from these files (absolute path -> bytes). */
function cacheKey(entry: string, inputs: Map<string, Buffer>, tsconfig: Buffer | null): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ v: FORMAT_VERSION, esbuild: esbuildVersion(), entry, options: buildOptions() }));
  hash.update(`\0tsconfig\0${tsconfig ? sha256(tsconfig) : "none"}`);
  for (const path of [...inputs.keys()].sort()) hash.update(`\0${path}\0${sha256(inputs.get(path)!)}`);
  return hash.digest("hex").slice(0, 32);
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

function names(entry: string, cacheDir: string) {
  const stem = `${basename(entry, extname(entry))}-${sha256(entry).slice(0, 8)}`;
  return {
    stem,
    manifest: join(cacheDir, `${stem}.inputs.json`),
    bundle: (key: string) => join(cacheDir, `${stem}.${key}.mjs`),
  };
}

/** Write a file whole or not at all: a temp file beside it, then rename (atomic on one filesystem). */
function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The compiled bundle of an entry if the cache holds one built from the sources as they are now;
 * null otherwise (no manifest, a listed source gone or changed, bundle missing).
 */
export function cachedPipelineBundle(entry: string, cacheDir = pipelineCacheDir()): string | null {
  const n = names(entry, cacheDir);
  let listed: string[];
  try {
    const manifest = JSON.parse(readFileSync(n.manifest, "utf8")) as { inputs?: unknown };
    if (!Array.isArray(manifest.inputs) || !manifest.inputs.every((p) => typeof p === "string")) return null;
    listed = manifest.inputs as string[];
  } catch {
    return null;
  }
  const inputs = new Map<string, Buffer>();
  for (const path of listed) {
    const data = readOrNull(path);
    if (!data) return null;
    inputs.set(path, data);
  }
  const bundle = n.bundle(cacheKey(entry, inputs, readOrNull(TSCONFIG)));
  return existsSync(bundle) ? bundle : null;
}

/** Compile an entry into the cache now (whatever the cache holds); returns the bundle's path. Throws if the build fails. */
export async function buildPipelineBundle(entry: string, cacheDir = pipelineCacheDir()): Promise<string> {
  const esbuild = await import("esbuild");
  const tsconfig = readOrNull(TSCONFIG);
  const inputs = new Map<string, Buffer>();
  const result = await esbuild.build({
    ...buildOptions(),
    entryPoints: [entry],
    outfile: join(cacheDir, "bundle.mjs"), // nominal: write is false
    write: false,
    plugins: [
      {
        name: "record-inputs",
        setup(build) {
          build.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
            const contents = await readFile(args.path);
            inputs.set(args.path, contents);
            return { contents, loader: "default" };
          });
        },
      },
    ],
  });
  const output = result.outputFiles?.find((f) => f.path.endsWith(".mjs"));
  if (!output) throw new Error("esbuild produced no output file");
  const n = names(entry, cacheDir);
  const key = cacheKey(entry, inputs, tsconfig);
  const bundle = n.bundle(key);
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(bundle, output.contents);
  writeAtomically(n.manifest, `${JSON.stringify({ entry, inputs: [...inputs.keys()].sort(), key }, null, 2)}\n`);
  prune(cacheDir, n.stem, bundle);
  return bundle;
}

/** Remove this entry's bundles of other keys once old enough that no child can still be starting them. */
function prune(cacheDir: string, stem: string, keep: string): void {
  const now = Date.now();
  for (const file of readdirSync(cacheDir)) {
    if (!file.startsWith(`${stem}.`) || file.endsWith(".inputs.json")) continue;
    const path = join(cacheDir, file);
    if (path === keep) continue;
    try {
      if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // another process pruned it first
    }
  }
}

const inFlight = new Map<string, Promise<string>>();

/**
 * The compiled bundle of an entry: from the cache when it matches the sources, else built now (one
 * build per entry at a time within this process). Throws if the build fails.
 */
export async function compiledPipelineEntry(entry: string, cacheDir = pipelineCacheDir()): Promise<string> {
  const hit = cachedPipelineBundle(entry, cacheDir);
  if (hit) return hit;
  const id = `${cacheDir}\0${entry}`;
  let pending = inFlight.get(id);
  if (!pending) {
    pending = buildPipelineBundle(entry, cacheDir).finally(() => inFlight.delete(id));
    inFlight.set(id, pending);
  }
  return pending;
}
