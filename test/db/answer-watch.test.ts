// The watch on a server's silence (src/db/answer-watch.ts), on its own: time this thread spends
// busy is not the server's silence, and a statement that ends is an answer. Serial: one test
// keeps the thread busy, which would make the others' ticks late.
import test from "ava";
import { AnswerWatch } from "../../src/db/answer-watch.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.serial("a thread busy for longer than the timeout does not take the server for silent", async (t) => {
  const events: string[] = [];
  const watch = new AnswerWatch({ timeoutMs: 400, noticeMs: 200, onSilence: () => events.push("silence"), onTimeout: () => events.push("timeout") });
  await watch.during(async () => {
    await sleep(50);
    const until = performance.now() + 1_000; // the thread busy 1 s: 2.5 x the timeout, no tick runs
    while (performance.now() < until);
    await sleep(50); // one tick, late by ~1 s: that second is not counted as silence
  });
  t.deepEqual(events, []);
});

test.serial("silence while a statement waits: one notice at noticeMs, the timeout at timeoutMs, no 'answered again' when it then fails", async (t) => {
  const events: string[] = [];
  const watch = new AnswerWatch({
    timeoutMs: 600,
    noticeMs: 200,
    onSilence: () => events.push("silence"),
    onAnswer: () => events.push("answer"),
    onTimeout: () => events.push("timeout"),
  });
  await t.throwsAsync(watch.during(() => sleep(900).then(() => Promise.reject(new Error("dropped")))));
  // 900 ms of silence: noticed at 200 ms, timed out at 600 ms, each once
  t.deepEqual(events, ["silence", "timeout"]);
});

test.serial("a silence that was noticed and then ends in an answer is reported as over", async (t) => {
  const events: string[] = [];
  const watch = new AnswerWatch({ timeoutMs: 5_000, noticeMs: 200, onSilence: () => events.push("silence"), onAnswer: () => events.push("answer"), onTimeout: () => events.push("timeout") });
  await watch.during(() => sleep(500));
  // silent 500 ms: noticed at 200, answered at 500, far below the 5 s timeout
  t.deepEqual(events, ["silence", "answer"]);
});

test.serial("rows arriving are answers: a long readback that keeps delivering is never silent", async (t) => {
  const events: string[] = [];
  const watch = new AnswerWatch({ timeoutMs: 300, noticeMs: 150, onSilence: () => events.push("silence"), onTimeout: () => events.push("timeout") });
  await watch.during(async () => {
    for (let i = 0; i < 10; i++) {
      await sleep(60); // 600 ms in all, twice the timeout, but a row every 60 ms
      watch.heard();
    }
  });
  t.deepEqual(events, []);
});
