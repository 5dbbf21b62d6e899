// A wasm backend tensor: a shape over a block of the shared heap (Storage), which a weight's
// packed forms are attached to. The bookkeeping only; the ops are in wasm-backend.ts.
import type { Tensor } from '../backend.ts';

/** A block of the wasm heap; reshape views share it. Releasing any handle frees it. */
export class Storage {
  /** The block; for a weight packed in place, the block now holding the packed form. */
  ptr: number;
  readonly size: number;
  /** Bytes of the block: a weight's block may be reserved larger, for a larger packed form. */
  capacity: number;
  /** A model weight: its first packing replaces the plain values. */
  readonly weight: boolean;
  /** Packed forms of this data when used as a weight, by packing kind and shape. */
  readonly packed = new Map<string, number>();
  /** The packing that replaced the plain values (weights only). */
  packedInPlace: string | undefined;
  /**
   * While a weight is kept in its GGUF type: that GGML type and the row length the rows were
   * stored with. The block holds them as the GGUF stores them, except Q8_0, which is packed for
   * the integer GEMM (asm/gemm-q8.ts) at upload.
   */
  stored: { type: number; rowLength: number } | undefined;
  freed = false;

  constructor(ptr: number, size: number, weight: boolean, capacity: number, stored?: { type: number; rowLength: number }) {
    this.stored = stored;
    this.ptr = ptr;
    this.size = size;
    this.weight = weight;
    this.capacity = capacity;
  }
}

export class WasmTensor implements Tensor {
  readonly shape: readonly number[];
  readonly storage: Storage;

  constructor(shape: readonly number[], storage: Storage) {
    this.shape = shape;
    this.storage = storage;
  }

  get ptr(): number {
    return this.storage.ptr;
  }

  get size(): number {
    return this.storage.size;
  }
}
