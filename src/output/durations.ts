// Durations as the headless printer and the live log write them.

/** 412 -> "412 ms", 3200 -> "3.20 s", 125000 -> "2m05s". Wider than tui/terminal-text.ts formatSeconds on purpose: a log line, not a table cell. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - minutes * 60)).padStart(2, "0")}s`;
}

/** Time elapsed or left as m:ss (75 000 ms -> "1:15"); the terminal UI's formatTimeOfDay is a wall-clock time. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}
