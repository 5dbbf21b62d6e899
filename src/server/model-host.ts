// The server's handle on a model running in its own worker thread (model-worker.ts): load,
// predict, dispose, and a worker that dies takes its pending predictions down with a clear error.
import { Worker } from 'node:worker_threads';
import type { FromWorker, ModelWorkerData, PredictFailure, PredictRequest, PredictResult, ToWorker } from './model-worker.ts';

// From a checkout the sources run as .ts (Node strips types in workers too); the package has .js.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './model-worker.ts' : './model-worker.js', import.meta.url);

interface Pending {
  resolve: (result: PredictResult) => void;
  reject: (error: Error) => void;
}

/** A prediction that failed in the worker, and why (the server answers 400/413/500 from it). */
export class PredictError extends Error {
  readonly failure: PredictFailure;
  /** The view whose image failed, for image failures. */
  readonly view?: number;

  constructor(failure: PredictFailure, message: string, view?: number) {
    super(message);
    this.failure = failure;
    this.view = view;
  }
}

export class WorkerModel {
  readonly backendDescription: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #dead: Error | undefined;

  private constructor(worker: Worker, backendDescription: string) {
    this.#worker = worker;
    this.backendDescription = backendDescription;
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'result' && message.type !== 'error') return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.type === 'result') pending?.resolve(message);
      else pending?.reject(new PredictError(message.failure, message.message, message.view));
    });
    const die = (error: Error) => {
      this.#dead ??= error;
      for (const pending of this.#pending.values()) pending.reject(this.#dead);
      this.#pending.clear();
    };
    worker.on('error', (e) => die(new Error(`the model's worker failed: ${e.message}`)));
    worker.on('exit', (code) => die(new Error(`the model's worker exited (code ${code})`)));
  }

  /** Starts a worker and loads the model file in it; rejects with the load error. */
  static start(data: ModelWorkerData): Promise<WorkerModel> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: data });
      const onError = (e: Error) => reject(e);
      const onExit = (code: number) => reject(new Error(`the model's worker exited (code ${code}) while loading`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (message: FromWorker) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (message.type === 'ready') {
          resolve(new WorkerModel(worker, message.backendDescription));
        } else {
          void worker.terminate();
          reject(new Error(message.type === 'load-error' ? message.message : `unexpected first message ${message.type}`));
        }
      });
    });
  }

  /** Whether the worker has died (the cache then forgets this model and loads it afresh). */
  get dead(): boolean {
    return this.#dead !== undefined;
  }

  /** Decodes the images and predicts (several images: one multi-view pass), in the worker. */
  predict(request: PredictRequest): Promise<PredictResult> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'predict', id, ...request } satisfies ToWorker);
    });
  }

  dispose(): void {
    if (this.#dead) return;
    this.#worker.postMessage({ type: 'dispose' } satisfies ToWorker);
    // The worker ends itself after disposing (its port closes); terminate if it does not.
    setTimeout(() => void this.#worker.terminate(), 5_000).unref();
  }
}
