import test from "ava";
import { csvField, quotedCsvField } from "../../src/contract/csv-field.ts";

test("a CSV field is quoted only when it holds a double quote, a comma or a line end, its quotes doubled", (t) => {
  t.is(csvField("app=web"), "app=web");
  t.is(csvField(""), "");
  t.is(csvField("a,b"), '"a,b"');
  t.is(csvField("line\nbreak"), '"line\nbreak"');
  t.is(csvField("cr\rhere"), '"cr\rhere"');
  // {"app":"x"} -> each of its 4 quotes doubled, the whole in quotes: "{""app"":""x""}"
  t.is(csvField('{"app":"x"}'), '"{""app"":""x""}"');
});

test("a quoted CSV field is always in quotes, so an empty text stays apart from an empty (NULL) cell", (t) => {
  t.is(quotedCsvField(""), '""');
  t.is(quotedCsvField("plain"), '"plain"');
  t.is(quotedCsvField('say "hi"'), '"say ""hi"""');
});
