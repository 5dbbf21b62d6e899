// Reads a GGUF's tensors, dequantized to float32 straight into backend memory (no transient
// whole-tensor copy: peak RSS stays near the model size), under their
// canonical names (the nested-metric file's `m_vit.` / `m_head.` become `vit.` / `head.`).

import { readStoredTensorInto, readTensorInto } from '../../gguf/dequantize.ts';
import { GGML_TYPE } from '../../gguf/types.ts';
import type { GgufFile, GgufTensorInfo } from '../../gguf/reader.ts';
import { shapeOf } from '../../gguf/shape.ts';
import type { ByteSource } from '../../gguf/source.ts';
import type { Backend, Tensor } from '../backend/backend.ts';
import type { Weights } from '../nn/weights.ts';

function canonicalName(name: string): string {
  return name.startsWith('m_vit.') || name.startsWith('m_head.') ? name.slice(2) : name;
}

class BackendWeights implements Weights {
  private readonly tensors = new Map<string, Tensor>();
  private readonly backend: Backend;
  constructor(backend: Backend) {
    this.backend = backend;
  }

  add(name: string, t: Tensor): void {
    this.tensors.set(name, t);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  get(name: string, rank: number): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`model: missing tensor '${name}'`);
    const shape = [...t.shape];
    if (shape.length > rank) {
      // Leading size-1 axes only (e.g. a [1, C] token read as a vector).
      while (shape.length > rank && shape[0] === 1) shape.shift();
      if (shape.length > rank) throw new Error(`model: tensor '${name}' has shape [${t.shape}], expected rank ${rank}`);
    }
    while (shape.length < rank) shape.unshift(1); // GGUF drops leading PyTorch axes of size 1
    return shape.length === t.shape.length && shape.every((d, i) => d === t.shape[i]) ? t : this.backend.reshape(t, shape);
  }
}

/** `only` limits loading to names (canonical) for which it returns true. */
export async function loadWeights(
  file: GgufFile, source: ByteSource, backend: Backend, only: (name: string) => boolean = () => true,
  onProgress?: (loadedBytes: number, totalBytes: number) => void,
): Promise<Weights> {
  const weights = new BackendWeights(backend);
  const wanted = [...file.tensors.values()].filter((info) => only(canonicalName(info.name)));
  const total = wanted.reduce((sum, info) => sum + info.nbytes, 0);
  checkWeightsFit(backend, wanted.reduce((sum, info) => sum + residentBytes(backend, info), 0), file);
  let loaded = 0;
  for (const info of wanted) {
    const name = canonicalName(info.name);
    const stored = info.type === GGML_TYPE.F32 ? undefined
      : { type: info.type, bytes: info.nbytes, fill: (target: Uint8Array) => readStoredTensorInto(file, source, info.name, target) };
    const tensor = await backend.uploadWith(shapeOf(info), (target) => readTensorInto(file, source, info.name, target), { weight: true, stored });
    weights.add(name, tensor);
    loaded += info.nbytes;
    onProgress?.(loaded, total);
  }
  return weights;
}

/** Bytes a tensor takes in the backend: as stored if the backend keeps its type, else float32. */
export function residentBytes(backend: Backend, info: GgufTensorInfo): number {
  return info.type !== GGML_TYPE.F32 && backend.keepsStored?.(info.type, shapeOf(info)) ? info.nbytes : info.nelements * 4;
}

/** Room kept for activations and packed forms beside the weights. */
const ACTIVATION_HEADROOM = 512 * 2 ** 20;

/**
 * A model whose float32 weights cannot fit the backend's memory fails before any weight is
 * read, saying how much it needs, instead of running out of memory halfway through loading.
 */
export function checkWeightsFit(backend: Backend, bytes: number, file: GgufFile): void {
  const limit = backend.memoryLimitBytes;
  if (limit === undefined || bytes + ACTIVATION_HEADROOM <= limit) return;
  const gib = (n: number) => (n / 2 ** 30).toFixed(2);
  const allF32 = [...file.tensors.values()].every((t) => t.typeName === 'F32');
  throw new Error(`model: its weights need ${gib(bytes)} GiB in memory, plus ${gib(ACTIVATION_HEADROOM)} GiB for activations, and the ${backend.name} backend holds at most ${gib(limit)} GiB`
    + (allF32 ? '; quantize it (depth-anything quantize <in> <out> q8_0, or q4_k: its linear weights stay quantized in memory)' : '')
    + ', or run it on the webgpu backend (--backend webgpu) where a GPU has the memory');
}
