import { Text } from "ink";
import { useTone } from "./theme.ts";

export interface HelpLineProps {
  /** Keys are read at all (stdin supports raw mode). */
  inputActive: boolean;
  /** A run is in progress: the engine rejects rerun / run all until it ends. */
  busy: boolean;
  quitting: boolean;
  selectedScale: string | undefined;
  logVisible: boolean;
  /** A one-off message about the last key, e.g. why it did nothing. */
  notice?: string;
}

interface Item {
  key: string;
  label: string;
  /** Why the key does nothing right now; undefined = available. */
  unavailable?: string;
}

/** One line of the keys, with the ones that do nothing now dimmed and the reason in brackets. */
export function HelpLine({ inputActive, busy, quitting, selectedScale, logVisible, notice }: HelpLineProps) {
  const tone = useTone();
  if (!inputActive) {
    return (
      <Text dimColor wrap="truncate-end">
        keys unavailable: stdin is not a terminal
      </Text>
    );
  }
  if (quitting) {
    return (
      <Text color={tone("warn")} wrap="truncate-end">
        quitting: stopping children and servers…
      </Text>
    );
  }
  const noScale = selectedScale === undefined ? "no scale" : undefined;
  const items: Item[] = [
    { key: "↑↓", label: "select", unavailable: noScale },
    { key: "r", label: `rerun ${selectedScale ?? ""}`.trim(), unavailable: busy ? "busy" : noScale },
    { key: "a", label: "run all", unavailable: busy ? "busy" : noScale },
    { key: "l", label: logVisible ? "hide log" : "show log" },
    { key: "q", label: "quit" },
  ];
  return (
    <Text wrap="truncate-end">
      {notice ? <Text color={tone("warn")}>{`${notice}  `}</Text> : null}
      {items.map((item, i) => (
        <Text key={item.key} dimColor={item.unavailable !== undefined}>
          {i > 0 ? "  " : ""}
          <Text bold={item.unavailable === undefined}>{item.key}</Text>
          {` ${item.label}${item.unavailable ? ` (${item.unavailable})` : ""}`}
        </Text>
      ))}
    </Text>
  );
}
