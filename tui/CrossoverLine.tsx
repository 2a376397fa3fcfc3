import { Text } from "ink";
import { useTone } from "./theme.ts";

export interface CrossoverLineProps {
  /** The engine's latest estimate (run/events "crossover"); null before the first size is done. */
  crossover: { text: string; sizes: number } | null;
}

/** A sweep's live crossover estimate under the ladder, worded by the engine. */
export function CrossoverLine({ crossover }: CrossoverLineProps) {
  const tone = useTone();
  if (!crossover) {
    return (
      <Text dimColor wrap="truncate-end">
        {"  crossover: estimated once sizes pass in both modes"}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end" color={tone("accent")}>
      {`  crossover ${crossover.text}`}
    </Text>
  );
}
