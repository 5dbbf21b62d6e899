// Node-only: starts a wasm-backend pool worker with node:worker_threads (Node has no global
// Worker). src/node.ts registers it with the thread pool, so the core never imports `node:`.
import { Worker } from 'node:worker_threads';
import { SERVE_KERNELS_SOURCE } from './backend/wasm/worker-source.ts';

/** worker_threads in eval mode (CommonJS): the data arrives as workerData. */
const NODE_WORKER_SOURCE = `${SERVE_KERNELS_SOURCE}
const { workerData, parentPort } = require('node:worker_threads');
const run = serveKernels(...workerData);
parentPort.postMessage('ready');
run();
`;
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
