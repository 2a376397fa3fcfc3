import { Box, Text } from "ink";
import { fit, formatEta, formatPercent, formatProgress } from "./terminal-text.ts";
import { ProgressBar } from "./ProgressBar.tsx";
import { etaNow, type CurrentPhase, type ViewState } from "./state.ts";
import { useTone } from "./theme.ts";

export interface PhaseBarProps {
  current: CurrentPhase | null;
  eta: ViewState["eta"];
  repetitions: number;
  now: number;
  running: boolean;
  width: number;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/** The phase in progress: what, where, how far (bar, percent, amounts) and the ETAs. */
export function PhaseBar({ current, eta, repetitions, now, running, width }: PhaseBarProps) {
  const tone = useTone();
  if (!current) {
    return (
      <Box flexDirection="column" width={width}>
        <Text dimColor wrap="truncate-end">
          {running ? "starting…" : "waiting for the run to start…"}
        </Text>
      </Box>
    );
  }
  const where = [current.scale, current.mode, repetitions > 1 && current.rep ? `rep ${current.rep}/${repetitions}` : undefined]
    .filter(Boolean)
    .join(" · ");
  const took = current.ended ? current.ended.durationMs : now - current.startedAt;
  const state = current.ended ? (current.ended.ok ? "done in " : "FAILED after ") : "";
  const p = current.progress;
  const fraction = current.ended?.ok ? 1 : p && p.total > 0 ? p.done / p.total : 0;
  // Room for the bar: width minus percent and the amounts text.
  const amounts = p ? formatProgress(p.done, p.total, p.unit) : "";
  const barWidth = Math.max(10, Math.min(40, width - amounts.length - 8));
  const left = etaNow(eta, now);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{fit(current.phase, 10)}</Text>
        {where}
        <Text dimColor>{`  ${state}${elapsed(took)}${current.ended ? "" : " elapsed"}`}</Text>
      </Text>
      {p || current.ended ? (
        <Text wrap="truncate-end">
          <ProgressBar
            fraction={fraction}
            width={barWidth}
            tone={current.ended && !current.ended.ok ? "bad" : current.ended ? "ok" : "accent"}
          />
          <Text>{` ${formatPercent(fraction)}  `}</Text>
          <Text>{amounts}</Text>
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          in progress (this phase reports no progress)
        </Text>
      )}
      <Text wrap="truncate-end">
        <Text dimColor>{fit("ETA", 10)}</Text>
        {"phase "}
        <Text color={tone("accent")}>{current.ended ? "—" : formatEta(left.phaseMs)}</Text>
        {" · run "}
        <Text color={tone("accent")}>{formatEta(left.runMs)}</Text>
      </Text>
    </Box>
  );
}
