// Calendar helpers for the reference (UTC throughout).

export const DAY_MS = 86_400_000;

/** Days in a month (month 1-12): 28, 29, 30 or 31, Gregorian leap years. */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`daysInMonth: bad year/month ${year}-${month}`);
  }
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Days in the month of a usage_start date "YYYY-MM-DD": Koku's
 * EXTRACT(DAY FROM date_trunc('month', d) + INTERVAL '1 month - 1 day').
 */
export function daysInMonthOf(usageStart: string): number {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(usageStart);
  if (!m) throw new RangeError(`daysInMonthOf: not a YYYY-MM-DD date: ${usageStart}`);
  return daysInMonth(Number(m[1]), Number(m[2]));
}

/** Days since 1970-01-01 of an epoch-ms timestamp (the UTC calendar day). */
export function dayIndex(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/** "YYYY-MM-DD" of a day index. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "YYYY-MM" of a day index: the month partition Koku summarises separately. */
export function monthKeyOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 7);
}
