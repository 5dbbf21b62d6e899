// Reads a GGUF's tensors straight into backend memory, in their stored type where the backend
// keeps it (quantized weights on wasm, F16 on webgpu) and otherwise dequantized to float32 (no
// transient whole-tensor copy: peak RSS stays near the model size), under their
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

/** Tensors read at once while loading. */
const READS_IN_FLIGHT = 4;

/** `only` limits loading to names (canonical) for which it returns true. */
export async function loadWeights(
  file: GgufFile, source: ByteSource, backend: Backend, only: (name: string) => boolean = () => true,
  onProgress?: (loadedBytes: number, totalBytes: number) => void,
): Promise<Weights> {
  const weights = new BackendWeights(backend);
  const wanted = [...file.tensors.values()].filter((info) => only(canonicalName(info.name)));
  const total = wanted.reduce((sum, info) => sum + info.nbytes, 0);
  checkWeightsFit(backend, wanted.reduce((sum, info) => sum + residentBytes(info, backend.keepsStored?.(info.type, shapeOf(info)) ?? false), 0), file);
  // A few tensors in flight at once: the file reads overlap each other (and the wasm backend's
  // Q8_0 packing), instead of one read waiting for the previous tensor.
  let loaded = 0, next = 0;
  const tensors: Tensor[] = [];
  const upload = async (): Promise<void> => {
    while (next < wanted.length) {
      const index = next++;
      const info = wanted[index]!;
      const stored = info.type === GGML_TYPE.F32 ? undefined
        : { type: info.type, bytes: info.nbytes, fill: (target: Uint8Array) => readStoredTensorInto(file, source, info.name, target) };
      try {
        tensors[index] = await backend.uploadWith(shapeOf(info), (target) => readTensorInto(file, source, info.name, target), { weight: true, stored });
      } catch (e) {
        next = wanted.length; // the other readers stop after their current tensor
        throw e;
      }
      loaded += info.nbytes;
      onProgress?.(loaded, total);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: READS_IN_FLIGHT }, upload));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    for (const t of tensors) if (t) backend.release(t);
    throw (failed as PromiseRejectedResult).reason;
  }
  wanted.forEach((info, i) => weights.add(canonicalName(info.name), tensors[i]!));
  return weights;
}

/** Bytes a tensor takes in a backend: as stored if the backend keeps its type, else float32. */
export function residentBytes(info: GgufTensorInfo, kept: boolean): number {
  return kept ? info.nbytes : info.nelements * 4;
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
