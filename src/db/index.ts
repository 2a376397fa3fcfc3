// PostgreSQL for streambench: settings, pool, embedded PGlite server, DDL, summary write/read.
export { describePg, parseDatabaseUrl, pgSettingsFromEnv, DEFAULT_PG_USER, type PgOverrides, type PgSettings } from "./settings.ts";
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
  countSummary,
  readSummary,
  summaryFingerprint,
  writeSummary,
  ZERO_INFRASTRUCTURE_USAGE_COST,
  type BulkMethod,
  type PendingSummaryWrite,
  type ReadSummaryOptions,
  type WriteSummaryOptions,
  type WriteSummaryResult,
} from "./summary.ts";
