// The one thing the TUI needs from the engine: a stream of RunEvents it can subscribe to (the
// engine's EventBus, src/run/event-bus.ts, is one).
import type { RunEvent } from "../src/run/events.ts";

export interface EventSource {
  /** Start receiving events; returns the function that stops it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}
