import { useEffect, useRef, useState } from "react";
import { useApp } from "ink";
import type { RunCommands } from "../../src/run/events.ts";
import { useKeys } from "./use-keys.ts";
import type { ScaleRow, ViewState } from "../state.ts";

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the keys changed: the selected row, the log shown or not, quitting, a notice for the help line. */
export interface MonitorCommandsView {
  index: number;
  row: ScaleRow | undefined;
  logVisible: boolean;
  quitting: boolean;
  notice: string | undefined;
  inputActive: boolean;
}

/**
 * The monitor's keys turned into the engine's commands: select a row, rerun it, run all, toggle
 * the log, quit (twice: stop waiting for the engine). Without a keyboard it leaves at run-end.
 */
export function useMonitorCommands(rows: readonly ScaleRow[], busy: boolean, finished: ViewState["finished"], commands: RunCommands): MonitorCommandsView {
  const { exit } = useApp();
  const [selected, setSelected] = useState(0);
  const [logVisible, setLogVisible] = useState(true);
  const [quitting, setQuitting] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const quittingRef = useRef(false);
  const index = rows.length === 0 ? 0 : Math.min(selected, rows.length - 1);
  const row = rows[index];

  const quit = () => {
    if (quittingRef.current) {
      // Asked twice: stop waiting for the engine.
      exit();
      return;
    }
    quittingRef.current = true;
    setQuitting(true);
    Promise.resolve()
      .then(() => commands.quit())
      .then(
        () => exit(),
        (error: unknown) => exit(error instanceof Error ? error : new Error(errorText(error))),
      );
  };

  const send = (what: string, fn: () => void) => {
    try {
      fn();
      setNotice(undefined);
    } catch (error) {
      setNotice(`${what}: ${errorText(error)}`);
    }
  };

  const { inputActive } = useKeys({
    up: () => {
      setNotice(undefined);
      // Functional updates: several keys can arrive in one read, before a re-render.
      setSelected((s) => Math.max(0, Math.min(s, rows.length - 1) - 1));
    },
    down: () => {
      setNotice(undefined);
      setSelected((s) => Math.min(Math.max(0, rows.length - 1), s + 1));
    },
    rerun: () => {
      if (quittingRef.current) return;
      if (!row) return setNotice("r: no scale to rerun yet");
      if (busy) return setNotice("r: wait for the run to end");
      send(`rerun ${row.name}`, () => commands.rerunScale(row.name));
    },
    runAll: () => {
      if (quittingRef.current) return;
      if (rows.length === 0) return setNotice("a: no scales yet");
      if (busy) return setNotice("a: wait for the run to end");
      send("run all", () => commands.runAll());
    },
    toggleLog: () => setLogVisible((v) => !v),
    quit,
  });

  // Without a keyboard nobody can press q: leave once the run has ended.
  useEffect(() => {
    if (!inputActive && finished && !quittingRef.current) exit();
  }, [inputActive, finished, exit]);

  return { index, row, logVisible, quitting, notice, inputActive };
}
