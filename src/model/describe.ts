// A model's description from its GGUF header alone (no tensor data is read): used by `info`.

import type { GgufFile, GgufTensorInfo } from '../../gguf/reader.ts';
import { shapeOf } from '../../gguf/shape.ts';
import { GGML_TYPE } from '../../gguf/types.ts';
import { wasmKeepsStored } from '../backend/wasm/kept-types.ts';
import { webgpuKeepsStored } from '../backend/webgpu/kept-types.ts';
import { residentBytes } from './weights-loader.ts';
import type { BackendWeights, ModelInfo } from '../types.ts';
import { readModelConfig } from './config.ts';

export function describeModel(file: GgufFile): ModelInfo {
  const cfg = readModelConfig(file);
  const capabilities = ['depth'];
  if (cfg.family === 'da3') capabilities.push('confidence');
  if (cfg.hasCameraDecoder) capabilities.push('pose');
  if (cfg.hasAuxRays) capabilities.push('rays');
  if (cfg.family === 'da3-mono' || cfg.family === 'da3-metric' || cfg.family === 'da3-nested-metric') capabilities.push('sky');
  if (cfg.hasGaussians) capabilities.push('gaussians');
  const tensorTypes: Record<string, number> = {};
  let parameterCount = 0;
  const wasm = new WeightsTally(), webgpu = new WeightsTally();
  for (const t of file.tensors.values()) {
    tensorTypes[t.typeName] = (tensorTypes[t.typeName] ?? 0) + 1;
    parameterCount += t.nelements;
    wasm.add(t, wasmKeepsStored(t.type, shapeOf(t)));
    webgpu.add(t, webgpuKeepsStored(t.type));
  }
  return {
    family: cfg.family,
    checkpointName: cfg.checkpointName,
    embedDim: cfg.vit.embedDim,
    depth: cfg.vit.depth,
    numHeads: cfg.vit.numHeads,
    headDim: cfg.vit.headDim,
    ffn: cfg.vit.ffn,
    outLayers: cfg.vit.outLayers,
    features: cfg.headFeatures,
    capabilities,
    tensorTypes,
    tensorCount: file.tensors.size,
    parameterCount,
    fileSize: file.size,
    weightsInMemory: { wasm: wasm.result(), webgpu: webgpu.result() },
  };
}

class WeightsTally {
  bytes = 0;
  readonly kept = new Set<string>();
  readonly widened = new Set<string>();

  add(t: GgufTensorInfo, kept: boolean): void {
    this.bytes += residentBytes(t, kept);
    if (t.type !== GGML_TYPE.F32) (kept ? this.kept : this.widened).add(t.typeName);
  }

  result(): BackendWeights {
    return { bytes: this.bytes, kept: [...this.kept], widened: [...this.widened] };
  }
}
