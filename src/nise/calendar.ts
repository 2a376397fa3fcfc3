// Hours, months and dates the way nise handles them (all UTC).

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** interval_end = interval_start + 59m59s */
export const INTERVAL_END_OFFSET_MS = HOUR_MS - 1000;

export const MONTH_NAMES = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
] as const;

export const utc = (y: number, m1: number, d = 1, h = 0, mi = 0, s = 0): number => Date.UTC(y, m1 - 1, d, h, mi, s);
export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
/** The last day of ms's month at 00:00. */
export function lastDayOfMonth(ms: number): number {
  return nextMonthStart(ms) - DAY_MS;
}
export const nowHour = (): number => Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
export const today = (): number => dayStart(Date.now());

const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** nise's timestamp text: `2024-01-30 00:00:00 +0000 UTC`. */
export function niseTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000 UTC`;
}

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const MONTH_WORDS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A subset of `dateutil.parser.parse` (default dayfirst=False, so `1-2-2024` is January 2):
 * `M-D-YYYY`, `M/D/YYYY`, `M.D.YYYY` (a first field > 12 is read as the day, as dateutil does),
 * `YYYY-MM-DD`, `YYYYMMDD`, `Mon D YYYY` / `D Mon YYYY`, each optionally followed by ` HH:MM[:SS]`
 * or `THH:MM[:SS]` and an ignored `Z`/`+0000`/` UTC` zone. Returns epoch ms (UTC) or null.
 */
export function parseDateutil(text: string): number | null {
  const s = text.trim();
  let m = /^(.*?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]00:?00|UTC|GMT|\+0000 UTC)?$/i.exec(s);
  if (!m) return null;
  const datePart = m[1].trim();
  const hh = m[2] ? Number(m[2]) : 0;
  const mm = m[3] ? Number(m[3]) : 0;
  const ss = m[4] ? Number(m[4]) : 0;
  if (hh > 23 || mm > 59 || ss > 59) return null;
  let y: number, mo: number, d: number;
  let g: RegExpExecArray | null;
  if ((g = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(datePart))) {
    [y, mo, d] = [Number(g[1]), Number(g[2]), Number(g[3])];
  } else if ((g = /^(\d{4})(\d{2})(\d{2})$/.exec(datePart))) {
    [y, mo, d] = [Number(g[1]), Number(g[2]), Number(g[3])];
  } else if ((g = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$/.exec(datePart))) {
    let a = Number(g[1]);
    let b = Number(g[3]);
    if (a > 12 && b <= 12) [a, b] = [b, a];
    mo = a;
    d = b;
    y = g[4].length === 2 ? 2000 + Number(g[4]) : Number(g[4]);
  } else if ((g = /^([A-Za-z]{3,9})\.?[ -](\d{1,2}),?[ -](\d{4})$/.exec(datePart))) {
    const w = MONTH_WORDS[g[1].toLowerCase().slice(0, g[1].length === 4 ? 4 : 3)];
    if (!w) return null;
    [y, mo, d] = [Number(g[3]), w, Number(g[2])];
  } else if ((g = /^(\d{1,2})[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4})$/.exec(datePart))) {
    const w = MONTH_WORDS[g[2].toLowerCase().slice(0, 3)];
    if (!w) return null;
    [y, mo, d] = [Number(g[3]), w, Number(g[1])];
  } else {
    return null;
  }
  if (!validDate(y, mo, d)) return null;
  return Date.UTC(y, mo - 1, d, hh, mm, ss);
}

export interface MonthSpan {
  /** English month name, e.g. "January". */
  name: string;
  year: number;
  /** First hour of the month inside the run (the run start for the first month). */
  start: number;
  /** nise's `month.end`: next month's 1st, or the run end for the last month. */
  end: number;
}

/** nise `_create_month_list`: every calendar month touched by [start, end]. */
export function monthList(start: number, end: number): MonthSpan[] {
  const out: MonthSpan[] = [];
  let cur = start;
  while (cur <= end) {
    const d = new Date(cur);
    const next = nextMonthStart(cur);
    out.push({
      name: MONTH_NAMES[d.getUTCMonth()],
      year: d.getUTCFullYear(),
      start: cur,
      end: next > end ? end : next,
    });
    if (next > end) break;
    cur = next;
  }
  return out;
}

/** Start times of nise's hourly intervals in [genStart, genEnd]: h such that h + 59:59 <= genEnd. */
export function hourStarts(genStart: number, genEnd: number): number[] {
  const out: number[] = [];
  for (let h = genStart; h + INTERVAL_END_OFFSET_MS <= genEnd; h += HOUR_MS) out.push(h);
  return out;
}
