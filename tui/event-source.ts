// The one thing the TUI needs from the engine: a stream of RunEvents it can subscribe to.
import type { RunEvent } from "../src/run/events.ts";

export interface EventSource {
  /** Start receiving events; returns the function that stops it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

export interface EventBus extends EventSource {
  emit(event: RunEvent): void;
}

/**
 * A minimal EventSource the engine can emit into. Events emitted while nobody listens are held and
 * handed to the next subscriber, so nothing emitted between `renderMonitor()` and the first effect is lost.
 */
export function createEventBus(): EventBus {
  const listeners = new Set<(event: RunEvent) => void>();
  let pending: RunEvent[] = [];
  return {
    emit(event) {
      if (listeners.size === 0) {
        pending.push(event);
        return;
      }
      for (const listener of [...listeners]) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (pending.length > 0) {
        const held = pending;
        pending = [];
        for (const event of held) listener(event);
      }
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
