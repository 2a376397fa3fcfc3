import test from "ava";
import { fitLayout } from "../../tui/layout.ts";

const base = { fixedLines: 12, sparkLines: 3, logWanted: true, logLines: 8 };
const height = (l: ReturnType<typeof fitLayout>) =>
  base.fixedLines + (l.gaps ? (l.logLines > 0 ? 3 : 2) : 0) + (l.sparklines ? 3 : 0) + (l.logLines > 0 ? 1 + l.logLines : 0);

test("with room everything shows: gaps, sparklines, 8 log lines", (t) => {
  t.deepEqual(fitLayout({ ...base, rows: 40 }), { gaps: true, sparklines: true, logLines: 8 });
});

test("an unknown height limits nothing", (t) => {
  t.deepEqual(fitLayout({ ...base, rows: undefined }), { gaps: true, sparklines: true, logLines: 8 });
});

test("a short terminal shrinks the log first and the frame stays below its height", (t) => {
  const l = fitLayout({ ...base, rows: 24 });
  t.true(l.gaps && l.sparklines);
  t.true(l.logLines < 8 && l.logLines >= 3);
  t.true(height(l) <= 23);
});

test("a very short terminal drops the gaps, then sparklines, then the log", (t) => {
  const l = fitLayout({ ...base, rows: 18 });
  t.false(l.gaps);
  t.true(height(l) <= 17);
  t.deepEqual(fitLayout({ ...base, rows: 13 }), { gaps: false, sparklines: false, logLines: 0 });
});

test("a hidden log gives its room to the rest", (t) => {
  t.deepEqual(fitLayout({ ...base, rows: 18, logWanted: false }), { gaps: true, sparklines: true, logLines: 0 });
});
