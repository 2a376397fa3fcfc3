// One CSV field, quoted as RFC 4180 and Python's csv module (QUOTE_MINIMAL) quote it. Every CSV the
// project writes uses these: nise's files, the canonical summary CSV, SUMMARY.csv, and the rows of
// the database's COPY FROM STDIN.

/** The text in double quotes, its double quotes doubled. */
export function quotedCsvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** The text as it is, or quoted when it holds a double quote, a comma or a line end. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? quotedCsvField(text) : text;
}
