// PostgreSQL for streambench: settings, pool, embedded PGlite server, DDL, summary write/read.
export { describePg, parseDatabaseUrl, pgSettingsFromEnv, toPgAccess, DEFAULT_PG_USER, type PgOverrides, type PgSettings } from "./settings.ts";
export { connectPg, isPglite, isTransientPgError, pgFault, poolConfig, PG_CONNECT_TIMEOUT_MS } from "./pool.ts";
export { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.ts";
export {
  DEFAULT_SCHEMA,
  ensureMonthPartitions,
  ensureSummaryTable,
  qualifiedTable,
  SUMMARY_TABLE,
  SUMMARY_TABLE_COLUMNS,
  summaryTableDdl,
} from "./schema.ts";
export {
  beginSummaryWrite,
  writeSummary,
  type BulkMethod,
  type PendingSummaryWrite,
  type WriteSummaryOptions,
  type WriteSummaryResult,
} from "./summary-write.ts";
export { ZERO_INFRASTRUCTURE_USAGE_COST } from "./write-rows.ts";
export { countSummary, readSummary, type ReadSummaryOptions } from "./summary-read.ts";
export { summaryFingerprint } from "./summary-fingerprint.ts";
