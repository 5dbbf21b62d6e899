// One lane per model: its single forward runs one request at a time, the rest wait in a bounded
// FIFO (full → 503 with Retry-After, so clients back off instead of piling up memory), and a
// request whose client left or timed out gives its place back before it runs.
import { HttpError } from './http-error.ts';

interface Waiting {
  start: () => void;
  cancel: (reason: unknown) => void;
}

export class ModelLane {
  readonly #maxQueued: number;
  readonly #waiting: Waiting[] = [];
  #running = false;

  constructor(maxQueued: number) {
    this.#maxQueued = maxQueued;
  }

  get running(): boolean {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  get idle(): boolean {
    return !this.#running && this.#waiting.length === 0;
  }

  /** Runs `task` when the lane is free; rejects with the signal's reason if aborted while waiting. */
  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    signal.throwIfAborted();
    if (this.#running) {
      if (this.#waiting.length >= this.#maxQueued) {
        throw new HttpError(503, 'queue_full', `this model's queue is full (${this.#maxQueued} waiting); retry later`, { 'retry-after': '1' });
      }
      await new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          start: () => { signal.removeEventListener('abort', onAbort); resolve(); },
          cancel: reject,
        };
        const onAbort = () => {
          const at = this.#waiting.indexOf(entry);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.#waiting.push(entry);
      });
    }
    this.#running = true;
    try {
      return await task();
    } finally {
      this.#running = false;
      // Hand the lane straight to the next waiter (it sets #running again before any other
      // request can slip in, since start() only resolves a promise).
      const next = this.#waiting.shift();
      if (next) {
        this.#running = true;
        next.start();
      }
    }
  }
}
