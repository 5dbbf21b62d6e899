// The thread a served model lives on (node:worker_threads). The wasm backend runs a forward
// synchronously on its calling thread, so a model on the server's own thread would stall the
// event loop for the whole forward: no health checks, timeouts or disconnect handling, and no
// second model running meanwhile. Here it stalls only this worker; image decoding (up to a second
// for a 24 MP JPEG) happens here too. Protocol (model-host.ts): workerData { path, options } →
// 'ready' | 'load-error'; 'predict' (encoded images) → 'result' | 'error' (with what went wrong).
import { parentPort, workerData } from 'node:worker_threads';
import { decodeImage } from '../image/decode.ts';
import { ImageTooLargeError } from '../image/limits.ts';
import { loadModel, type DepthModel, type LoadOptions, type PredictOptions } from '../model/load.ts';
import { fileSource } from '../node.ts'; // also registers worker_threads for the wasm pool and Dawn for webgpu
import type { DepthPrediction, RgbImage } from '../types.ts';

export interface ModelWorkerData {
  path: string;
  options: Pick<LoadOptions, 'backend' | 'threads' | 'weightPrecision'>;
}

export interface PredictRequest {
  /** Encoded JPEG/PNG bytes, one per view. */
  images: Uint8Array[];
  maxPixels: number;
  options: PredictOptions;
}

export interface PredictResult {
  predictions: DepthPrediction[];
  /** The decoded images' sizes (COLMAP stores them). */
  sizes: { width: number; height: number }[];
  decodeMs: number;
}

/** What failed: a view's image (undecodable or over the pixel limit), the views together, or the model. */
export type PredictFailure = 'invalid_image' | 'image_too_large' | 'invalid_views' | 'inference_failed';

export type ToWorker = ({ type: 'predict'; id: number } & PredictRequest) | { type: 'dispose' };
export type FromWorker =
  | { type: 'ready'; backendDescription: string }
  | { type: 'load-error'; message: string }
  | ({ type: 'result'; id: number } & PredictResult)
  | { type: 'error'; id: number; failure: PredictFailure; view?: number; message: string };

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

async function predict(model: DepthModel, request: Extract<ToWorker, { type: 'predict' }>): Promise<FromWorker> {
  const { id } = request;
  const started = performance.now();
  const images: RgbImage[] = [];
  for (const [view, bytes] of request.images.entries()) {
    try {
      images.push(decodeImage(bytes, { maxPixels: request.maxPixels }));
    } catch (e) {
      return { type: 'error', id, failure: e instanceof ImageTooLargeError ? 'image_too_large' : 'invalid_image', view, message: message(e) };
    }
  }
  const decodeMs = performance.now() - started;
  try {
    const predictions = await model.predictViews(images, request.options);
    return { type: 'result', id, predictions, sizes: images.map(({ width, height }) => ({ width, height })), decodeMs };
  } catch (e) {
    // The one input problem only the model sees: views that preprocess to different sizes.
    return { type: 'error', id, failure: message(e).startsWith('predictViews:') ? 'invalid_views' : 'inference_failed', message: message(e) };
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
    const answer = await predict(model, request);
    port.postMessage(answer, answer.type === 'result' ? transferable(answer.predictions) : []);
  });
  port.postMessage({ type: 'ready', backendDescription: model.backendDescription } satisfies FromWorker);
}
