import { Text } from "ink";
import { sparkline } from "./chart.ts";
import { useTone, type Tone } from "./theme.ts";

export interface SparklineProps {
  values: readonly number[];
  width: number;
  /** Shared top of the scale, so two series are comparable. */
  max?: number;
  tone?: Tone;
}

/** A memory-over-time line of ▁▂▃▄▅▆▇█, one tick per cell. */
export function Sparkline({ values, width, max, tone = "accent" }: SparklineProps) {
  const colour = useTone();
  return <Text color={colour(tone)}>{sparkline(values, width, max)}</Text>;
}
