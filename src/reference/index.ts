// The reference daily summary (plain TypeScript, no polars): the oracle streambench validates against.
export { DailySummaryReference, computeDailySummary, type ReferenceOptions, type ReferenceCounts } from "./summary.ts";
export {
  parseNiseLabels,
  parseNiseLabelsToMap,
  filterLabels,
  enabledKeySet,
  mergeLabels,
  pythonJsonDumps,
} from "./labels.ts";
export { likeMatch, costCategoryId } from "./like.ts";
export { daysInMonth, daysInMonthOf, dayIndex, dayString, monthKeyOfDay, DAY_MS } from "./dates.ts";
