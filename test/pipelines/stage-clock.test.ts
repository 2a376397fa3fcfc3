// What the stage profile says a stage hands on (pipelines/stage-clock.ts).
import test from "ava";
import pl from "nodejs-polars";
import { frameBytes } from "../../pipelines/stage-clock.ts";

test("a frame's estimated bytes: 16 a string plus its characters, 8 a Float64, 4 an Int32, Date or categorical code, 1 a boolean", (t) => {
  const df = pl
    .DataFrame({ s: ["ab", "cde", null], f: [1.5, 2.5, 3.5] })
    .withColumns(
      pl.col("f").cast(pl.Int32).alias("i"),
      pl.col("f").cast(pl.Int32).cast(pl.Date).alias("d"),
      pl.col("s").cast(pl.Categorical).alias("c"),
      pl.col("f").gt(2).alias("b"),
    );
  // s: 3 x 16 + (2 + 3) characters (the null has none) = 53
  // f: 3 x 8 = 24; i: 3 x 4 = 12; d: 3 x 4 = 12; c: 3 x 4 = 12; b: 3 x 1 = 3
  // 53 + 24 + 12 + 12 + 12 + 3 = 116
  t.is(frameBytes(df), 116);
});

test("an empty frame holds no bytes", (t) => {
  t.is(frameBytes(pl.DataFrame({ s: [] as string[], f: [] as number[] })), 0);
});
