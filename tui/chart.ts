// Pure text-chart helpers (no ink): sparklines and bar fill.

const TICKS = "▁▂▃▄▅▆▇█";

/**
 * Resample to `width` points; when shrinking, each point is the max of its bucket so peaks survive.
 */
export function resample(values: readonly number[], width: number): number[] {
  const n = values.length;
  if (n === 0 || width <= 0) return [];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * n) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * n) / width));
    let m = -Infinity;
    for (let j = from; j < to && j < n; j++) m = Math.max(m, values[j]);
    out.push(m);
  }
  return out;
}

/** ▁..█ for each value, scaled 0..max (max defaults to the series' own max). */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  const points = resample(values, width);
  const top = max ?? Math.max(0, ...points);
  return points
    .map((v) => {
      if (!(top > 0) || !Number.isFinite(v) || v <= 0) return TICKS[0];
      const i = Math.round((Math.min(v, top) / top) * (TICKS.length - 1));
      return TICKS[Math.max(0, Math.min(TICKS.length - 1, i))];
    })
    .join("");
}

/** Filled cells of a bar `width` cells wide at `fraction` (0..1). */
export function barCells(fraction: number, width: number): number {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  return Math.round(f * Math.max(0, width));
}
