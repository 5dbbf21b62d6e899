import { loadModel, type DepthModel } from '../model/load.ts';
import type { ModelSource } from './model-file.ts';

export interface LoadOptions {
  backend?: string;
  threads?: number;
  /** DA3NESTED: the open metric-branch file. */
  metricModel?: ModelSource;
  /** Load the 3D-Gaussian head too (reconstruct). */
  gaussians?: boolean;
}

/** Loads the weights of an open model file, naming the file in any error. */
export async function loadDepthModel(path: string, source: ModelSource, options: LoadOptions): Promise<DepthModel> {
  try {
    // loadModel checks the backend name and lists the available ones in its error.
    return await loadModel(source, { backend: options.backend, threads: options.threads, metricModel: options.metricModel, gaussians: options.gaussians });
  } catch (e) {
    throw new Error(`cannot load model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
