import test from "ava";
import { fit, formatBytes, formatEta, formatProgress, formatSeconds, wordWrap } from "../../tui/terminal-text.ts";
import { int } from "../../src/stats/number-text.ts";
import { barCells, resample, sparkline } from "../../tui/chart.ts";

test("rows get thousands separators", (t) => {
  t.is(int(14_880_000), "14,880,000");
  t.is(int(999), "999");
  t.is(formatProgress(1234, 2_000_000, "rows"), "1,234 / 2,000,000 rows");
});

test("bytes are shown as B, KB, MB, GB", (t) => {
  t.is(formatBytes(512), "512 B");
  t.is(formatBytes(1536), "1.5 KB");
  t.is(formatBytes(250 * 1024 * 1024), "250 MB");
  t.is(formatBytes(15.6 * 1024 ** 3), "15.6 GB");
  t.is(formatProgress(1024 ** 2, 10 * 1024 ** 3, "bytes"), "1.0 MB / 10.0 GB");
});

test("durations and ETAs read as seconds, minutes, hours", (t) => {
  t.is(formatSeconds(3.2), "3.20s");
  t.is(formatSeconds(125), "2m05s");
  t.is(formatEta(65_000), "1m 05s");
  t.is(formatEta(null), "estimating");
});

test("fit pads or cuts to the exact width", (t) => {
  t.is(fit("ab", 4), "ab  ");
  t.is(fit("abcdef", 4), "abc…");
});

test("wordWrap keeps lines within the width without leading spaces", (t) => {
  const lines = wordWrap("streaming uses five times less memory from large on", 20);
  t.true(lines.every((l) => l.length <= 20 && !l.startsWith(" ")));
  t.is(lines.join(" "), "streaming uses five times less memory from large on");
});

test("sparkline: one tick per cell, max is █ and near zero is ▁", (t) => {
  const s = sparkline([0, 50, 100], 3);
  t.is(s, "▁▅█");
  t.is(sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4).length, 4);
});

test("sparkline: a shared max makes the smaller series lower", (t) => {
  t.is(sparkline([100, 100], 2, 800), "▂▂");
});

test("resampling down keeps the peak of each bucket", (t) => {
  t.deepEqual(resample([1, 9, 2, 3, 8, 1], 3), [9, 3, 8]);
  t.deepEqual(resample([5], 3), [5, 5, 5]);
});

test("a bar fills cells in proportion and clamps outside 0..1", (t) => {
  t.is(barCells(0.5, 10), 5);
  t.is(barCells(2, 10), 10);
  t.is(barCells(-1, 10), 0);
  t.is(barCells(Number.NaN, 10), 0);
});
