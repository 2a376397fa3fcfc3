// The real app in a pseudo-terminal (tmux), as a person uses it: run the small scale, wait for
// PASS, press r, see the scale run again and pass, press q, and check nothing is left running.
import test from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, processesWithMarker, waitFor } from "../run/cli-process.ts";

const socket = `streambench-e2e-${process.pid}`;
// stderr piped: a "no server running" from the last kill-server is not the suite's output
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", stdio: "pipe" });
const screen = () => tmux("capture-pane", "-p", "-t", "app");
/** The run folders under dir, oldest first (their names are timestamps). */
const runFolders = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("streaming_comparison_")).sort().map((n) => join(dir, n));
const logOf = (folder: string) => (existsSync(join(folder, "benchmark.log")) ? readFileSync(join(folder, "benchmark.log"), "utf8") : "");
/** Runs that ended PASS, over every run folder (a rerun writes a folder of its own). */
const runsEnded = (dir: string) => runFolders(dir).reduce((n, f) => n + (logOf(f).match(/run ended: PASS/g) ?? []).length, 0);

/** The pseudo-terminal this test needs; without it the test is skipped, saying how to enable it. */
const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const title = "in a terminal the monitor runs a scale, reruns it on r, and quits cleanly on q";

(hasTmux ? test : test.skip)(hasTmux ? title : `${title} (skipped: needs tmux, e.g. apt-get install tmux)`, async (t) => {
  t.timeout(300_000);
  const out = mkdtempSync(join(tmpdir(), "streambench-tui-"));
  const marker = `tui-${process.pid}-${Date.now()}`;
  const exitFile = join(out, "exit-code");
  // A person's terminal: no CI variables (CI=true rightly means headless output), a real TERM.
  const env = `env -i PATH=${process.env.PATH} HOME=${process.env.HOME ?? "/root"} TERM=xterm-256color LANG=C.UTF-8 STREAMBENCH_TEST_MARKER=${marker}`;
  const command = `${env} ${BIN} run --scales small --runs 1 --out ${out}; echo $? > ${exitFile}`;
  tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "34", command);
  try {
    await waitFor(() => runsEnded(out) === 1 && /all results validated/.test(screen()), 150_000, "the first run to PASS");
    t.regex(screen(), /small\s+done.*PASS.*PASS/);

    tmux("send-keys", "-t", "app", "r");
    await waitFor(() => runsEnded(out) === 2 && /all results validated/.test(screen()), 150_000, "the rerun to PASS");
    const [first, second] = runFolders(out);
    t.truthy(second, "the rerun wrote a results folder of its own");
    t.is(JSON.parse(readFileSync(join(first, "summary.json"), "utf8")).report.status, "PASS", "the first folder's PASS stands");
    t.is(realpathSync(join(out, "latest")), realpathSync(second), "latest points at the rerun");
    const log = logOf(second);
    t.is((log.match(/small: generate started/g) ?? []).length, 1, "r generated fresh data and ran the scale again");
    t.is((log.match(/validation PASS/g) ?? []).length, 2, "both modes passed again");

    tmux("send-keys", "-t", "app", "q");
    await waitFor(() => existsSync(exitFile), 30_000, "the app to exit");
    t.is(readFileSync(exitFile, "utf8").trim(), "0");
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.deepEqual(processesWithMarker("STREAMBENCH_TEST_MARKER", marker), [], "no child or server left running");
  } finally {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  }
});
