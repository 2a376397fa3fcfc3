export * from "./compare.ts";
export * from "./log.ts";
export * from "./tolerance.ts";
