// The real PostgreSQL server the postgres engine's tests use when DATABASE_URL is set (CI), as the
// job's database field; null without it (then only the child-hosted PGlite is tested).
import type { Job } from "../../src/contract/job.ts";
import { pgSettingsFromEnv, toPgAccess } from "../../src/db/index.ts";

export function serverJobDatabase(): Job["database"] | null {
  const s = pgSettingsFromEnv({ DATABASE_URL: process.env.DATABASE_URL });
  if (!s) return null;
  return { kind: "server", pg: toPgAccess(s) };
}
