import { Text } from "ink";
import { barCells } from "./chart.ts";
import { useTone, type Tone } from "./theme.ts";

export interface ProgressBarProps {
  /** 0..1 */
  fraction: number;
  /** Cells of the bar. */
  width: number;
  tone?: Tone;
}

/** A one-line bar: filled cells █, the rest ░ (dim). Renders inline inside a line of <Text>. */
export function ProgressBar({ fraction, width, tone = "accent" }: ProgressBarProps) {
  const colour = useTone();
  const filled = barCells(fraction, width);
  return (
    <Text>
      <Text color={colour(tone)}>{"█".repeat(filled)}</Text>
      <Text dimColor>{"░".repeat(Math.max(0, width - filled))}</Text>
    </Text>
  );
}
