import process from "node:process";
import { render } from "ink";
import type { RunCommands } from "../src/run/events.ts";
import { App } from "./App.tsx";
import type { EventSource } from "./event-source.ts";
import { colorAllowed } from "./theme.ts";
import type { RunPlan } from "./state.ts";

export interface MonitorOptions {
  events: EventSource;
  commands: RunCommands;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Default: on unless NO_COLOR is set (chalk itself ignores NO_COLOR). */
  color?: boolean;
  /** Aborting it takes the monitor down (the run could not start). */
  signal?: AbortSignal;
  /** What the run will do, shown before its services are up. */
  plan?: RunPlan;
}

/**
 * Draws the monitor until the user quits (q / Ctrl-C: commands.quit() is awaited first), or, when
 * stdin is not a terminal and keys cannot be read, until run-end. Rejects if commands.quit() failed.
 */
export async function renderMonitor({ events, commands, stdout, stdin, color, signal, plan }: MonitorOptions): Promise<void> {
  const out = stdout ?? process.stdout;
  // A pseudo-TTY (e.g. `script` with stdin not a terminal) can report 0 columns; ink 6.8 then lays
  // everything out in a zero-wide root, and boxes lose their padding and spacing. Give it a width.
  if (out.isTTY && !(out.columns > 0)) out.columns = Number(process.env["COLUMNS"]) || 80;
  const instance = render(
    <App events={events} commands={commands} color={color ?? colorAllowed(process.env)} plan={plan} />,
    {
      stdout: out,
      stdin: stdin ?? process.stdin,
      // Ctrl-C is a key like q: quit the engine cleanly before leaving.
      exitOnCtrlC: false,
    },
  );
  signal?.addEventListener("abort", () => instance.unmount(), { once: true });
  await instance.waitUntilExit();
}
