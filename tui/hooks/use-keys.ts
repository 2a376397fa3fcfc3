import { useRef } from "react";
import { useInput, useStdin } from "ink";

export interface KeyActions {
  up(): void;
  down(): void;
  rerun(): void;
  runAll(): void;
  toggleLog(): void;
  quit(): void;
}

/**
 * The monitor's keys. Input is only read when stdin supports raw mode: ink's useInput throws
 * otherwise (stdin not a terminal). Returns whether keys are live, so the help line can say so.
 */
export function useKeys(actions: KeyActions): { inputActive: boolean } {
  const { isRawModeSupported } = useStdin();
  const latest = useRef(actions);
  latest.current = actions;
  useInput(
    (input, key) => {
      const a = latest.current;
      if (key.ctrl && input === "c") a.quit();
      else if (key.upArrow) a.up();
      else if (key.downArrow) a.down();
      else if (key.ctrl || key.meta) return;
      else if (input === "q") a.quit();
      else if (input === "r") a.rerun();
      else if (input === "a") a.runAll();
      else if (input === "l") a.toggleLog();
    },
    { isActive: isRawModeSupported },
  );
  return { inputActive: isRawModeSupported };
}
