// The reference on a worker thread (thread.ts starts it): receives the generator's batches, makes
// them into rows exactly as the generator hands rows to an in-thread sink (deliverBatch), feeds
// DailySummaryReference, and returns finish()'s rows. Every batch is acknowledged, so the
// generator never runs more than a few batches ahead.
import { parentPort, workerData } from "node:worker_threads";
import { TABLE_KEYS } from "../contract/input-tables.ts";
import { DataError } from "../errors.ts";
import { deliverBatch, type BatchColumns, type EntityTexts } from "../nise/batch-rows.ts";
import { DailySummaryReference, type ReferenceOptions } from "./summary.ts";

export type ToThread =
  | { kind: "month" }
  | { kind: "entities"; added: EntityTexts }
  | { kind: "batch"; batch: BatchColumns }
  | { kind: "finish" };

export type FromThread =
  | { kind: "ack" }
  | { kind: "done"; rows: ReturnType<DailySummaryReference["finish"]> }
  | { kind: "error"; message: string; dataError: boolean };

const port = parentPort;
if (port) {
  const reference = new DailySummaryReference(workerData as ReferenceOptions);
  let texts: EntityTexts = emptyTexts();
  port.on("message", (message: ToThread) => {
    try {
      if (message.kind === "month") texts = emptyTexts();
      else if (message.kind === "entities") for (const t of TABLE_KEYS) texts[t].push(...message.added[t]);
      else if (message.kind === "batch") {
        deliverBatch(reference, message.batch, texts);
        port.postMessage({ kind: "ack" } satisfies FromThread);
      } else port.postMessage({ kind: "done", rows: reference.finish() } satisfies FromThread);
    } catch (error) {
      port.postMessage({ kind: "error", message: (error as Error).message ?? String(error), dataError: error instanceof DataError } satisfies FromThread);
    }
  });
}

function emptyTexts(): EntityTexts {
  return { pod: [], storage: [], nodeLabels: [], namespaceLabels: [] };
}
