// Watching a server that stops answering. A PostgreSQL backend that is stopped (SIGSTOP, a frozen
// VM, a proxy that stops forwarding) keeps its TCP connection: the kernel still acknowledges and
// keepalives still pass, so nothing fails, the statement just never ends. While a statement waits,
// this counts the time since the server last said anything (a statement's end, a row of a readback,
// a batch of a write): after `noticeMs` it says so once, after `timeoutMs` it gives up.
// A tick that comes late means this thread was busy (the server may have answered meanwhile):
// that time does not count as silence, so a loaded machine is never taken for a silent server.

/** After this long without an answer the run says that the server is not answering. */
export const PG_SILENCE_NOTICE_MS = 5_000;
/** The default of --pg-timeout (STREAMBENCH_PG_TIMEOUT): no answer for this long is an error. */
export const DEFAULT_PG_ANSWER_TIMEOUT_MS = 60_000;

export interface AnswerWatchOptions {
  timeoutMs: number;
  noticeMs?: number;
  /** The server has said nothing for `silentMs` while a statement waited (once per silence). */
  onSilence?(silentMs: number): void;
  /** It answered again after a silence that was noticed. */
  onAnswer?(silentMs: number): void;
  /** It said nothing for timeoutMs: the owner ends the connection (once). */
  onTimeout(silentMs: number): void;
}

export class AnswerWatch {
  readonly #opts: Required<Pick<AnswerWatchOptions, "noticeMs">> & AnswerWatchOptions;
  readonly #tickMs: number;
  #waiting = 0;
  #heard = 0;
  #seen = 0;
  #silentSince = 0;
  #lastTick = 0;
  #noticed = false;
  #timedOut = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: AnswerWatchOptions) {
    this.#opts = { ...opts, noticeMs: Math.min(opts.noticeMs ?? PG_SILENCE_NOTICE_MS, opts.timeoutMs) };
    this.#tickMs = Math.max(10, Math.min(1000, this.#opts.noticeMs / 4));
  }

  /** Something came from the server (cheap: called for every row of a readback). */
  heard(): void {
    this.#heard++;
  }

  /** Watches the server while `work` waits on it; its success counts as an answer. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    if (this.#waiting++ === 0) this.#start();
    let answered = false;
    try {
      const value = await work();
      answered = true;
      return value;
    } finally {
      if (answered) this.#heard++;
      if (--this.#waiting === 0) this.#stop(answered);
    }
  }

  #start(): void {
    const now = performance.now();
    this.#silentSince = this.#lastTick = now;
    this.#seen = this.#heard;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#timer.unref?.();
  }

  #stop(answered: boolean): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (answered) this.#answered(performance.now());
    else this.#noticed = false; // it failed: no "answered again"
  }

  #answered(now: number): void {
    if (this.#noticed) this.#opts.onAnswer?.(now - this.#silentSince);
    this.#noticed = false;
    this.#silentSince = now;
    this.#seen = this.#heard;
  }

  #tick(): void {
    const now = performance.now();
    const lateBy = now - this.#lastTick - this.#tickMs;
    this.#lastTick = now;
    if (this.#heard !== this.#seen) return this.#answered(now);
    if (lateBy > 250) this.#silentSince += lateBy;
    const silent = now - this.#silentSince;
    if (!this.#noticed && silent >= this.#opts.noticeMs) {
      this.#noticed = true;
      this.#opts.onSilence?.(silent);
    }
    if (!this.#timedOut && silent >= this.#opts.timeoutMs) {
      this.#timedOut = true;
      this.#opts.onTimeout(silent);
    }
  }
}
