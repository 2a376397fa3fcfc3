// Number formatting shared by the writers.

/** 372000 -> "372,000". */
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

/** Compact axis label: 1500000 -> "1.5M", 20000 -> "20k", 0.25 -> "0.25". */
export function compact(n: number): string {
  const a = Math.abs(n);
  const trim = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
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
