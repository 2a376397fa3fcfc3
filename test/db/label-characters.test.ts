// Label JSON holding control characters round-trips exactly through each server: what a mode writes
// (escaped as JSON.stringify escapes them: \t \n \r \u0001 \u001f, with DEL and U+2028 as they are)
// is what the readback gives, on PGlite and on PostgreSQL 15, in the same transaction (the
// validation's readback) and after the commit.
import { beginSummaryWrite, readSummary } from "../../src/db/index.ts";
import { podRow, testSchema } from "./targets.ts";
import { serialTestOn, TARGET_NAMES, targetsOfFile } from "./on-targets.ts";

const schema = testSchema("labelchars");
const targets = targetsOfFile(schema);
/** {"app":"x<TAB>y<LF>z<CR>w<U+0001><U+001F><DEL><U+2028>v","k":"\\N"}, written by hand as its canonical JSON text. */
const LABELS = '{"app":"x\\ty\\nz\\rw\\u0001\\u001f\u007f\u2028v","k":"\\\\N"}';

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] label JSON with control characters, DEL and U+2028 reads back exactly as written`, async (t) => {
    const pool = targets.get(name)!.pool;
    const sourceUuid = "abababab-abab-4bab-8bab-abababababab";
    const row = podRow("2026-01-05", "ns-ctl", { pod_labels: LABELS, all_labels: LABELS });
    const pending = await beginSummaryWrite(pool, { schema, sourceUuid, clusterId: "ctl", rows: [row] });
    const seen: (string | null)[] = [];
    await pending.readEach((r) => seen.push(r.pod_labels, r.all_labels));
    await pending.commit();
    t.deepEqual(seen, [LABELS, LABELS]);
    const [stored] = await readSummary(pool, { schema, sourceUuid });
    t.is(stored.pod_labels, LABELS);
    t.is(JSON.parse(stored.pod_labels!).app, "x\ty\nz\rw\u0001\u001f\u007f\u2028v");
    t.is(JSON.parse(stored.pod_labels!).k, "\\N");
  });
}
