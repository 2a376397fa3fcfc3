// Days in month and storage GiB-months.
import test from "ava";
import { daysInMonth, daysInMonthOf } from "../../src/reference/index.ts";
import { compareSummaryRows, SUMMARY_KEY_COLUMNS, sortSummaryRows } from "../../src/contract/summary-schema.ts";
import type { SummaryRow } from "../../src/contract/summary-schema.ts";
import { GIB, P, S, near, one, storageRows, summarize } from "./helpers.ts";

test("daysInMonth: 28, 29, 30, 31 and the Gregorian leap rules", (t) => {
  t.is(daysInMonth(2023, 2), 28);
  t.is(daysInMonth(2024, 2), 29);
  t.is(daysInMonth(1900, 2), 28); // divisible by 100, not by 400
  t.is(daysInMonth(2000, 2), 29); // divisible by 400
  t.is(daysInMonth(2024, 4), 30);
  t.is(daysInMonth(2024, 1), 31);
  t.is(daysInMonth(2024, 12), 31);
  t.is(daysInMonthOf("2024-09-15"), 30);
  t.throws(() => daysInMonth(2024, 13));
});

test("Storage GiB-months use the real days of the usage_start month (28/29/30/31)", (t) => {
  // 1 GiB capacity held all 24 hours of a day = 86400 x 2^30 byte-seconds = 1/days GiB-months
  const day = (date: string) =>
    Array.from({ length: 24 }, (_, hour) => [
      P({ date, hour }),
      S({
        date,
        hour,
        persistentvolumeclaim_capacity_bytes: GIB,
        persistentvolumeclaim_capacity_byte_seconds: GIB * 3600,
        volume_request_storage_byte_seconds: 2 * GIB * 3600,
        persistentvolumeclaim_usage_byte_seconds: 0.5 * GIB * 3600,
      }),
    ]).flat();
  const rows = summarize([...day("2023-02-10"), ...day("2024-02-10"), ...day("2024-04-10"), ...day("2024-05-10")]);
  for (const [date, days] of [["2023-02-10", 28], ["2024-02-10", 29], ["2024-04-10", 30], ["2024-05-10", 31]] as const) {
    const r = one(t, storageRows(rows), (r) => r.usage_start === date, date);
    near(t, r.persistentvolumeclaim_capacity_gigabyte_months, 1 / days, `${date} capacity`);
    near(t, r.volume_request_storage_gigabyte_months, 2 / days, `${date} request`);
    near(t, r.persistentvolumeclaim_usage_gigabyte_months, 0.5 / days, `${date} usage`);
    t.is(r.persistentvolumeclaim_capacity_gigabyte, 1);
  }
});

test("sortSummaryRows: by the key columns in order, NULL first, strings by code unit", (t) => {
  const base = summarize([P()])[0];
  const mk = (o: Partial<SummaryRow>): SummaryRow => ({ ...base, ...o });
  const a = mk({ usage_start: "2024-01-02", namespace: "a" });
  const b = mk({ usage_start: "2024-01-01", namespace: "b" });
  const c = mk({ usage_start: "2024-01-01", namespace: null });
  const d = mk({ usage_start: "2024-01-01", namespace: "B" });
  const input = [a, b, c, d];
  t.deepEqual(sortSummaryRows(input), [c, d, b, a]);
  t.deepEqual(input, [a, b, c, d]); // not modified
});

test("compareSummaryRows ranks every key column in SUMMARY_KEY_COLUMNS order, before all the columns after it", (t) => {
  const base = summarize([P()])[0];
  SUMMARY_KEY_COLUMNS.forEach((column, i) => {
    // smaller in this column, larger in every later one: this column must decide
    const smaller = { ...base } as Record<string, unknown>;
    const larger = { ...base } as Record<string, unknown>;
    smaller[column] = column === "cost_category_id" ? 1 : "a";
    larger[column] = column === "cost_category_id" ? 2 : "b";
    for (const later of SUMMARY_KEY_COLUMNS.slice(i + 1)) {
      smaller[later] = later === "cost_category_id" ? 9 : "z";
      larger[later] = later === "cost_category_id" ? 1 : "a";
    }
    t.true(compareSummaryRows(smaller as SummaryRow, larger as SummaryRow) < 0, column);
    t.true(compareSummaryRows(larger as SummaryRow, smaller as SummaryRow) > 0, column);
    t.is(compareSummaryRows(smaller as SummaryRow, { ...smaller } as SummaryRow), 0, column);
  });
});
