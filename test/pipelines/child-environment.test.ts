// The engine children's environment: glibc malloc limited to two arenas unless the user chose, and
// the streaming child's parquet read-ahead (pipelines/run-job.ts).
import test from "ava";
import { childEnvironment } from "../../src/child/launcher.ts";
import { boundParquetReadAhead } from "../../pipelines/run-job.ts";

test("an engine child gets MALLOC_ARENA_MAX=2 when the user set nothing", (t) => {
  t.is(childEnvironment({ PATH: "/bin" }).MALLOC_ARENA_MAX, "2");
  t.is(childEnvironment({ PATH: "/bin" }).PATH, "/bin");
});

test("a MALLOC_ARENA_MAX the user set is kept", (t) => {
  t.is(childEnvironment({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX, "8");
});

test("streaming reads one parquet row group ahead unless the user chose the read-ahead", (t) => {
  const saved = process.env.POLARS_ROW_GROUP_PREFETCH_SIZE;
  try {
    delete process.env.POLARS_ROW_GROUP_PREFETCH_SIZE;
    boundParquetReadAhead();
    t.is(process.env.POLARS_ROW_GROUP_PREFETCH_SIZE as string | undefined, "1");
    process.env.POLARS_ROW_GROUP_PREFETCH_SIZE = "8";
    boundParquetReadAhead();
    t.is(process.env.POLARS_ROW_GROUP_PREFETCH_SIZE, "8", "the user's setting is kept");
  } finally {
    if (saved === undefined) delete process.env.POLARS_ROW_GROUP_PREFETCH_SIZE;
    else process.env.POLARS_ROW_GROUP_PREFETCH_SIZE = saved;
  }
});
