import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";
import { colorAllowed } from "../../tui/theme.ts";

// SGR colour codes (foreground/background, 16/256/truecolor). Bold and dim are not colour.
// eslint-disable-next-line no-control-regex
const COLOUR = /\u001B\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;
const script = fileURLToPath(new URL("./fixtures/color-frame.tsx", import.meta.url));

async function frame(color: "on" | "off"): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import=tsx", script, color], {
    env: { ...process.env, FORCE_COLOR: "1" },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as string;
}

test("NO_COLOR present and non-empty turns colour off; empty or absent leaves it on", (t) => {
  t.false(colorAllowed({ NO_COLOR: "1" }));
  t.true(colorAllowed({ NO_COLOR: "" }));
  t.true(colorAllowed({}));
});

test("with colour on, the verdicts are coloured (the check below can see colour)", async (t) => {
  t.regex(await frame("on"), COLOUR);
});

test("with colour off, as NO_COLOR selects, the frame has no colour codes at all", async (t) => {
  const f = await frame("off");
  t.regex(f, /PASS/);
  t.regex(f, /FAIL/);
  t.notRegex(f, COLOUR);
});
