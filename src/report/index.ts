export * from "./mode-summary.ts";
export * from "./analysis.ts";
export * from "./summary-table-csv.ts";
export * from "./comparison-report.ts";
export * from "./summary-json.ts";
export * from "./charts.ts";
export * from "./write.ts";
