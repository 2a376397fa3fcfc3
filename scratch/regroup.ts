import pl from "nodejs-polars";
import { cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
const [src, dst, n] = process.argv.slice(2);
cpSync(src, dst, { recursive: true });
function walk(d: string): string[] { return readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : [p]; }); }
for (const f of walk(dst)) if (f.endsWith(".parquet")) { const df = pl.readParquet(f); df.writeParquet(f, { compression: "zstd", rowGroupSize: Number(n) } as any); }
