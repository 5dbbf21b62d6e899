import { loadModel, type DepthModel, type LoadOptions } from '../model/load.ts';
import type { ModelSource } from './model-file.ts';
import { startProgress } from './progress.ts';

/**
 * Loads the weights of an open model file, naming the file in any error, and says on stderr
 * which backend runs it (so a fallback from WebGPU to wasm is never silent). The CLI's default
 * backend is `auto`: WebGPU on a hardware adapter, otherwise wasm.
 */
export async function loadDepthModel(path: string, source: ModelSource, options: LoadOptions): Promise<DepthModel> {
  let model: DepthModel;
  try {
    // loadModel checks the backend name and lists the available ones in its error.
    const progress = startProgress(`loading ${path}`);
    try {
      model = await loadModel(source, { ...options, backend: options.backend ?? 'auto', onProgress: (done, total) => progress.update(done, total) });
    } finally {
      progress.end();
    }
  } catch (e) {
    throw new Error(`cannot load model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.stderr.write(`backend: ${model.backendDescription}\n`);
  return model;
}
