// Reads a GGUF's tensors, dequantized to float32 straight into backend memory (no transient
// whole-tensor copy: peak RSS stays near the model size), under their
// canonical names (the nested-metric file's `m_vit.` / `m_head.` become `vit.` / `head.`).

import { readHalfTensorInto, readTensorInto } from '../../gguf/dequantize.ts';
import { GGML_TYPE } from '../../gguf/types.ts';
import type { GgufFile } from '../../gguf/reader.ts';
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
  checkWeightsFit(backend, wanted.reduce((sum, info) => sum + info.nelements * 4, 0), file);
  let loaded = 0;
  for (const info of wanted) {
    const name = canonicalName(info.name);
    const halfFill = info.type === GGML_TYPE.F16 ? (target: Uint16Array) => readHalfTensorInto(file, source, info.name, target) : undefined;
    const tensor = await backend.uploadWith(shapeOf(info), (target) => readTensorInto(file, source, info.name, target), { weight: true, halfFill });
    weights.add(name, tensor);
    loaded += info.nbytes;
    onProgress?.(loaded, total);
  }
  return weights;
}

/** Room kept for activations and packed forms beside the weights. */
const ACTIVATION_HEADROOM = 512 * 2 ** 20;

/**
 * A model whose float32 weights cannot fit the backend's memory fails before any weight is
 * read, saying how much it needs, instead of running out of memory halfway through loading.
 */
export function checkWeightsFit(backend: Backend, f32Bytes: number, file: GgufFile): void {
  const limit = backend.memoryLimitBytes;
  if (limit === undefined || f32Bytes + ACTIVATION_HEADROOM <= limit) return;
  const gib = (n: number) => (n / 2 ** 30).toFixed(2);
  const quantized = [...file.tensors.values()].some((t) => t.typeName !== 'F32');
  throw new Error(`model: its weights need ${gib(f32Bytes)} GiB as float32, plus room for activations, and the ${backend.name} backend holds at most ${gib(limit)} GiB`
    + (quantized ? ' (quantized weights are widened to float32 on this backend, so a smaller quantization does not help yet)' : '')
    + '; run it on the webgpu backend (--backend webgpu) where a GPU has the memory');
}
