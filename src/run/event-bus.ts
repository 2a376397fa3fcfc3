// A tiny synchronous publish/subscribe for run events. Front ends subscribe; the engine emits.
import type { RunEvent } from "./events.ts";

export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "at"> : never) : never;

export class EventBus {
  readonly #listeners = new Set<(event: RunEvent) => void>();

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunEventInput): void {
    const stamped = { ...event, at: Date.now() } as RunEvent;
    for (const listener of this.#listeners) listener(stamped);
  }
}
