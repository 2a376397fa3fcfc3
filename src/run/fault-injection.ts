// STREAMBENCH_INJECT_FAULT=scale:mode (Config.injectFault): one value of that run's summary is
// altered before it is written, to show that validation catches a wrong result and the run fails
// fast. Off unless set.
import type { Mode } from "../contract/job.ts";
import { SUMMARY_MEASURE_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";
import type { Config } from "./config.ts";

export function faultInjectedInto(config: Config, scale: string, mode: Mode): boolean {
  return config.injectFault?.scale === scale && config.injectFault.mode === mode;
}

/** Shifts the first measure of the first row by one part in a million, and never by less than 1e-6. */
export function injectFault(rows: SummaryRow[]): void {
  for (const row of rows) {
    for (const column of SUMMARY_MEASURE_COLUMNS) {
      const value = row[column];
      if (typeof value === "number") {
        row[column] = value + Math.max(Math.abs(value) * 1e-6, 1e-6);
        return;
      }
    }
  }
}
