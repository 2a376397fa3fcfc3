// The one publish/subscribe of run events. Front ends subscribe; the engine emits. A late
// subscriber (a UI that mounts after the run started) is first handed what it missed: every event
// except the high-rate gauge, progress and ETA ones, which only matter live, unless nobody was
// listening when they came (then they are held for the first subscriber, so nothing emitted
// between creating a monitor and its first effect is lost).
import type { RunEvent } from "./events.ts";

export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "at"> : never) : never;

const LIVE_ONLY = new Set<RunEvent["type"]>(["memory", "progress", "eta"]);

export class EventBus {
  readonly #listeners = new Set<(event: RunEvent) => void>();
  readonly #history: RunEvent[] = [];

  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const event of this.#history) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stamps the event with the time now and hands it to every listener. */
  emit(event: RunEventInput): void {
    this.forward({ ...event, at: Date.now() } as RunEvent);
  }

  /** Hands on an event that already carries its time (a recorded or replayed run). */
  forward(event: RunEvent): void {
    if (!LIVE_ONLY.has(event.type) || this.#listeners.size === 0) this.#history.push(event);
    for (const listener of [...this.#listeners]) listener(event);
  }
}
