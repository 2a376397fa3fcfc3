// The engine children's environment: glibc malloc limited to two arenas unless the user chose.
import test from "ava";
import { childEnvironment } from "../../src/pipeline-child.ts";

test("an engine child gets MALLOC_ARENA_MAX=2 when the user set nothing", (t) => {
  t.is(childEnvironment({ PATH: "/bin" }).MALLOC_ARENA_MAX, "2");
  t.is(childEnvironment({ PATH: "/bin" }).PATH, "/bin");
});

test("a MALLOC_ARENA_MAX the user set is kept", (t) => {
  t.is(childEnvironment({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX, "8");
});
