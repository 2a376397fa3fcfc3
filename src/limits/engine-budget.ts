// What each engine is told of its budget, as a user would configure it in a pod with these limits,
// and the same in words for the report.
import type { Job, Mode } from "../contract/job.ts";
import type { MemoryCap } from "./memory-cap.ts";
import type { Limits } from "./limit-settings.ts";

/** DuckDB's memory_limit from a memory limit: 80% of it (DuckDB's own default share of RAM), leaving room for the rest of the process. */
export const DUCKDB_SHARE_OF_LIMIT = 0.8;

/** Threads an engine gets for --cpus: whole cores, at least one (0.2 CPU -> 1, 1.5 -> 2). null: no CPU limit. */
export function engineThreads(cpus: number | null): number | null {
  return cpus === null ? null : Math.max(1, Math.ceil(cpus));
}

export interface EngineBudget {
  /** The job fields that tell the engine (duckdb: memory_limit, threads). */
  job: Pick<Job, "duckdbMemoryLimit" | "duckdbThreads">;
  /** In words, for the report. */
  told: string;
}

export function engineBudget(
  mode: Mode,
  under: { limits: Limits; cap: MemoryCap } | undefined,
  duckdbOverride: string | null,
  /** postgres: where its SQL runs (the user's server, or a PGlite inside the child). */
  database: "server" | "embedded",
): EngineBudget {
  const threads = engineThreads(under?.limits.cpus ?? null);
  if (mode === "in-memory" || mode === "streaming") {
    const told = threads === null ? "nothing (polars: every core; it has no memory budget)" : `POLARS_MAX_THREADS=${threads} (polars has no memory budget)`;
    return { job: {}, told };
  }
  if (mode === "duckdb") {
    const fromLimit = under?.cap.source === "limit" ? `${Math.floor((under.cap.bytes * DUCKDB_SHARE_OF_LIMIT) / 1024 / 1024)}MiB` : null;
    const memoryLimit = duckdbOverride ?? fromLimit;
    const job = { ...(memoryLimit ? { duckdbMemoryLimit: memoryLimit } : {}), ...(threads !== null ? { duckdbThreads: threads } : {}) };
    const memoryWords = memoryLimit === null ? "memory_limit its default (80% of RAM)" : `memory_limit ${memoryLimit}${duckdbOverride ? " (--duckdb-memory-limit)" : ` (${DUCKDB_SHARE_OF_LIMIT * 100}% of the limit)`}`;
    return { job, told: `${memoryWords}, threads ${threads ?? "its default (every core)"}` };
  }
  const told =
    database === "server"
      ? "nothing: the limit covers the child (fetch, convert, COPY); the SQL runs in the external PostgreSQL server, outside the limit"
      : "nothing: PGlite runs inside the child, so the limit covers the server too";
  return { job: {}, told };
}
