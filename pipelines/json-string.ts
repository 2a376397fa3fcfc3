// Escaping text into a JSON string literal inside a plan (polars or SQL), as JSON.stringify does:
// backslash and double quote, and every C0 control character (U+0000..U+001F; short forms \b \t
// \n \f \r, else \u00xx). DEL, U+2028 and all else are valid in a JSON string as they are.
// Backslash comes first: the escapes that follow bring backslashes of their own.

/** [character, its escaped form], in the order the replacements must run. */
export const JSON_STRING_ESCAPES: readonly (readonly [char: string, escaped: string])[] = ["\\", '"', ...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code))].map(
  (char) => [char, JSON.stringify(char).slice(1, -1)] as const,
);
