import { Box, Text } from "ink";
import { formatTimeOfDay } from "./terminal-text.ts";
import type { LogLine } from "./state.ts";
import { useTone } from "./theme.ts";

export interface LogPaneProps {
  log: LogLine[];
  lines?: number;
  width: number;
}

/** The tail of the live log, one terminal line per entry (cut, never wrapped). */
export function LogPane({ log, lines = 8, width }: LogPaneProps) {
  const tone = useTone();
  const tail = log.slice(-lines);
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor wrap="truncate-end">
        {`log (last ${lines})`}
      </Text>
      {tail.length === 0 ? <Text dimColor>  nothing yet</Text> : null}
      {tail.map((line, i) => (
        <Text key={`${log.length - tail.length + i}`} wrap="truncate-end">
          <Text dimColor>{`${formatTimeOfDay(line.at)} `}</Text>
          <Text color={line.level === "error" ? tone("bad") : line.level === "warn" ? tone("warn") : undefined}>
            {line.text}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
