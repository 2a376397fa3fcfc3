// Registering a test on each PostgreSQL target: a test on real PostgreSQL without DATABASE_URL is
// registered as skipped, with a title that says how to enable it. Apart from targets.ts, which the
// writer child (fixtures/slow-writer.ts) imports outside ava.
import test, { type ImplementationFn } from "ava";
import { dropSchema, startTargets, type Target } from "./targets.ts";

/** The skip message of a test that needs a real PostgreSQL: it says how to enable it. */
export const NEEDS_REAL_POSTGRES = "needs a real PostgreSQL: set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DB to run it";

/** Every target's name; "postgres" tests register as skipped, saying why, when DATABASE_URL is unset. */
export const TARGET_NAMES = ["pglite", "postgres"] as const;

/** test.serial for tests on a target, or a skip naming DATABASE_URL for real PostgreSQL when it is not set. */
export function serialTestOn(name: Target["name"]): (title: string, implementation: ImplementationFn<[]>) => void {
  if (name === "postgres" && !process.env.DATABASE_URL) return (title, implementation) => test.serial.skip(`${title} (skipped: ${NEEDS_REAL_POSTGRES})`, implementation);
  return (title, implementation) => test.serial(title, implementation);
}


/** The targets of one test file: started before its tests, its schema dropped and each stopped after them. */
export function targetsOfFile(schema: string): Map<string, Target> {
  const targets = new Map<string, Target>();
  test.before(async () => {
    for (const t of await startTargets()) targets.set(t.name, t);
  });
  test.after.always(async () => {
    for (const t of targets.values()) {
      await dropSchema(t.pool, schema).catch(() => {});
      await t.stop();
    }
  });
  return targets;
}
