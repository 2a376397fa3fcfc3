// Colour goes through <Text color={tone(...)}> only, and tone() answers undefined when colour is
// off. chalk 5 (ink's colouring) ignores NO_COLOR, so the monitor honours it itself.
import { createContext, useContext } from "react";

export type Tone = "ok" | "bad" | "warn" | "accent";

const palette: Record<Tone, string> = { ok: "green", bad: "red", warn: "yellow", accent: "cyan" };

/** no-color.org: colour is off when NO_COLOR is present and not empty. */
export function colorAllowed(env: Record<string, string | undefined>): boolean {
  const value = env["NO_COLOR"];
  return value === undefined || value === "";
}

export const ColorContext = createContext<boolean>(true);

export function useTone(): (tone: Tone) => string | undefined {
  const enabled = useContext(ColorContext);
  return (tone) => (enabled ? palette[tone] : undefined);
}
