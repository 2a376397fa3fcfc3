// The validation's tolerance setting: its default, and --tolerance R (relative, loosened at most to
// 0.01, 1%). A setting the command layer reads, apart from the comparison (compare.ts).
import { UsageError } from "../errors.ts";

export const MAX_RELATIVE_TOLERANCE = 0.01;

export interface ToleranceOptions {
  /** Relative tolerance: |a - e| <= relTolerance * |e| passes. */
  relTolerance: number;
  /** Absolute tolerance: |a - e| <= absTolerance passes. */
  absTolerance: number;
}

/** Default 1e-9 relative and 1e-9 absolute; numeric(33,15) rounding (1e-15) stays well inside. */
export const DEFAULT_TOLERANCE: Readonly<ToleranceOptions> = Object.freeze({ relTolerance: 1e-9, absTolerance: 1e-9 });

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
