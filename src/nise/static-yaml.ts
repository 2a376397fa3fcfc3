// Reads nise's static-report YAML (`nise report ocp --static-report-file`) into a Manifest.
// PyYAML safe_load is YAML 1.1, so the `yaml` package is used with version "1.1": unquoted dates become
// dates, `2` is an int and `2.0` a float (kept apart with intAsBigInt). Every shape nise would crash on,
// or silently misread, is reported as a UsageError naming the file and the field.

import YAML, { isAlias, isMap, isScalar, isSeq, type Document, type Node as YNode } from "yaml";
import { UsageError } from "../errors.ts";
import { DAY_MS, dayStart, isoDate, lastDayOfMonth, monthStart, nowHour, parseDateutil, today } from "./calendar.ts";
import type {
  GeneratorSpec, Manifest, NamespaceSpec, NodeSpec, PodSpec, UsageMap, VirtualMachineSpec, VolumeClaimSpec, VolumeSpec,
} from "./manifest.ts";
import { pyFloat, pyInt, pyStr, type PyNum } from "./pynum.ts";

// ---- a plain tree of the YAML, keeping what PyYAML would see -------------------------------------

class YDate {
  constructor(readonly ms: number, readonly dateOnly: boolean, readonly text: string) {}
}
class YMap {
  readonly entries: [YVal, YVal][] = [];
  private readonly byKey = new Map<string, number>();
  set(k: YVal, v: YVal): void {
    const key = keyText(k);
    const at = this.byKey.get(key);
    if (at === undefined) {
      this.byKey.set(key, this.entries.length);
      this.entries.push([k, v]);
    } else this.entries[at] = [this.entries[at][0], v]; // a Python dict: first position, last value
  }
  has(k: string): boolean {
    return this.byKey.has(k);
  }
  get(k: string): YVal | undefined {
    const at = this.byKey.get(k);
    return at === undefined ? undefined : this.entries[at][1];
  }
}
type YVal = null | boolean | string | PyNum | YDate | YMap | YVal[];

