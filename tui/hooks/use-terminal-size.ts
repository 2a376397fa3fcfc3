import { useEffect, useState } from "react";
import { useStdout } from "ink";

export interface TerminalSize {
  columns: number;
  /** undefined when the stream does not say (then the height is not limited). */
  rows: number | undefined;
}

/** Terminal size, following resizes. A pseudo-TTY may report 0 columns: fall back then. */
export function useTerminalSize(fallbackColumns = 80): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({
    columns: stdout.columns && stdout.columns > 0 ? stdout.columns : fallbackColumns,
    rows: stdout.rows && stdout.rows > 0 ? stdout.rows : undefined,
  });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fallbackColumns]);
  return size;
}
