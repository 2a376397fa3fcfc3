// Test helpers: a small parquet tree in the generator's Koku layout, built with nodejs-polars.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pl from "nodejs-polars";

export async function tempDir(name: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `streambench-${name}-`));
}

/** <root>/data/<org>/OCP/source=<uuid>/year=2026/month=01/<table>/*.parquet, a few files. Returns root. */
export async function buildParquetTree(root: string, opts: { rows?: number } = {}): Promise<string[]> {
  const rows = opts.rows ?? 1000;
  const base = path.join(root, "data", "org1234567", "OCP", "source=3f1b1e2a-0000-4000-8000-000000000001", "year=2026", "month=01");
  const written: string[] = [];
  const tables = ["openshift_pod_usage_line_items", "openshift_storage_usage_line_items", "openshift_node_labels_line_items"];
  for (const [t, table] of tables.entries()) {
    const dir = path.join(base, table);
    await mkdir(dir, { recursive: true });
    for (let part = 0; part < 2; part++) {
      const n = rows + 17 * t + part;
      const df = pl.DataFrame({
        namespace: Array.from({ length: n }, (_, i) => `ns-${i % 7}`),
        node: Array.from({ length: n }, (_, i) => `node-${i % 3}`),
        value: Array.from({ length: n }, (_, i) => i * 0.125 + part),
      });
      const file = path.join(dir, `part-${part}.parquet`);
      await writeFile(file, df.writeParquet({ compression: "zstd" }));
      written.push(file);
    }
  }
  return written;
}
