// How every settings reader takes a flag's or an environment variable's value: trimmed, and a blank
// one counts as not given (AWS_REGION= gives the default region, as if it were unset).

/** The environment as settings readers take it (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

/** The value trimmed, or undefined when it is absent or blank. */
export function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}
