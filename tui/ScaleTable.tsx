import { Box, Text } from "ink";
import type { Mode } from "../src/contract/job.ts";
import { fit, formatPercent, formatSeconds, verdictLine, baselineLine } from "./terminal-text.ts";
import { compact } from "../src/stats/number-text.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { median } from "../src/stats/statistics.ts";
import { cellVerdict, rowFraction, winner, type ModeCell, type Pick, type ScaleRow } from "./state.ts";
import { useTone } from "./theme.ts";

// Column widths: marker, scale, phase, bar + percent, one cell per mode, faster, less memory.
// 2 + 8 + 10 + 11 + 16 + 16 + 7 + 8 = 78 columns with two modes.
const W = { marker: 2, scale: 8, phase: 10, bar: 5, cell: 16, faster: 7, leaner: 8 } as const;
// bar + " " + "100%" + " "
const PROGRESS = W.bar + 6;

export function shortMb(mb: number): string {
  if (mb < 1024) return `${Math.round(mb)}M`;
  return `${(mb / 1024).toFixed(mb < 10 * 1024 ? 1 : 0)}G`;
}

export function shortMode(pick: Pick): string {
  if (pick === "in-memory") return "in-mem";
  if (pick === "streaming") return "stream";
  if (pick === "inconclusive") return "unsure";
  return pick;
}

function ModeCellText({ cell }: { cell: ModeCell | undefined }) {
  const tone = useTone();
  if (!cell) return <Text>{fit("", W.cell)}</Text>;
  if (cell.outcome) return <Text color={tone("warn")} bold>{fit(`${cell.outcome} at ${shortMb(Math.max(...cell.peaksMb))}`, W.cell)}</Text>;
  const n = cell.durations.length;
  if (n > 0) {
    // With --runs N: medians over the repetitions, as the report does.
    const duration = median(cell.durations);
    const peak = median(cell.peaksMb);
    const verdict = cellVerdict(cell);
    const figures = `${formatSeconds(duration)} ${shortMb(peak)} `;
    const verdictText = verdict ?? (cell.error ? "ERR" : cell.active ? "…" : "");
    return (
      <Text>
        {figures}
        <Text color={verdict === "PASS" ? tone("ok") : verdict === "FAIL" || cell.error ? tone("bad") : undefined} bold={verdict !== undefined}>
          {verdictText}
        </Text>
        {" ".repeat(Math.max(0, W.cell - figures.length - verdictText.length))}
      </Text>
    );
  }
  if (cell.error) return <Text color={tone("bad")}>{fit("ERROR", W.cell)}</Text>;
  if (cell.active) return <Text color={tone("accent")}>{fit("running…", W.cell)}</Text>;
  return <Text dimColor>{fit("·", W.cell)}</Text>;
}

function PhaseText({ row }: { row: ScaleRow }) {
  const tone = useTone();
  if (row.status === "failed") return <Text color={tone("bad")}>{fit("failed", W.phase)}</Text>;
  if (row.status === "done") return <Text color={tone("ok")}>{fit("done", W.phase)}</Text>;
  if (row.status === "stopped") return <Text color={tone("warn")}>{fit("stopped", W.phase)}</Text>;
  if (row.status === "skipped") return <Text dimColor>{fit("skipped", W.phase)}</Text>;
  if (row.status === "pending" || row.phase === null) return <Text dimColor>{fit("pending", W.phase)}</Text>;
  return <Text>{fit(row.phase, W.phase)}</Text>;
}

function WinnerText({ row }: { row: ScaleRow }) {
  const tone = useTone();
  const w = winner(row);
  if (!w) return <Text>{fit("", W.faster + W.leaner)}</Text>;
  if (w.kind === "invalid") return <Text color={tone("bad")}>{fit("n/a (FAIL)", W.faster + W.leaner)}</Text>;
  return (
    <Text bold>
      {fit(shortMode(w.faster), W.faster)}
      {fit(shortMode(w.leaner), W.leaner)}
    </Text>
  );
}

export interface ScaleTableProps {
  rows: ScaleRow[];
  modes: Mode[];
  selected: number;
  width: number;
  /** A sweep's ladder: each line is a size, shown as its input rows. */
  sweep?: boolean;
}

/** The first column: the scale's name, or a sweep size's input rows (with its limit under a list of limits). */
function rowLabel(row: ScaleRow, sweep: boolean): string {
  if (!sweep || row.rows === undefined) return row.name;
  const at = row.name.indexOf("@");
  return compact(row.rows) + (at >= 0 ? row.name.slice(at) : "");
}

/** The first column is as wide as its longest label (production-xxlarge, medium@750MiB) where the terminal has room, else 8. */
function scaleWidth(labels: readonly string[], modes: number, width: number): number {
  const others = W.marker + W.phase + PROGRESS + modes * W.cell + (modes === 2 ? W.faster + W.leaner : 0);
  const longest = Math.max(0, ...labels.map((label) => label.length)) + 1;
  return Math.max(W.scale, Math.min(longest, width - others));
}

export function ScaleTable({ rows, modes, selected, width, sweep = false }: ScaleTableProps) {
  const tone = useTone();
  const sel = rows[selected];
  const scaleW = scaleWidth(rows.map((row) => rowLabel(row, sweep)), modes.length, width);
  const header =
    fit("", W.marker) +
    fit(sweep ? "rows" : "scale", scaleW) +
    fit("phase", W.phase) +
    fit("progress", PROGRESS) +
    modes.map((m) => fit(m, W.cell)).join("") +
    (modes.length === 2 ? fit("faster", W.faster) + fit("less mem", W.leaner) : "");
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold>
        {header}
      </Text>
      {rows.length === 0 ? <Text dimColor>  no scales yet</Text> : null}
      {rows.map((row, i) => (
        <Text key={row.name} wrap="truncate-end">
          <Text bold={i === selected} color={i === selected ? tone("accent") : undefined}>
            {fit(i === selected ? ">" : "", W.marker)}
            {fit(rowLabel(row, sweep), scaleW - 1)}{" "}
          </Text>
          <PhaseText row={row} />
          <ProgressBar fraction={rowFraction(row)} width={W.bar} tone={row.status === "failed" ? "bad" : row.status === "done" ? "ok" : "accent"} />
          <Text>{` ${formatPercent(rowFraction(row))} `}</Text>
          {modes.map((m) => (
            <ModeCellText key={m} cell={row.modes[m]} />
          ))}
          {modes.length === 2 ? <WinnerText row={row} /> : null}
        </Text>
      ))}
      {sel && verdictLine(sel) ? (
        <Text wrap="truncate-end" dimColor>
          {verdictLine(sel)}
        </Text>
      ) : null}
      {sel && baselineLine(sel) ? (
        <Text wrap="truncate-end" dimColor>
          {baselineLine(sel)}
        </Text>
      ) : null}
      {sel?.error ? (
        <Text wrap="truncate-end" color={tone("bad")}>
          {`  ${sel.name}: ${sel.error}`}
        </Text>
      ) : null}
    </Box>
  );
}
