// The binary parameters the summary write sends, checked by the server itself: a number sent as
// binary numeric must be the value PostgreSQL reads from the number's text (what the write sent
// before), on the embedded PGlite and, with DATABASE_URL, on real PostgreSQL.
import test from "ava";
import { BinaryWriter, isCalendarDay, TYPE_OID } from "../../src/db/binary.ts";
import { serialTestOn, TARGET_NAMES } from "./on-targets.ts";
import { startTargets, type Target } from "./targets.ts";

const targets = new Map<string, Target>();

test.before(async () => {
  for (const t of await startTargets()) targets.set(t.name, t);
});

test.after.always(async () => {
  for (const t of targets.values()) await t.stop();
});

/** A small deterministic generator (mulberry32), so a failure names the same numbers every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  0, -0, 1, -1, 0.1, 0.25, 1 / 3, 2 / 3, 0.1 + 0.2, 9999, 10000, 10001, 0.0001, 0.00001, 1e-7, 1.5e-7, -2.5e-10, 1e-16,
  5e-324, 123456789.123456789, 12345678901234567890, 1e21, 1.2345678901234567e25, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, NaN,
];

function numbers(): number[] {
  const next = random(11);
  const out = [...EDGES];
  for (let i = 0; i < 2000; i++) {
    const magnitude = Math.floor(next() * 40) - 20; // 1e-20 .. 1e19
    const v = next() * 10 ** magnitude * (next() < 0.2 ? -1 : 1);
    out.push(next() < 0.1 ? Math.round(v) : v);
  }
  return out;
}

function binaryNumericArray(values: readonly number[]): Buffer {
  const w = new BinaryWriter(16);
  w.arrayHeader(TYPE_OID.numeric, values.length);
  for (const v of values) w.numeric(v);
  return w.finish();
}

for (const name of TARGET_NAMES) {
  serialTestOn(name)(`[${name}] a number sent as binary numeric is the value PostgreSQL reads from its text, written anew or repeated`, async (t) => {
    const { pool } = targets.get(name)!;
    const once = numbers();
    const values = [...once, ...once]; // the second time from the writer's memory of the first
    const text = `{${values.map((v) => (Number.isNaN(v) ? "NaN" : String(v))).join(",")}}`;
    const r = await pool.query<{ b: string[]; t: string[] }>(
      "SELECT $1::numeric[]::text[] AS b, $2::numeric[]::text[] AS t",
      [binaryNumericArray(values), text],
    );
    t.is(r.rows[0].b.length, values.length);
    const differ = values.map((v, i) => ({ v, b: r.rows[0].b[i], t: r.rows[0].t[i] })).filter((x) => x.b !== x.t);
    t.deepEqual(differ, []);
  });

  serialTestOn(name)(`[${name}] texts, days, int4, NULL and random uuids in a record array read back as sent`, async (t) => {
    const { pool } = targets.get(name)!;
    await pool.query("DROP TYPE IF EXISTS pg_temp.sbt_binary_row").catch(() => {});
    const client = await pool.connect();
    try {
      await client.query("CREATE TYPE pg_temp.sbt_binary_row AS (id uuid, label text, day date, n int4)");
      const oid = Number((await client.query<{ oid: string }>("SELECT 'pg_temp.sbt_binary_row'::regtype::oid AS oid")).rows[0].oid);
      const rows: [string | null, string, number | null][] = [
        ["plain", "2025-10-01", 1],
        ['quote " comma , tab \t newline \n backslash \\ é ü 漢字 🙂', "2000-01-01", -7],
        ["", "1999-12-31", null],
        [null, "2024-02-29", 2147483647],
        ["plain", "2025-10-01", 1],
      ];
      const w = new BinaryWriter(8);
      w.arrayHeader(oid, rows.length);
      for (const [label, day, n] of rows) {
        const mark = w.beginRecord(4);
        w.field(TYPE_OID.uuid);
        w.randomUuid();
        w.field(TYPE_OID.text);
        if (label === null) w.null();
        else w.text(label);
        w.field(TYPE_OID.date);
        w.date(day);
        w.field(TYPE_OID.int4);
        if (n === null) w.null();
        else w.int4(n);
        w.endRecord(mark);
      }
      const back = await client.query<{ id: string; label: string | null; day: string; n: number | null }>(
        "SELECT id::text, label, day::text, n FROM unnest($1::pg_temp.sbt_binary_row[])",
        [w.finish()],
      );
      t.deepEqual(
        back.rows.map((r) => [r.label, r.day, r.n]),
        rows,
      );
      for (const r of back.rows) t.regex(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      t.is(new Set(back.rows.map((r) => r.id)).size, rows.length);
    } finally {
      client.release();
    }
  });
}

test("only days of the calendar are days", (t) => {
  t.true(isCalendarDay("2024-02-29"));
  t.false(isCalendarDay("2025-02-29"));
  t.false(isCalendarDay("2025-13-01"));
  t.false(isCalendarDay("2025-1-01"));
  t.throws(() => new BinaryWriter().date("2025-02-30"), { instanceOf: RangeError });
});