function keyText(k: YVal): string {
  if (typeof k === "string") return k;
  if (k instanceof YDate) return `\u0000date:${k.text}`;
  return `\u0000${JSON.stringify(k, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
}

const isNum = (v: unknown): v is PyNum =>
  typeof v === "object" && v !== null && !(v instanceof YMap) && !(v instanceof YDate) && !Array.isArray(v) && "int" in v;

function convert(node: YNode | null | undefined, doc: Document, depth = 0): YVal {
  if (depth > 100) throw new Error("YAML nested too deeply");
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(doc) as YNode, doc, depth + 1);
  if (isMap(node)) {
    const m = new YMap();
    for (const pair of node.items) m.set(convert(pair.key as YNode, doc, depth + 1), convert(pair.value as YNode, doc, depth + 1));
    return m;
  }
  if (isSeq(node)) return node.items.map((it) => convert(it as YNode, doc, depth + 1));
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return pyInt(v);
    if (typeof v === "number") return pyFloat(v);
    if (typeof v === "boolean") return v;
    if (typeof v === "string") return v;
    if (v instanceof Date) {
      const src = String((node as { source?: string }).source ?? v.toISOString());
      return new YDate(v.getTime(), /^\d{4}-\d\d?-\d\d?$/.test(src.trim()), src.trim());
    }
    return String(v);
  }
  throw new Error(`unsupported YAML node`);
}

// ---- field readers --------------------------------------------------------------------------------

class Reader {
  constructor(readonly file: string) {}

  fail(path: string, msg: string): never {
    throw new UsageError(`${this.file}: ${path}: ${msg}`);
  }

  show(v: YVal): string {
    if (typeof v === "string") return JSON.stringify(v);
    if (v instanceof YDate) return v.text;
    if (isNum(v)) return String(v.big ?? v.v);
    if (v instanceof YMap) return "a mapping";
    if (Array.isArray(v)) return "a list";
    return String(v);
  }

  map(v: YVal | undefined, path: string): YMap {
    if (!(v instanceof YMap)) this.fail(path, `expected a mapping, got ${v === undefined ? "nothing" : this.show(v)}`);
    return v;
  }

  list(v: YVal | undefined, path: string, nullOk: boolean): YVal[] {
    if (v === undefined || (v === null && nullOk)) return [];
    if (!Array.isArray(v)) this.fail(path, v === null ? "must be a list, not empty (nise crashes on null here)" : `expected a list, got ${this.show(v)}`);
    return v;
  }

  /** Text fields; nise uses str() on scalars such as `resource_id: 11111111`. */
  text(m: YMap, key: string, path: string): string | null | undefined {
    if (!m.has(key)) return undefined;
    const v = m.get(key)!;
    if (v === null) return null;
    if (v instanceof YMap || Array.isArray(v)) this.fail(`${path}.${key}`, `expected text, got ${this.show(v)}`);
    if (v instanceof YDate) return v.text;
    if (isNum(v)) return v.int ? String(v.big ?? v.v) : pyStr(v.v);
    return pyStr(v);
  }

  num(m: YMap, key: string, path: string, opts: { nullOk?: boolean; positive?: boolean } = {}): PyNum | null | undefined {
    if (!m.has(key)) return undefined;
    const v = m.get(key)!;
    if (v === null) {
      if (opts.nullOk) return null;
      this.fail(`${path}.${key}`, "must be a number, not empty");
    }
    if (!isNum(v)) this.fail(`${path}.${key}`, `${this.show(v)} is not a number`);
    if (!Number.isFinite(v.v)) this.fail(`${path}.${key}`, `${this.show(v)} is not a finite number`);
    if (opts.positive && v.v < 0) this.fail(`${path}.${key}`, `${this.show(v)} must not be negative`);
    return v;
  }

  usage(m: YMap, key: string, path: string, nullOk: boolean): UsageMap {
    if (!m.has(key)) return [];
    const v = m.get(key)!;
    const p = `${path}.${key}`;
    if (v === null) {
      if (nullOk) return [];
      this.fail(p, "must be a mapping of date or full_period to a number, not empty (nise crashes on null here)");
    }
    const um = this.map(v, p);
    const out: UsageMap = [];
    for (const [k, val] of um.entries) {
      if (k instanceof YDate) {
        this.fail(p, `unquoted date key ${k.text}: YAML 1.1 reads it as a date and nise crashes ("Parser must be a string or character stream, not date"); quote it ('${k.text}') or write it month-first (e.g. ${new Date(k.ms).getUTCMonth() + 1}-${new Date(k.ms).getUTCDate()}-${new Date(k.ms).getUTCFullYear()})`);
      }
      if (typeof k !== "string") this.fail(p, `key ${this.show(k)} is not a date`);
      const where = `${p}.${k}`;
      if (!isNum(val)) this.fail(where, `${val === null ? "empty" : this.show(val)} is not a number`);
      if (k === "full_period") {
        out.push({ key: "full_period", value: val });
        continue;
      }
      const ms = parseDateutil(k);
      if (ms === null) this.fail(p, `${JSON.stringify(k)} is not a date`);
      out.push({ key: dayStart(ms), value: val });
    }
    return out;
  }

  labels(m: YMap, key: string, path: string, checkPairs: boolean): string | null | undefined {
    const t = this.text(m, key, path);
    if (checkPairs && t) {
      for (const entry of t.split("|")) {
        if (entry.split(":").length !== 2) {
          this.fail(`${path}.${key}`, `label ${JSON.stringify(entry)} must be one key:value pair (nise splits pod labels on "|" then ":" and crashes otherwise)`);
        }
      }
    }
    return t;
  }

  /** A `- node:` list item: the dummy key must be empty, its siblings carry the fields. */
  item(v: YVal, path: string, dummy: string): YMap {
    const m = this.map(v, path);
    if (m.has(dummy) && m.get(dummy) !== null) {
      this.fail(`${path}.${dummy}`, `fields must be siblings of "${dummy}:" (same indentation), not nested under it; nise ignores nested fields`);
    }
    return m;
  }
}

// ---- date resolution (nise __main__._load_static_report_data) ----------------------------------------

/** A date as nise reads start_date and end_date: last_month, today, a YAML date, or text dateutil parses; undefined for anything else. */
function dateOf(r: Reader, v: YVal, p: string): number | undefined {
  if (v === "last_month") return monthStart(monthStart(Date.now()) - DAY_MS);
  if (v === "today") return today();
  if (v instanceof YDate) return v.dateOnly ? dayStart(v.ms) : v.ms;
  if (typeof v === "string") {
    const ms = parseDateutil(v);
    if (ms === null) r.fail(p, `${JSON.stringify(v)} is not a date`);
    return ms;
  }
  return undefined;
}

function resolveStart(r: Reader, g: YMap, path: string, cliStart?: number): number {
  if (!g.has("start_date") || g.get("start_date") === null) return cliStart ?? monthStart(Date.now());
  const v = g.get("start_date")!;
  const p = `${path}.start_date`;
  return dateOf(r, v, p) ?? r.fail(p, `${r.show(v)} is not a date`);
}

function resolveEnd(r: Reader, g: YMap, path: string, start: number, cliEnd?: number): number {
  const now = nowHour();
  if (!g.has("end_date") || g.get("end_date") === null) return cliEnd ?? now;
  const v = g.get("end_date")!;
  const p = `${path}.end_date`;
  if (v instanceof YDate && v.dateOnly && dayStart(v.ms) === today()) return now;
  const date = dateOf(r, v, p);
  if (date !== undefined) return date;
  if (isNum(v) && v.int) {
    // nise: offset = start + N days; past the start's month → offset, else min(offset, now)
    const offset = start + v.v * DAY_MS;
    const sm = new Date(start).getUTCMonth();
    const om = new Date(offset).getUTCMonth();
    return om > sm ? offset : Math.min(offset, now);
  }
  return r.fail(p, `${r.show(v)} is not a date or a number of days`);
}

// ---- the schema -----------------------------------------------------------------------------------

function readPod(r: Reader, v: YVal, path: string): PodSpec {
  const m = r.item(v, path, "pod");
  return {
    pod_name: r.text(m, "pod_name", path) ?? (m.has("pod_name") ? "" : undefined),
    cpu_limit: r.num(m, "cpu_limit", path) ?? undefined,
    cpu_request: r.num(m, "cpu_request", path) ?? undefined,
    mem_limit_gig: r.num(m, "mem_limit_gig", path) ?? undefined,
    mem_request_gig: r.num(m, "mem_request_gig", path) ?? undefined,
    pod_seconds: r.num(m, "pod_seconds", path, { nullOk: true }),
    cpu_usage: r.usage(m, "cpu_usage", path, false),
    mem_usage_gig: r.usage(m, "mem_usage_gig", path, false),
    labels: r.labels(m, "labels", path, true),
    gpus: r.list(m.get("gpus"), `${path}.gpus`, true).length,
  };
}

function readVolume(r: Reader, v: YVal, path: string): VolumeSpec {
  const m = r.item(v, path, "volume");
  const claims = r.list(m.get("volume_claims"), `${path}.volume_claims`, false).map((c, i): VolumeClaimSpec => {
    const cp = `${path}.volume_claims[${i}]`;
    const cm = r.item(c, cp, "volume_claim");
    return {
      volume_claim_name: r.text(cm, "volume_claim_name", cp) ?? (cm.has("volume_claim_name") ? "" : undefined),
      pod_name: r.text(cm, "pod_name", cp),
      labels: r.labels(cm, "labels", cp, false),
      capacity_gig: r.num(cm, "capacity_gig", cp, { positive: true }) ?? undefined,
      volume_claim_usage_gig: r.usage(cm, "volume_claim_usage_gig", cp, true),
    };
  });
  const spec: VolumeSpec = {
    volume_name: r.text(m, "volume_name", path) ?? (m.has("volume_name") ? "" : undefined),
    storage_class: r.text(m, "storage_class", path),
    csi_driver: r.text(m, "csi_driver", path),
    csi_volume_handle: r.text(m, "csi_volume_handle", path),
    volume_request_gig: r.num(m, "volume_request_gig", path, { nullOk: true, positive: true }),
    labels: r.labels(m, "labels", path, false),
    volume_claims: claims,
  };
  // nise's claim admission: stop when <= 1 GiB is left, fail when the claims exceed the request
  const GiB = 2 ** 30;
  const req = (spec.volume_request_gig?.v || 100) * GiB;
  let total = 0;
  for (let i = 0; i < claims.length; i++) {
    if (req - total <= GiB) break;
    total += (claims[i].capacity_gig?.v ?? (spec.volume_request_gig?.v || 100)) * GiB;
    if (total > req) {
      r.fail(`${path}.volume_claims[${i}].capacity_gig`, `the claims (${total / GiB} GiB) exceed volume_request_gig (${req / GiB} GiB); nise raises ValueError`);
    }
  }
  return spec;
}

function readVm(r: Reader, v: YVal, path: string): VirtualMachineSpec {
  const m = r.item(v, path, "virtual_machine");
  return {
    vm_name: r.text(m, "vm_name", path) ?? (m.has("vm_name") ? "" : undefined),
    vm_seconds: r.num(m, "vm_seconds", path, { nullOk: true }),
    cpu_limit: r.num(m, "cpu_limit", path) ?? undefined,
    mem_limit_gig: r.num(m, "mem_limit_gig", path) ?? undefined,
    cpu_usage: r.usage(m, "cpu_usage", path, false),
    mem_usage_gig: r.usage(m, "mem_usage_gig", path, false),
    labels: r.text(m, "labels", path),
    pod_name: r.text(m, "pod_name", path),
    volume_claim_name: r.text(m, "volume_claim_name", path) ?? undefined,
    capacity_gig: r.num(m, "capacity_gig", path, { positive: true }) ?? undefined,
  };
}

function readNamespace(r: Reader, name: string, v: YVal, path: string): NamespaceSpec {
  if (v === null) return { name, pods: [], volumes: [], virtual_machines: [] };
  const m = r.map(v, path);
  return {
    name,
    namespace_labels: r.text(m, "namespace_labels", path),
    pods: r.list(m.get("pods"), `${path}.pods`, true).map((p, i) => readPod(r, p, `${path}.pods[${i}]`)),
    volumes: r.list(m.get("volumes"), `${path}.volumes`, false).map((p, i) => readVolume(r, p, `${path}.volumes[${i}]`)),
    virtual_machines: r.list(m.get("virtual_machines"), `${path}.virtual_machines`, true).map((p, i) => readVm(r, p, `${path}.virtual_machines[${i}]`)),
  };
}

function readNode(r: Reader, v: YVal, path: string): NodeSpec {
  const m = r.item(v, path, "node");
  const nsVal = m.get("namespaces");
  const namespaces: NamespaceSpec[] = [];
  if (nsVal !== undefined && nsVal !== null) {
    const nm = r.map(nsVal, `${path}.namespaces`);
    for (const [k, val] of nm.entries) {
      const name = k instanceof YDate ? k.text : isNum(k) ? String(k.big ?? k.v) : typeof k === "string" ? k : r.fail(`${path}.namespaces`, `namespace name ${r.show(k)} is not text`);
      namespaces.push(readNamespace(r, name, val, `${path}.namespaces.${name}`));
    }
  }
  const cpu = r.num(m, "cpu_cores", path, { positive: true }) ?? undefined;
  const mem = r.num(m, "memory_gig", path, { positive: true }) ?? undefined;
  return {
    node_name: r.text(m, "node_name", path) ?? (m.has("node_name") ? "" : undefined),
    cpu_cores: cpu,
    memory_gig: mem,
    resource_id: m.has("resource_id") ? pyStrOf(m.get("resource_id")!) : undefined,
    node_labels: r.text(m, "node_labels", path),
    namespaces,
  };
}

function pyStrOf(v: YVal): string {
  if (v instanceof YDate) return v.text;
  if (isNum(v)) return v.int ? String(v.big ?? v.v) : pyStr(v.v);
  if (v === null) return "None";
  return pyStr(v);
}

/** nise's `-s/--start-date` and `-e/--end-date`: fallbacks for generators without dates (epoch ms, UTC). */
export interface DateFallbacks {
  startDate?: number;
  endDate?: number;
}

/**
 * nise's `valid_date` for `-s/-e`: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` (UTC). Returns epoch ms or
 * throws a UsageError naming the flag.
 */
export function parseCliDate(flag: string, text: string): number {
  const ms = parseDateutil(text.replace("T", " "));
  if (ms === null) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)`);
  return ms;
}

/** Parse nise static-report YAML text. `fileName` is used in error messages. */
export function parseStaticReport(text: string, fileName: string, fallbacks: DateFallbacks = {}): Manifest {
  const r = new Reader(fileName);
  let doc: Document;
  try {
    doc = YAML.parseDocument(text, { version: "1.1", intAsBigInt: true, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    throw new UsageError(`${fileName}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new UsageError(`${fileName}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML: ${e.message.split("\n")[0]}`);
  }
  const root = convert(doc.contents as YNode, doc);
  if (!(root instanceof YMap) || !root.has("generators")) {
    throw new UsageError(`${fileName}: not a nise static report: expected a top-level "generators:" list`);
  }
  const gens = r.list(root.get("generators"), "generators", false);
  if (gens.length === 0) r.fail("generators", "is empty; nise needs at least one OCPGenerator");
  const generators: GeneratorSpec[] = gens.map((g, i) => {
    const path = `generators[${i}]`;
    const gm = r.map(g, path);
    const kind = gm.entries[0]?.[0];
    if (gm.entries.length !== 1 || kind !== "OCPGenerator") {
      r.fail(path, `expected "OCPGenerator:", got ${gm.entries.map(([k]) => r.show(k)).join(", ") || "nothing"} (only OpenShift reports are generated)`);
    }
    const gp = `${path}.OCPGenerator`;
    const body = gm.get("OCPGenerator") ?? null;
    const spec = body === null ? new YMap() : r.map(body, gp);
    const start = resolveStart(r, spec, gp, fallbacks.startDate);
    const end = resolveEnd(r, spec, gp, start, fallbacks.endDate);
    if (end < start) r.fail(`${gp}.end_date`, `${isoDate(end)} is before start_date ${isoDate(start)}`);
    const nodes = r.list(spec.get("nodes"), `${gp}.nodes`, true).map((n, j) => readNode(r, n, `${gp}.nodes[${j}]`));
    return { start, end, nodes };
  });
  const runStart = Math.min(...generators.map((g) => g.start));
  const runEnd = lastDayOfMonth(Math.max(...generators.map((g) => g.end)));
  return { source: fileName, generators, runStart, runEnd };
}
