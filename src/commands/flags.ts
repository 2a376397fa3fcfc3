// Flag parsing shared by the subcommands: node:util parseArgs (also in Deno), with every mistake
// turned into a UsageError that names the flag.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export function parseFlags<T extends FlagSpec>(argv: string[], spec: T, command: string) {
  return parseFlagsAndArguments(argv, spec, command, false).values;
}

/** Flags and the arguments beside them (`compare BASE NEW`); without allowPositionals an argument is an error. */
export function parseFlagsAndArguments<T extends FlagSpec>(argv: string[], spec: T, command: string, allowPositionals = true) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, spec), options: spec, strict: true, allowPositionals });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${text.replace(/\. To specify a positional argument.*$/s, "")} (see streambench ${command} --help)`);
  }
}

/**
 * `--runs -1`: parseArgs would read "-1" as an option and complain about "--runs=-XYZ"; a value
 * that looks like a negative number is the flag's value, so its own check names the problem.
 */
function joinNegativeValues(argv: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (name !== null && spec[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export function positiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  }
  return Number(value);
}

export function nonNegativeInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  }
  return Number(value);
}

export function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
