// Koku's rules, one at a time, on tiny hand-made hourly inputs run through the plan in this process
// (dailySummary, the one-query composition of the two steps): every scenario of rule-scenarios.ts
// (shared with the SQL definition's sql-rules.test.ts), and the plan's own label parsing and LIKE
// helpers. Expected values are worked out by hand from spec/koku-daily-summary.md, not copied from output.
import test from "ava";
import pl from "nodejs-polars";
import type { DataFrame } from "nodejs-polars";
import { dailySummary, likeToRegex, mergeLabelSets, parseLabelStrings } from "../../pipelines/daily-summary.ts";
import { MEASURE_COLUMNS, PLAN_COLUMNS, type TableKey } from "../../src/contract/input-tables.ts";
import { RULE_SCENARIOS, type Row, type Tables } from "./rule-scenarios.ts";

function frame(key: TableKey, rows: Array<Record<string, unknown>>): DataFrame {
  const cols: Record<string, unknown[]> = {};
  for (const c of PLAN_COLUMNS[key]) {
    cols[c] = rows.map((r) => (r[c] === undefined ? null : c === "interval_start" ? new Date(`${r[c]}Z`) : r[c]));
  }
  const df = pl.DataFrame(cols);
  return df.select(
    ...PLAN_COLUMNS[key].map((c) =>
      pl
        .col(c)
        .cast(c === "interval_start" ? pl.Datetime("ms") : MEASURE_COLUMNS[key].includes(c) ? pl.Float64 : pl.Utf8)
        .alias(c),
    ),
  );
}

/** The plan's summary rows, usage_start as "YYYY-MM-DD" (the SQL tests read it as text too). */
function summarize(tables: Tables, enabled: string[] | null = null): Row[] {
  const lf = dailySummary(
    {
      pod: frame("pod", tables.pod ?? []).lazy(),
      storage: frame("storage", tables.storage ?? []).lazy(),
      nodeLabels: frame("nodeLabels", tables.nodeLabels ?? []).lazy(),
      namespaceLabels: frame("namespaceLabels", tables.namespaceLabels ?? []).lazy(),
    },
    { enabledTagKeys: enabled },
  );
  const rows = lf.collectSync({ engine: "in-memory" }).toRecords() as Row[];
  return rows.map((r) => ({ ...r, usage_start: r.usage_start instanceof Date ? r.usage_start.toISOString().slice(0, 10) : r.usage_start }));
}

function parse(raws: string[], enabled: string[] | null = null): Map<string, { canon: string; bad: boolean }> {
  const df = parseLabelStrings(pl.DataFrame({ raw: raws }).lazy(), enabled).collectSync();
  const out = new Map<string, { canon: string; bad: boolean }>();
  for (const r of df.toRecords() as Array<Record<string, any>>) out.set(r.raw, { canon: r.canon, bad: r.bad });
  return out;
}

test("polars plan (parseLabelStrings): labels: split on |, exactly one : per entry, every label_ removed from the key, empty value kept, later duplicate wins", (t) => {
  const p = parse(["label_app:x|label_app_label_x:1|garbage|label_a:b:c|label_e:|label_app:y", "", "app=x;team=y"]);
  t.deepEqual(p.get("label_app:x|label_app_label_x:1|garbage|label_a:b:c|label_e:|label_app:y"), {
    canon: "app:y|app_x:1|e:",
    bad: false,
  });
  t.deepEqual(p.get(""), { canon: "", bad: false }, "an empty label string is the empty set");
  t.deepEqual(p.get("app=x;team=y"), { canon: "", bad: true }, "a non-empty string without one key:value entry is flagged");
});

test("polars plan (parseLabelStrings): labels: an enabled-key list restricts the keys, vm_kubevirt_io_name is always enabled", (t) => {
  const p = parse(["label_team:a|label_vm_kubevirt_io_name:v|label_app:x"], ["team"]);
  t.is(p.get("label_team:a|label_vm_kubevirt_io_name:v|label_app:x")?.canon, "team:a|vm_kubevirt_io_name:v");
});

test("polars plan (mergeLabelSets): labels: merge lets the later set win (pod > namespace > node) and renders sorted compact JSON with escapes", (t) => {
  const tuples = pl.DataFrame({ nl: ["team:node|zone:a"], ns: ["team:ns"], pl: ['app:x"y\\z'] }).lazy();
  const df = mergeLabelSets(tuples, ["nl", "ns", "pl"], "json").collectSync();
  t.is(df.getColumn("json").get(0), '{"app":"x\\"y\\\\z","team":"ns","zone":"a"}');
  t.deepEqual(JSON.parse(df.getColumn("json").get(0)), { app: 'x"y\\z', team: "ns", zone: "a" });
});

test("polars plan (likeToRegex): cost category: SQL LIKE semantics, _ is any one character and regex characters are literal", (t) => {
  const re = (p: string) => new RegExp(likeToRegex(p).replace("(?s)", ""), "s");
  t.true(re("a_c").test("abc"));
  t.true(re("a_c").test("a-c"));
  t.false(re("a_c").test("ac"));
  t.false(re("a.c").test("abc"));
  t.true(re("openshift-%").test("openshift-monitoring"));
  t.false(re("openshift-%").test("openshift"));
  t.true(re("openshift").test("openshift"));
});

for (const scenario of RULE_SCENARIOS) {
  test(`polars plan: ${scenario.name}`, (t) => scenario.check(t, summarize(scenario.tables, scenario.enabledTagKeys ?? null)));
}
