// Helpers for the TUI component tests (not a test file).
//
// ink pulls in yoga-layout, which uses top-level await; ava 7 with `"extensions": ["ts","tsx"]`
// loads test files with require(), and require() cannot load a module with top-level await. So
// everything that imports ink is loaded here with a dynamic import(), which works either way.
import { EventEmitter } from "node:events";
import type { ReactElement } from "react";
import { EventBus } from "../../src/run/event-bus.ts";
import type { RunCommands, RunEvent } from "../../src/run/events.ts";

/** The engine's event bus, fed the tests' events with the times they carry. */
export function createEventBus(): { emit(event: RunEvent): void; subscribe: EventBus["subscribe"] } {
  const bus = new EventBus();
  return { emit: (event) => bus.forward(event), subscribe: (listener) => bus.subscribe(listener) };
}

export async function loadUi() {
  const [testing, ink, app, render] = await Promise.all([
    import("ink-testing-library"),
    import("ink"),
    import("../../tui/App.tsx"),
    import("../../tui/render.tsx"),
  ]);
  return {
    render: testing.render,
    inkRender: ink.render,
    App: app.App,
    createEventBus,
    renderMonitor: render.renderMonitor,
  };
}
export type Ui = Awaited<ReturnType<typeof loadUi>>;

export interface CommandSpy {
  calls: string[];
  commands: RunCommands;
}

export function spyCommands(): CommandSpy {
  const calls: string[] = [];
  return {
    calls,
    commands: {
      rerunScale: (scale) => void calls.push(`rerunScale ${scale}`),
      runAll: () => void calls.push("runAll"),
      quit: async () => void calls.push("quit"),
    },
  };
}

export const tick = (ms = 30) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// eslint-disable-next-line no-control-regex
export const plain = (frame: string | undefined) => (frame ?? "").replace(/\u001B\[[0-9;?]*[A-Za-z]/g, "");

/** A terminal of a given width, for ink's render (debug: every frame written whole). */
export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(readonly columns: number, readonly rows = 40) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? "";
}

export class FakeStdin extends EventEmitter {
  data: string | null = null;
  constructor(readonly isTTY: boolean) {
    super();
  }
  write = (data: string) => {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** Render with ink at a chosen width and stdin kind. */
export function renderAt(ui: Ui, tree: ReactElement, o: { columns: number; rows?: number; isTTY: boolean }) {
  const stdout = new FakeStdout(o.columns, o.rows);
  const stdin = new FakeStdin(o.isTTY);
  const instance = ui.inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { instance, stdout, stdin };
}
