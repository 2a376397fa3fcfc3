// Bounded retries with exponential backoff for transient failures, inside a time budget.

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  tries?: number;
  /** First delay (default 250 ms), doubled each time up to maxDelayMs (default 2000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** No new attempt starts after this many ms from the first (default 12 000). */
  budgetMs?: number;
  isTransient(err: unknown): boolean;
}

export interface RetryFailure {
  error: unknown;
  attempts: number;
  elapsedMs: number;
}

/** Runs fn until it succeeds, fails permanently, or tries/budget run out; throws the last error. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const tries = opts.tries ?? 4;
  const base = opts.baseDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 2_000;
  const budget = opts.budgetMs ?? 12_000;
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      const elapsed = Date.now() - start;
      if (attempt >= tries || !opts.isTransient(err) || elapsed + delay > budget) {
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { attempts: attempt, elapsedMs: elapsed });
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
