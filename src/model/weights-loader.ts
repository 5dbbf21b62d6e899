// Reads a GGUF's tensors, dequantizes them to float32 and places them on a backend, under their
// canonical names (the nested-metric file's `m_vit.` / `m_head.` become `vit.` / `head.`).

import { dequantize } from '../../gguf/dequantize.ts';
import { readTensorBytes, type GgufFile, type GgufTensorInfo } from '../../gguf/reader.ts';
import { shapeOf } from '../../gguf/shape.ts';
import { GGML_TYPE } from '../../gguf/types.ts';
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
export async function loadWeights(file: GgufFile, source: ByteSource, backend: Backend, only: (name: string) => boolean = () => true): Promise<Weights> {
  const weights = new BackendWeights(backend);
  for (const info of file.tensors.values()) {
    const name = canonicalName(info.name);
    if (!only(name)) continue;
    const data = decode(info, await readTensorBytes(file, source, info.name));
    weights.add(name, backend.upload(data, shapeOf(info), { weight: true }));
  }
  return weights;
}

/** The tensor as float32; F32 bytes are viewed, not copied (one transient copy less per tensor). */
function decode(info: GgufTensorInfo, bytes: Uint8Array): Float32Array {
  if (info.type === GGML_TYPE.F32 && bytes.byteOffset % 4 === 0 && bytes.byteLength >= info.nelements * 4) {
    return new Float32Array(bytes.buffer, bytes.byteOffset, info.nelements);
  }
  return dequantize(info.type, bytes, info.nelements);
}
