// Label JSON holding control characters round-trips exactly through each server: what a mode writes
// (escaped as JSON.stringify escapes them: \t \n \r \u0001 \u001f, with DEL and U+2028 as they are)
// is what the readback gives, on PGlite and on PostgreSQL 15, in the same transaction (the
// validation's readback) and after the commit.
import { beginSummaryWrite, readSummary } from "../../src/db/index.ts";
import { exitCodeFor } from "../../src/errors.ts";
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

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] a label holding U+0000, which PostgreSQL cannot store, is refused as the data's fault (exit 2), not the server's, and nothing is written`, async (t) => {
    const pool = targets.get(name)!.pool;
    const sourceUuid = "acacacac-acac-4cac-8cac-acacacacacac";
    // {"app":"x<NUL>y"} as JSON.stringify writes it; an escaped backslash before "u0000" is no NUL and passes
    const nul = '{"app":"x\\u0000y"}';
    const notNul = '{"app":"\\\\u0000"}';
    const rows = [podRow("2026-01-06", "ns-ok", { pod_labels: notNul, all_labels: notNul }), podRow("2026-01-06", "ns-nul", { pod_labels: nul, all_labels: nul })];
    const error = await t.throwsAsync(beginSummaryWrite(pool, { schema, sourceUuid, clusterId: "ctl", rows }));
    t.is(exitCodeFor(error), 2);
    t.is(error!.message, "summary row of 2026-01-06 (namespace ns-nul): pod_labels holds a NUL character (U+0000) from the input's labels, which PostgreSQL cannot store");
    t.deepEqual(await readSummary(pool, { schema, sourceUuid }).catch(() => []), []);
  });
}
