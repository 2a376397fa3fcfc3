// Numbers as text, one definition each, for the report's writers, the live log and the terminal UI.
// Durations are written differently on purpose: secs() here (report tables, "0.412"), the UI's
// formatSeconds (tui/terminal-text.ts, "0.41s", "2m05s") and the log's formatDuration
// (output/durations.ts, "412 ms", "3.20 s") each fit their place's width and reader.

/** 372000 -> "372,000"; "n/a" when not a number. */
export function int(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds with 3 decimals: "0.412". */
export function secs(n: number): string {
  return Number.isFinite(n) ? n.toFixed(3) : "n/a";
}

/** MB with 1 decimal: "182.2". */
export function mb(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : "n/a";
}

/** "2.30×". */
export function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a";
}

/**
 * Three significant digits with a unit, for an axis label or a sweep's size in the terminal UI:
 * 1500000 -> "1.5M", 20000 -> "20k", 7440 -> "7.44k", 2352528 -> "2.35M", 0.25 -> "0.25".
 * Rounded before the unit is chosen, so 999600 reads "1M", not "1000k".
 */
export function compact(n: number): string {
  const r = Number(n.toPrecision(3));
  const a = Math.abs(r);
  const trim = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${trim(r / 1e9)}G`;
  if (a >= 1e6) return `${trim(r / 1e6)}M`;
  if (a >= 1e3) return `${trim(r / 1e3)}k`;
  return trim(r);
}

/**
 * A 95% interval of a ratio, "0.95×–1.57×". A bound near the ±10% band's edge (1.1 or
 * 1 / 1.1 = 0.90909) gets the decimals that show on which side it lies: 1.1003 reads "1.1003×",
 * not "1.10×", which would look like touching the edge.
 */
export function ratioInterval(interval: { lo: number; hi: number }, band = 0.1): string {
  const edges = [1 + band, 1 / (1 + band)];
  const bound = (n: number) => {
    if (!Number.isFinite(n)) return "n/a";
    let digits = 2;
    while (digits < 6 && edges.some((e) => n !== e && Number(n.toFixed(digits)) === Number(e.toFixed(digits)))) digits++;
    return `${n.toFixed(digits)}×`;
  };
  return `${bound(interval.lo)}–${bound(interval.hi)}`;
}
