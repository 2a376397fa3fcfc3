// How much of the monitor fits the terminal's height. ink redraws the whole screen (and floods the
// scrollback) once a frame is as tall as the terminal, so the frame must stay below `rows`.

export interface LayoutInput {
  /** Terminal rows; undefined = unknown (no limit). */
  rows: number | undefined;
  /** Lines of everything that always shows: header, table, phase bar or banner, gauges, help. */
  fixedLines: number;
  /** Lines the sparkline block takes (0 if none). */
  sparkLines: number;
  /** The user wants the log pane. */
  logWanted: boolean;
  /** Log lines wanted. */
  logLines: number;
}

export interface Layout {
  /** Blank line before the phase, memory and log blocks. */
  gaps: boolean;
  sparklines: boolean;
  /** Log lines to show; 0 = no log pane. */
  logLines: number;
}

const GAPS = 3;
const LOG_TITLE = 1;

export function fitLayout({ rows, fixedLines, sparkLines, logWanted, logLines }: LayoutInput): Layout {
  const want = logWanted ? logLines : 0;
  if (rows === undefined || rows <= 0) return { gaps: true, sparklines: sparkLines > 0, logLines: want };
  const room = rows - 1;
  const logCost = (n: number) => (n > 0 ? LOG_TITLE + n : 0);
  // Give up, in order: log lines (down to 3), the gaps, the sparklines, then the rest of the log.
  const tries: [boolean, boolean, number][] = [];
  for (let n = want; n >= Math.min(want, 3); n--) tries.push([true, true, n]);
  tries.push([false, true, Math.min(want, 3)], [false, false, Math.min(want, 3)]);
  for (let n = Math.min(want, 3) - 1; n >= 0; n--) tries.push([false, false, n]);
  for (const [gaps, spark, n] of tries) {
    const total = fixedLines + (gaps ? GAPS : 0) + (spark ? sparkLines : 0) + logCost(n) - (gaps && n === 0 ? 1 : 0);
    if (total <= room) return { gaps, sparklines: spark && sparkLines > 0, logLines: n };
  }
  return { gaps: false, sparklines: false, logLines: 0 };
}
