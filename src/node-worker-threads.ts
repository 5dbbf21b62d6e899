// Node-only: starts a wasm-backend pool worker with node:worker_threads (Node has no global
// Worker). src/node.ts registers it with the thread pool, so the core never imports `node:`.
import { Worker } from 'node:worker_threads';
import { NODE_WORKER_SOURCE } from './backend/wasm/worker-source.ts';
import type { WorkerHandle } from './backend/wasm/thread-pool.ts';

export async function startNodeWorker(data: readonly unknown[]): Promise<WorkerHandle> {
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
  // Workers block in Atomics.wait between jobs; unref lets the process exit without dispose().
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return { terminate: () => void worker.terminate() };
}
