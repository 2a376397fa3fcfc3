// The reference computed on a second thread while the generator writes parquet on this one. At
// production-large the reference is ~40% of the prepare phase's CPU; on its own thread it runs
// beside the generator instead of after each batch. The rows it returns are the same: the thread
// makes rows from the batches with the generator's own deliverBatch and feeds the same
// DailySummaryReference.
import type { Worker } from "node:worker_threads";
import type { SummaryRow } from "../contract/summary-schema.ts";
import { DataError } from "../errors.ts";
import type { BatchColumns, BatchSink, EntityTexts } from "../nise/batch-rows.ts";
import { startModuleWorker } from "../child/runtime.ts";
import type { ReferenceOptions } from "./summary.ts";
import type { FromThread, ToThread } from "./thread-entry.ts";

/** Batches sent but not yet taken in by the thread, at most (a day's pod batch at production-large is ~45 MB). */
const MAX_IN_FLIGHT = 3;

export class ReferenceThread implements BatchSink {
  #worker: Worker;
  #inFlight = 0;
  #failure: Error | null = null;
  #waiters: (() => void)[] = [];
  #done: Promise<SummaryRow[]>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    let resolveDone!: (rows: SummaryRow[]) => void;
    let rejectDone!: (error: Error) => void;
    this.#done = new Promise((resolve, reject) => ((resolveDone = resolve), (rejectDone = reject)));
    this.#done.catch(() => undefined); // surfaced by batch() or finish()
    const fail = (error: Error) => {
      this.#failure ??= error;
      rejectDone(this.#failure);
      this.#wake();
    };
    worker.on("message", (message: FromThread) => {
      if (message.kind === "ack") {
        this.#inFlight--;
        this.#wake();
      } else if (message.kind === "done") resolveDone(message.rows);
      else if (message.kind === "error") fail(message.dataError ? new DataError(message.message) : new Error(`reference thread: ${message.message}`));
    });
    worker.on("error", (error) => fail(error));
    worker.on("exit", (code) => fail(new Error(`the reference thread exited (code ${code}) before it finished`)));
  }

  /**
   * A reference thread, starting: batches sent before it has loaded wait in its queue, so the
   * generator does not wait for it. null when this runtime cannot make a thread (the caller then
   * runs the reference on its own thread); a thread that fails to load fails the generation with
   * its error (at the next batch, or at finish()).
   */
  static start(options: ReferenceOptions): ReferenceThread | null {
    try {
      return new ReferenceThread(startModuleWorker(new URL("./thread-entry.ts", import.meta.url), options));
    } catch {
      return null;
    }
  }

  month(): void {
    this.#post({ kind: "month" });
  }

  entities(added: EntityTexts): void {
    this.#post({ kind: "entities", added });
  }

  /** Sends a copy of the batch's filled rows; waits while the thread is MAX_IN_FLIGHT batches behind. */
  async batch(b: BatchColumns): Promise<void> {
    while (this.#inFlight >= MAX_IN_FLIGHT && this.#failure === null) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#failure) throw this.#failure;
    const n = b.n;
    const copy: BatchColumns = {
      type: b.type,
      n,
      periodStart: b.periodStart,
      periodEnd: b.periodEnd,
      intervalStart: b.intervalStart.slice(0, n),
      entity: b.entity.slice(0, n),
      measures: b.measures.map((m) => m.slice(0, n)),
    };
    this.#inFlight++;
    // the copies are handed over, not cloned again
    const buffers = [copy.intervalStart, copy.entity, ...copy.measures].map((a) => a.buffer as ArrayBuffer);
    this.#worker.postMessage({ kind: "batch", batch: copy } satisfies ToThread, buffers);
  }

  /** The reference's summary rows, once every batch is in; the thread then ends. */
  async finish(): Promise<SummaryRow[]> {
    this.#post({ kind: "finish" });
    try {
      return await this.#done;
    } finally {
      await this.close();
    }
  }

  /** Ends the thread (idempotent); a generation that failed calls it. */
  async close(): Promise<void> {
    this.#worker.removeAllListeners("exit");
    await this.#worker.terminate().catch(() => undefined);
  }

  #post(message: ToThread): void {
    if (this.#failure) throw this.#failure;
    this.#worker.postMessage(message);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
