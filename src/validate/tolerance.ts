// --tolerance R: the relative tolerance, loosened at most to 0.01 (1%).
import { UsageError } from "../errors.ts";

export const MAX_RELATIVE_TOLERANCE = 0.01;

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a relative tolerance; throws UsageError unless it is a number in (0, 0.01]. */
export function parseTolerance(text: string): number {
  const trimmed = text.trim();
  const value = NUMBER.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_RELATIVE_TOLERANCE) {
    throw new UsageError(
      `--tolerance must be a relative tolerance greater than 0 and at most ${MAX_RELATIVE_TOLERANCE} (e.g. 1e-6), got "${text}"`,
    );
  }
  return value;
}
