import test from "ava";
import { readFileSync } from "node:fs";
import { UsageError } from "../../src/errors.ts";
import { parseCliDate, parseStaticReport } from "../../src/nise/static-yaml.ts";
import { NISE_FIXTURES } from "../fixtures-path.ts";

const FIX = NISE_FIXTURES;
const fixture = (name: string) => readFileSync(`${FIX}/${name}/manifest.yml`, "utf8");

const yamlWith = (podExtra: string, genExtra = "start_date: 2024-01-30\n      end_date: 2024-02-02") => `---
generators:
  - OCPGenerator:
      ${genExtra}
      nodes:
        - node:
          node_name: n1
          namespaces:
            payments:
              pods:
                - pod:
                  pod_name: p1
${podExtra}
`;

test("the fixture manifest reads as nise sees it: sibling keys of the dummy - node: item, empty namespace, claims", (t) => {
  const m = parseStaticReport(fixture("multi-month-shared-pv"), "manifest.yml");
  t.is(m.generators.length, 1);
  const g = m.generators[0];
  t.is(g.start, Date.UTC(2024, 0, 31));
  t.is(g.end, Date.UTC(2024, 1, 3)); // a date end_date is that day 00:00 (exclusive)
  t.deepEqual(g.nodes.map((n) => n.node_name), ["master-0", "worker-1"]);
  t.is(g.nodes[0].resource_id, "11111111"); // an int resource_id becomes its digits
  t.deepEqual(g.nodes[1].namespaces.map((n) => n.name), ["payments-batch", "empty-ns"]);
  t.is(g.nodes[1].namespaces[1].pods.length, 0);
  const pod = g.nodes[0].namespaces[1].pods[0];
  t.deepEqual(pod.cpu_request, { v: 1, int: true });
  t.deepEqual(pod.pod_seconds, { v: 1800, int: true });
  // month-first keys 1-31-2024, 2-1-2024, 2-2-2024
  t.deepEqual(pod.cpu_usage.map((u) => u.key), [Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1), Date.UTC(2024, 1, 2)]);
  // nise's run range ends on the last day of the last month
  t.is(m.runEnd, Date.UTC(2024, 1, 29));
});

test("YAML 1.1 typing: 2 is an int, 2.0 and 0.5 are floats, a quoted ISO date key is a date string", (t) => {
  const m = parseStaticReport(fixture("random-defaults"), "manifest.yml");
  const [p1, p2] = m.generators[0].nodes[0].namespaces[1].pods;
  t.true(p1.cpu_limit!.int);
  t.false(p2.cpu_request!.int);
  t.deepEqual(p1.cpu_usage[1], { key: Date.UTC(2024, 1, 1), value: { v: 0.5, int: false } });
  const f = parseStaticReport(yamlWith("                  cpu_limit: 2.0"), "m.yml");
  t.deepEqual(f.generators[0].nodes[0].namespaces[0].pods[0].cpu_limit, { v: 2, int: false });
});

test("an unquoted ISO date key in a usage map is the error nise would hit, named by file and field", (t) => {
  const e = t.throws(() => parseStaticReport(yamlWith("                  cpu_usage:\n                    2024-02-01: 0.5"), "manifest.yml"), { instanceOf: UsageError });
  t.regex(e!.message, /^manifest\.yml: generators\[0\]\.OCPGenerator\.nodes\[0\]\.namespaces\.payments\.pods\[0\]\.cpu_usage: unquoted date key 2024-02-01/);
  t.regex(e!.message, /Parser must be a string/);
  t.false(e!.message.includes("\n"));
});

test("a malformed date key is a UsageError naming the field and the value", (t) => {
  const e = t.throws(() => parseStaticReport(yamlWith("                  cpu_usage:\n                    13-45-2024: 1"), "manifest.yml"), { instanceOf: UsageError });
  t.is(e!.message, 'manifest.yml: generators[0].OCPGenerator.nodes[0].namespaces.payments.pods[0].cpu_usage: "13-45-2024" is not a date');
});

test("a document that is not nise's shape is a UsageError", (t) => {
  t.throws(() => parseStaticReport("foo: 1\n", "x.yml"), { instanceOf: UsageError, message: /x\.yml: not a nise static report/ });
  t.throws(() => parseStaticReport("generators:\n  - AWSGenerator: {}\n", "x.yml"), { instanceOf: UsageError, message: /generators\[0\]: expected "OCPGenerator:"/ });
  t.throws(() => parseStaticReport("generators: [\n", "x.yml"), { instanceOf: UsageError, message: /x\.yml.*not valid YAML/ });
  t.throws(() => parseStaticReport(yamlWith("                  cpu_limit: lots"), "x.yml"), { instanceOf: UsageError, message: /pods\[0\]\.cpu_limit: "lots" is not a number/ });
});

