// A model's description from its GGUF header alone (no tensor data is read): used by `info`.

import type { GgufFile } from '../../gguf/reader.ts';
import type { ModelInfo } from '../types.ts';
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
  for (const t of file.tensors.values()) {
    tensorTypes[t.typeName] = (tensorTypes[t.typeName] ?? 0) + 1;
    parameterCount += t.nelements;
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
  };
}
