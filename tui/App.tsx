import { Box, Text } from "ink";
import type { RunCommands } from "../src/run/events.ts";
import type { EventSource } from "./event-source.ts";
import { FinishBanner, bannerHeight } from "./FinishBanner.tsx";
import { HelpLine } from "./HelpLine.tsx";
import { useClock } from "./hooks/use-clock.ts";
import { useTerminalSize } from "./hooks/use-terminal-size.ts";
import { fitLayout } from "./layout.ts";
import { useMonitorCommands } from "./hooks/use-monitor-commands.ts";
import { useRunEvents } from "./hooks/use-run-events.ts";
import { LogPane } from "./LogPane.tsx";
import { MemoryGauges, modesWithSeries } from "./MemoryGauges.tsx";
import { PhaseBar } from "./PhaseBar.tsx";
import { ScaleTable } from "./ScaleTable.tsx";
import { baselineLine, verdictLine } from "./terminal-text.ts";
import { CrossoverLine } from "./CrossoverLine.tsx";
import { ServiceLine } from "./ServiceLine.tsx";
import { ColorContext } from "./theme.ts";
import { plannedState, runBusy, type RunPlan } from "./state.ts";

export interface AppProps {
  events: EventSource;
  commands: RunCommands;
  /** false = no colour at all (NO_COLOR). */
  color?: boolean;
  /** Events are applied in batches this often (ms); 0 = each at once. */
  batchMs?: number;
  /** Lines of the log tail. */
  logLines?: number;
  /** The scales, modes and runs asked for: listed (pending) before the run starts. */
  plan?: RunPlan;
}

export function App({ events, commands, color = true, batchMs = 50, logLines = 8, plan }: AppProps) {
  const state = useRunEvents(events, batchMs, plannedState(plan));
  const { columns, rows: terminalRows } = useTerminalSize();
  const rows = state.scales;
  const busy = runBusy(state);
  const { index, row, logVisible, quitting, notice, inputActive } = useMonitorCommands(rows, busy, state.finished, commands);
  const startingServices = state.services.some((s) => s.state === "starting");
  const clock = useClock(startingServices || (state.running && state.current !== null && !state.current.ended));

  // What fits the terminal's height: the log shrinks first, then the blank lines, then sparklines.
  const sparkModes = modesWithSeries(row, state.modes).length;
  const fit = fitLayout({
    rows: terminalRows,
    fixedLines:
      1 +
      (1 + Math.max(1, rows.length) + (row?.error ? 1 : 0) + (row && verdictLine(row) ? 1 : 0) + (row && baselineLine(row) ? 1 : 0) + (state.sweep ? 1 : 0)) +
      (state.finished ? bannerHeight(state.finished.headline, columns) : state.current ? 3 : 1) +
      (state.memory ? 2 : 1) +
      1,
    sparkLines: sparkModes > 0 ? 1 + sparkModes : 0,
    logWanted: logVisible,
    logLines,
  });
  const gap = fit.gaps ? 1 : 0;

  const modesText = state.modes.length > 0 ? ` · ${state.modes.join(" vs ")}` : "";
  const runsText = (state.repetitions > 1 ? ` · ${state.repetitions} runs each` : "") + (state.warmup > 0 ? ` + ${state.warmup} warm-up` : "");
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={columns}>
        <Text wrap="truncate-end">
          <Text bold>streambench</Text>
          <Text dimColor>{`  ${state.sweep ? "sweep · " : ""}${rows.length} ${state.sweep ? "size" : "scale"}${rows.length === 1 ? "" : "s"}${modesText}${runsText}`}</Text>
        </Text>
        <ScaleTable rows={rows} modes={state.modes} selected={index} width={columns} sweep={state.sweep} />
        {state.sweep ? <CrossoverLine crossover={state.crossover} /> : null}
        <Box marginTop={gap}>
          {state.finished ? (
            <FinishBanner
              status={state.finished.status}
              outDir={state.finished.outDir}
              headline={state.finished.headline}
              width={columns}
            />
          ) : state.current === null && state.services.length > 0 ? (
            <ServiceLine services={state.services} now={Math.max(state.now, clock)} width={columns} />
          ) : (
            <PhaseBar
              current={state.current}
              eta={state.eta}
              repetitions={state.repetitions}
              now={Math.max(state.now, clock)}
              running={state.running}
              width={columns}
            />
          )}
        </Box>
        <Box marginTop={gap}>
          <MemoryGauges
            memory={state.memory}
            row={row}
            modes={state.modes}
            width={columns}
            sparklines={fit.sparklines}
          />
        </Box>
        {fit.logLines > 0 ? (
          <Box marginTop={gap}>
            <LogPane log={state.log} lines={fit.logLines} width={columns} />
          </Box>
        ) : null}
        <HelpLine
          inputActive={inputActive}
          busy={busy}
          quitting={quitting}
          selectedScale={row?.name}
          logVisible={logVisible}
          notice={notice}
        />
      </Box>
    </ColorContext.Provider>
  );
}
