import { Box, Text } from "ink";
import type { Mode } from "../src/contract/job.ts";
import { fit, formatBytes, formatMb, formatSeconds } from "./terminal-text.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { Sparkline } from "./Sparkline.tsx";
import { median } from "../src/stats/statistics.ts";
import type { MemoryGauge, ScaleRow } from "./state.ts";
import { useTone } from "./theme.ts";

export interface MemoryGaugesProps {
  memory: MemoryGauge | null;
  /** The selected scale: its finished modes get a memory-over-time sparkline. */
  row: ScaleRow | undefined;
  modes: Mode[];
  width: number;
  /** Room for the sparklines (the terminal may be too short). */
  sparklines?: boolean;
}

/** The modes of a scale that have a memory series to draw. */
export function modesWithSeries(row: ScaleRow | undefined, modes: Mode[]): Mode[] {
  return row ? modes.filter((m) => (row.modes[m]?.memorySeries.length ?? 0) > 0) : [];
}

const LABEL = 10;
const GAUGE_LABEL = 7;

function loadTone(fraction: number) {
  return fraction >= 0.9 ? "bad" : fraction >= 0.7 ? "warn" : "accent";
}

/**
 * Child RSS against the machine's memory (with its peak), system memory and CPU; then, for the
 * selected scale, one sparkline per finished mode on a shared scale. Each sparkline's length is
 * proportional to its number of samples (same sampling interval), so the longer run is the wider.
 */
export function MemoryGauges({ memory, row, modes, width, sparklines = true }: MemoryGaugesProps) {
  const tone = useTone();
  const lines = [];
  if (!memory) {
    lines.push(
      <Text key="none" dimColor wrap="truncate-end">
        {fit("memory", GAUGE_LABEL)}no samples yet
      </Text>,
    );
  } else {
    const total = memory.systemTotalBytes > 0 ? memory.systemTotalBytes : 1;
    const child = memory.rssBytes / total;
    const sys = memory.systemUsedBytes / total;
    const cpu = Math.max(0, Math.min(100, memory.cpuPercent)) / 100;
    const owner = [memory.scale, memory.mode].filter(Boolean).join(" ");
    const gauge = width >= 90 ? 20 : width >= 80 ? 16 : 10;
    lines.push(
      memory.pid === 0 ? (
        <Text key="child" wrap="truncate-end">
          <Text dimColor>{fit("child", GAUGE_LABEL)}</Text>
          <ProgressBar fraction={0} width={gauge} tone="accent" />
          <Text dimColor>{memory.starting ? `  starting ${owner}` : "  no child running yet"}</Text>
        </Text>
      ) : (
        <Text key="child" wrap="truncate-end">
          <Text dimColor>{fit("child", GAUGE_LABEL)}</Text>
          <ProgressBar fraction={child} width={gauge} tone={loadTone(child)} />
          {` ${formatBytes(memory.rssBytes)} / ${formatBytes(memory.systemTotalBytes)}  peak `}
          <Text bold>{formatBytes(memory.peakRssBytes)}</Text>
          <Text dimColor>{`  ${owner ? `${owner} ` : ""}${memory.live ? `pid ${memory.pid}` : "exited"}`}</Text>
        </Text>
      ),
      <Text key="system" wrap="truncate-end">
        <Text dimColor>{fit("system", GAUGE_LABEL)}</Text>
        <ProgressBar fraction={sys} width={gauge} tone={loadTone(sys)} />
        {` ${formatBytes(memory.systemUsedBytes)} / ${formatBytes(memory.systemTotalBytes)}  cpu `}
        <ProgressBar fraction={cpu} width={8} tone={loadTone(cpu)} />
        {` ${Math.round(memory.cpuPercent)}%`}
      </Text>,
    );
  }

  const finished = sparklines && row ? modesWithSeries(row, modes).map((m) => ({ mode: m, cell: row.modes[m] })) : [];
  if (row && finished.length > 0) {
    // each mode's peak is the median of its runs' VmHWM (the results table's figure); the bars share
    // one top at or above every figure shown, so no "peak" reads above the top
    const peakOf = (cell: NonNullable<ScaleRow["modes"][Mode]>) => (cell.peaksMb.length > 0 ? median(cell.peaksMb) : Math.max(...cell.memorySeries));
    const max = Math.max(...finished.flatMap((x) => [...x.cell!.memorySeries, peakOf(x.cell!)]));
    const longest = Math.max(...finished.map((x) => x.cell!.memorySeries.length));
    const room = Math.max(8, Math.min(48, width - LABEL - 26));
    lines.push(
      <Text key="spark-title" dimColor wrap="truncate-end">
        {`memory over time · ${row.name} · last run of each mode · full bar ${formatMb(max)}`}
      </Text>,
    );
    for (const { mode, cell } of finished) {
      const series = cell!.memorySeries;
      const w = Math.max(1, Math.round((room * series.length) / longest));
      const peak = peakOf(cell!);
      const took = cell!.durations.length > 0 ? median(cell!.durations) : undefined;
      lines.push(
        <Text key={`spark-${mode}`} wrap="truncate-end">
          {fit(mode, LABEL)}
          <Sparkline values={series} width={w} max={max} tone={mode === "streaming" ? "ok" : "accent"} />
          {" ".repeat(room - w)}
          {` peak ${formatMb(peak)}${took !== undefined ? `  ${formatSeconds(took)}` : ""}`}
        </Text>,
      );
    }
  }
  return (
    <Box flexDirection="column" width={width}>
      {lines}
    </Box>
  );
}