test("fields nested under the dummy key are rejected (nise would ignore them)", (t) => {
  const text = "generators:\n  - OCPGenerator:\n      nodes:\n        - node:\n            node_name: a\n";
  t.throws(() => parseStaticReport(text, "x.yml"), { instanceOf: UsageError, message: /nodes\[0\]\.node: fields must be siblings/ });
});

test("an end_date before start_date is a UsageError", (t) => {
  t.throws(() => parseStaticReport(yamlWith("", "start_date: 2024-02-02\n      end_date: 2024-01-30"), "x.yml"), {
    instanceOf: UsageError,
    message: /end_date: 2024-01-30 is before start_date 2024-02-02/,
  });
});

test("null volumes and a null usage map are rejected where nise crashes", (t) => {
  t.throws(() => parseStaticReport(yamlWith("                  cpu_usage:"), "x.yml"), { instanceOf: UsageError, message: /cpu_usage: must be a mapping/ });
  const vol = yamlWith("").replace("              pods:", "              volumes:\n              pods:");
  t.throws(() => parseStaticReport(vol, "x.yml"), { instanceOf: UsageError, message: /payments\.volumes: must be a list/ });
});

test("claims larger than the volume request are rejected as nise's ValueError", (t) => {
  const text = yamlWith("").replace(
    "              pods:",
    "              volumes:\n                - volume:\n                  volume_request_gig: 10\n                  volume_claims:\n                  - volume_claim:\n                    capacity_gig: 12\n              pods:",
  );
  t.throws(() => parseStaticReport(text, "x.yml"), { instanceOf: UsageError, message: /volume_claims\[0\]\.capacity_gig: the claims \(12 GiB\) exceed volume_request_gig \(10 GiB\)/ });
});

test("an integer end_date is a number of days after the start", (t) => {
  // start 2024-01-05 + 10 days = 2024-01-15, in the start's month and in the past -> min(offset, now) = offset
  const m = parseStaticReport(yamlWith("", "start_date: 2024-01-05\n      end_date: 10"), "x.yml");
  t.is(m.generators[0].end, Date.UTC(2024, 0, 15));
});

test("--start-date/--end-date are only fallbacks for generators without dates, as nise's -s/-e", (t) => {
  const noDates = "generators:\n  - OCPGenerator:\n      nodes:\n        - node:\n          namespaces:\n            a:\n";
  const fb = { startDate: parseCliDate("--start-date", "2024-03-01"), endDate: parseCliDate("--end-date", "2024-03-03") };
  const m = parseStaticReport(noDates, "x.yml", fb);
  t.is(m.generators[0].start, Date.UTC(2024, 2, 1));
  t.is(m.generators[0].end, Date.UTC(2024, 2, 3));
  const dated = parseStaticReport(yamlWith(""), "x.yml", fb);
  t.is(dated.generators[0].start, Date.UTC(2024, 0, 30)); // the YAML's start_date wins
  t.is(parseCliDate("-s", "2024-03-01T05:00:00"), Date.UTC(2024, 2, 1, 5));
  t.throws(() => parseCliDate("--end-date", "tomorrow"), { instanceOf: UsageError, message: /^--end-date: "tomorrow" is not a date/ });
});

test("start_date and end_date read text dates as nise does, and name the field of a value that is no date", (t) => {
  // quoted text is parsed as dateutil parses it: '2024-01-05' is that day, '2024-01-07' likewise
  const m = parseStaticReport(yamlWith("", "start_date: '2024-01-05'\n      end_date: '2024-01-07'"), "x.yml");
  t.is(m.generators[0].start, Date.UTC(2024, 0, 5));
  t.is(m.generators[0].end, Date.UTC(2024, 0, 7));
  t.throws(() => parseStaticReport(yamlWith("", "start_date: soon\n      end_date: 2024-02-02"), "x.yml"), {
    instanceOf: UsageError,
    message: /start_date: "soon" is not a date/,
  });
  t.throws(() => parseStaticReport(yamlWith("", "start_date: 2024-01-05\n      end_date: true"), "x.yml"), {
    instanceOf: UsageError,
    message: /end_date: true is not a date or a number of days/,
  });
});
