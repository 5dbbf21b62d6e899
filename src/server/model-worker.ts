// The thread a served model lives on (node:worker_threads). The wasm backend runs a forward
// synchronously on its calling thread, so a model on the server's own thread would stall the
// event loop for the whole forward: no health checks, timeouts or disconnect handling, and no
// second model running meanwhile. Here it stalls only this worker. Protocol (model-host.ts):
// workerData { path, options } → 'ready' | 'load-error'; 'predict' → 'result' | 'error'.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel, type DepthModel, type LoadOptions, type PredictOptions } from '../model/load.ts';
import { fileSource } from '../node.ts'; // also registers worker_threads for the wasm pool and Dawn for webgpu
import type { DepthPrediction, RgbImage } from '../types.ts';

export interface ModelWorkerData {
  path: string;
  options: Pick<LoadOptions, 'backend' | 'threads' | 'weightPrecision'>;
}

export type ToWorker = { type: 'predict'; id: number; images: RgbImage[]; options: PredictOptions } | { type: 'dispose' };
export type FromWorker =
  | { type: 'ready'; backendDescription: string }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; predictions: DepthPrediction[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Typed arrays of a prediction, each on an ArrayBuffer of its own (moved, not copied, to the server's thread). */
function transferable(predictions: DepthPrediction[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      // A view on shared or larger memory (a wasm heap) is cloned by postMessage, never moved.
      if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) buffers.add(value.buffer);
    } else if (value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit(predictions);
  return [...buffers];
}

async function load(): Promise<DepthModel | undefined> {
  const { path, options } = workerData as ModelWorkerData;
  try {
    const source = await fileSource(path);
    try {
      return await loadModel(source, options);
    } finally {
      await source.close(); // the weights are on the backend now
    }
  } catch (e) {
    port.postMessage({ type: 'load-error', message: message(e) } satisfies FromWorker);
    return undefined;
  }
}

const model = await load();
if (model) {
  port.on('message', async (request: ToWorker) => {
    if (request.type === 'dispose') {
      model.dispose();
      port.close();
      return;
    }
    try {
      const predictions = await model.predictViews(request.images, request.options);
      port.postMessage({ type: 'result', id: request.id, predictions } satisfies FromWorker, transferable(predictions));
    } catch (e) {
      port.postMessage({ type: 'error', id: request.id, message: message(e) } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready', backendDescription: model.backendDescription } satisfies FromWorker);
}
