// COPY's text output -> SummaryRows, chunk by chunk (the readback's parser).
import { canonicalJsonText, SUMMARY_COLUMNS, type SummaryRow } from "../contract/summary-schema.ts";

/**
 * Canonical label text, memoised: at production-large 132,060 rows carry three label columns
 * but only a few thousand distinct texts, and parsing each row's JSON again was most of the read.
 */
function labelCanonicaliser(): (text: string | null) => string | null {
  const seen = new Map<string, string>();
  return (text) => {
    if (text === null) return null;
    let c = seen.get(text);
    if (c === undefined) seen.set(text, (c = canonicalJsonText(text)));
    return c;
  };
}

/**
 * The readback's columns: SUMMARY_COLUMNS (SUMMARY_KEY_COLUMNS then SUMMARY_MEASURE_COLUMNS), in
 * that order; the row literal in readSummaryRows indexes them (test/db/summary.test.ts gives every
 * column a distinct value, so a wrong index fails there).
 */
export const READ_COLUMNS: readonly string[] = SUMMARY_COLUMNS;

/** COPY's text format: backslash escapes of control characters, the delimiter and backslash itself. */
const COPY_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function copyField(f: string): string | null {
  if (f === "\\N") return null;
  if (!f.includes("\\")) return f;
  return f.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

/**
 * Parses COPY's text output (READ_COLUMNS, tab-separated, one row a line) chunk by chunk into
 * SummaryRows: usage_start as its text, numeric parsed from its text, jsonb as canonical JSON, \\N
 * as null. Rows reach `onRow` in the order they came.
 */
export function copyTextParser(onRow: (row: SummaryRow) => void): { push(chunk: Uint8Array): void; end(): void } {
  const json = labelCanonicaliser();
  const num = (f: string): number | null => (f === "\\N" ? null : Number(f));
  const decoder = new TextDecoder();
  let rest = "";
  const take = (text: string) => {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) >= 0) {
      const r = text.slice(start, nl).split("\t");
      start = nl + 1;
      if (r.length !== READ_COLUMNS.length) throw new Error(`COPY returned a row of ${r.length} fields, expected ${READ_COLUMNS.length}`);
      // One literal, one hidden class; indexes follow SUMMARY_KEY_COLUMNS then SUMMARY_MEASURE_COLUMNS.
      onRow({
        usage_start: copyField(r[0]) as string,
        data_source: copyField(r[1]) as SummaryRow["data_source"],
        namespace: copyField(r[2]),
        node: copyField(r[3]),
        resource_id: copyField(r[4]),
        persistentvolumeclaim: copyField(r[5]),
        persistentvolume: copyField(r[6]),
        storageclass: copyField(r[7]),
        pod_labels: json(copyField(r[8])),
        volume_labels: json(copyField(r[9])),
        // As stored: a NULL here is a wrong write the validator must see, not "{}".
        all_labels: json(copyField(r[10])) as string,
        cost_category_id: num(r[11]),
        pod_usage_cpu_core_hours: num(r[12]),
        pod_request_cpu_core_hours: num(r[13]),
        pod_effective_usage_cpu_core_hours: num(r[14]),
        pod_limit_cpu_core_hours: num(r[15]),
        pod_usage_memory_gigabyte_hours: num(r[16]),
        pod_request_memory_gigabyte_hours: num(r[17]),
        pod_effective_usage_memory_gigabyte_hours: num(r[18]),
        pod_limit_memory_gigabyte_hours: num(r[19]),
        node_capacity_cpu_cores: num(r[20]),
        node_capacity_cpu_core_hours: num(r[21]),
        node_capacity_memory_gigabytes: num(r[22]),
        node_capacity_memory_gigabyte_hours: num(r[23]),
        cluster_capacity_cpu_core_hours: num(r[24]),
        cluster_capacity_memory_gigabyte_hours: num(r[25]),
        persistentvolumeclaim_capacity_gigabyte: num(r[26]),
        persistentvolumeclaim_capacity_gigabyte_months: num(r[27]),
        volume_request_storage_gigabyte_months: num(r[28]),
        persistentvolumeclaim_usage_gigabyte_months: num(r[29]),
      });
    }
    return text.slice(start);
  };
  return {
    push(chunk) {
      rest = take(rest + decoder.decode(chunk, { stream: true }));
    },
    end() {
      rest = take(rest + decoder.decode());
      if (rest !== "") throw new Error("COPY output ended inside a row");
    },
  };
}
