// A persistent pool of workers sharing one WebAssembly.Memory. A job runs one kernel on every
// thread (the caller's thread takes a share too); the kernels hand out their tiles through an
// atomic counter, so the pool only has to start everyone and wait for the last one.
import { ARGS_OFFSET, CONTROL_OFFSET, MAX_ARGS, WEB_WORKER_SOURCE } from './worker-source.ts';
import { PARALLEL_KERNELS, type KernelExports, type ParallelKernel } from './kernel-exports.ts';

export interface WorkerHandle {
  terminate(): void;
}

/** Starts one pool worker given the data it needs (module, memory, kernel names). */
export type WorkerStarter = (data: readonly unknown[]) => Promise<WorkerHandle>;

let registeredStarter: WorkerStarter | undefined;

/**
 * Runtimes without a global `Worker` (Node) register their own starter; the Node entry
 * (src/node.ts) does this on import, keeping `node:worker_threads` out of the core.
 */
export function registerWorkerStarter(start: WorkerStarter): void {
  registeredStarter = start;
}

/** Whether this runtime can start pool workers at all. */
export function workersAvailable(): boolean {
  return workerStarter() !== undefined;
}

/**
 * A runtime's own registered starter wins over a global `Worker`: in Node other libraries may
 * set `globalThis.Worker = worker_threads.Worker` (onnxruntime-web's glue does), which cannot
 * load the web worker's blob: URL.
 */
function workerStarter(): WorkerStarter | undefined {
  return registeredStarter ?? (typeof Worker === 'function' ? startWebWorker : undefined);
}

export interface ThreadPool {
  /** Threads working on each job, the caller's included. */
  readonly threads: number;
  run(kernel: ParallelKernel, args: readonly number[]): void;
  dispose(): void;
}

const GENERATION = 0;
const KERNEL = 1;
const ARG_COUNT = 2;
const REMAINING = 3;
const ERROR = 4;
const STALL_MS = 60_000;

/** Runs every job on the calling thread alone. */
export function singleThread(exports: KernelExports): ThreadPool {
  return {
    threads: 1,
    run(kernel, args) {
      exports.beginJob();
      (exports[kernel] as (...a: number[]) => void)(...args);
    },
    dispose() {},
  };
}

export async function startThreadPool(
  module: WebAssembly.Module, memory: WebAssembly.Memory, exports: KernelExports, threads: number,
): Promise<ThreadPool> {
  const data = [module, memory, PARALLEL_KERNELS];
  const start = workerStarter();
  if (!start) throw new Error('wasm backend: this runtime has no Worker; in Node import depth-anything-ts/node');
  const workers = await Promise.all(Array.from({ length: threads - 1 }, () => start(data)));
  const control = new Int32Array(memory.buffer, CONTROL_OFFSET, 8);
  const argSlots = new Float64Array(memory.buffer, ARGS_OFFSET, MAX_ARGS);
  let canBlock = true;

  // Browsers forbid Atomics.wait on the main thread; there we spin (jobs are milliseconds).
  // A job that makes no progress for a minute means a worker died: fail instead of hanging.
  const waitForWorkers = (kernel: string): void => {
    for (let left = Atomics.load(control, REMAINING); left !== 0; left = Atomics.load(control, REMAINING)) {
      if (!canBlock) continue;
      let outcome: string;
      try {
        outcome = Atomics.wait(control, REMAINING, left, STALL_MS);
      } catch {
        canBlock = false;
        continue;
      }
      if (outcome === 'timed-out') throw new Error(`thread pool: workers stopped responding during ${kernel}`);
    }
  };

  return {
    threads,
    run(kernel, args) {
      if (args.length > MAX_ARGS) throw new Error(`thread pool: ${kernel} has too many arguments`);
      exports.beginJob();
      argSlots.set(args);
      Atomics.store(control, KERNEL, PARALLEL_KERNELS.indexOf(kernel));
      Atomics.store(control, ARG_COUNT, args.length);
      Atomics.store(control, REMAINING, threads - 1);
      Atomics.store(control, ERROR, 0);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      let failure: unknown;
      try {
        (exports[kernel] as (...a: number[]) => void)(...args);
      } catch (error) {
        failure = error;
      }
      waitForWorkers(kernel);
      if (failure !== undefined) throw failure;
      if (Atomics.load(control, ERROR) !== 0) throw new Error(`wasm kernel ${kernel} failed in a worker thread`);
    },
    dispose() {
      Atomics.store(control, KERNEL, -1);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      for (const worker of workers) worker.terminate();
    },
  };
}

async function startWebWorker(data: readonly unknown[]): Promise<WorkerHandle> {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`kernel worker failed to start: ${event.message}`));
      worker.postMessage(data);
    });
  } finally {
    // Only once the worker has loaded: Bun resolves the URL lazily.
    URL.revokeObjectURL(url);
  }
  return { terminate: () => worker.terminate() };
}
