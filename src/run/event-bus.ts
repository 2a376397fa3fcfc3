// A tiny synchronous publish/subscribe for run events. Front ends subscribe; the engine emits.
// A late subscriber (a UI that mounts after the run started) is first handed what it missed,
// except the high-rate gauge and progress events, which only matter live.
import type { RunEvent } from "./events.ts";

export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "at"> : never) : never;

export class EventBus {
  readonly #listeners = new Set<(event: RunEvent) => void>();
  readonly #history: RunEvent[] = [];

  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const event of this.#history) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunEventInput): void {
    const stamped = { ...event, at: Date.now() } as RunEvent;
    if (stamped.type !== "memory" && stamped.type !== "progress" && stamped.type !== "eta") this.#history.push(stamped);
    for (const listener of [...this.#listeners]) listener(stamped);
  }
}
