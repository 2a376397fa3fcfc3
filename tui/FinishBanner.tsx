import { Box, Text } from "ink";
import type { RunStatus } from "../src/run/events.ts";
import { wordWrap } from "./terminal-text.ts";
import { useTone, type Tone } from "./theme.ts";

export interface FinishBannerProps {
  status: RunStatus;
  outDir: string;
  headline: string;
  width: number;
}

const statusTone: Record<RunStatus, Tone> = {
  running: "accent",
  PASS: "ok",
  FAIL: "bad",
  ERROR: "bad",
  INTERRUPTED: "warn",
};

const statusText: Record<RunStatus, string> = {
  running: "running",
  PASS: "all results validated",
  FAIL: "a validation failed",
  ERROR: "the run stopped on an error",
  INTERRUPTED: "the run was interrupted",
};

/** Lines the banner takes at this width (border, status, folder, headline). */
export function bannerHeight(headline: string, width: number): number {
  return 4 + wordWrap(headline, Math.max(10, width - 4)).filter(Boolean).length;
}

/** The verdict of the run, where its results are, and the engine's one-line headline. */
export function FinishBanner({ status, outDir, headline, width }: FinishBannerProps) {
  const tone = useTone();
  return (
    <Box flexDirection="column" width={width} borderStyle="single" borderColor={tone(statusTone[status])} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color={tone(statusTone[status])}>
          {status}
        </Text>
        {`  ${statusText[status]}`}
      </Text>
      <Text wrap="truncate-middle">
        <Text dimColor>results </Text>
        {outDir}
      </Text>
      {wordWrap(headline, Math.max(10, width - 4)).map((line, i) =>
        line ? (
          <Text key={i} wrap="truncate-end">
            {line}
          </Text>
        ) : null,
      )}
    </Box>
  );
}
