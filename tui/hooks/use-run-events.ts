import { useEffect, useState } from "react";
import type { RunEvent } from "../../src/run/events.ts";
import type { EventSource } from "../event-source.ts";
import { initialState, reduce, type ViewState } from "../state.ts";

/**
 * Subscribes to the engine's events and folds them into view state. Events are applied in
 * batches every `batchMs` (progress and memory samples can come fast; the UI shares the CPU with
 * the benchmark); 0 applies each event at once.
 */
export function useRunEvents(source: EventSource, batchMs = 50, initial: ViewState = initialState): ViewState {
  const [state, setState] = useState<ViewState>(initial);
  useEffect(() => {
    let queue: RunEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = queue;
      queue = [];
      setState((s) => batch.reduce(reduce, s));
    };
    const unsubscribe = source.subscribe((event) => {
      if (batchMs <= 0) {
        setState((s) => reduce(s, event));
        return;
      }
      queue.push(event);
      timer ??= setTimeout(flush, batchMs);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [source, batchMs]);
  return state;
}
