import { loadModel, type DepthModel } from '../model/load.ts';
import type { ModelSource } from './model-file.ts';

export interface LoadOptions {
  backend?: string;
  threads?: number;
  /** webgpu: linear weights as halves. */
  weightPrecision?: 'f32' | 'f16';
  /** DA3NESTED: the open metric-branch file. */
  metricModel?: ModelSource;
  /** Load the 3D-Gaussian head too (reconstruct). */
  gaussians?: boolean;
}

/**
 * Loads the weights of an open model file, naming the file in any error, and says on stderr
 * which backend runs it (so a fallback from WebGPU to wasm is never silent). The CLI's default
 * backend is `auto`: WebGPU on a hardware adapter, otherwise wasm.
 */
export async function loadDepthModel(path: string, source: ModelSource, options: LoadOptions): Promise<DepthModel> {
  let model: DepthModel;
  try {
    // loadModel checks the backend name and lists the available ones in its error.
    model = await loadModel(source, { backend: options.backend ?? 'auto', threads: options.threads, weightPrecision: options.weightPrecision, metricModel: options.metricModel, gaussians: options.gaussians });
  } catch (e) {
    throw new Error(`cannot load model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.stderr.write(`backend: ${model.backendDescription}\n`);
  return model;
}
