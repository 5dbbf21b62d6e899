// Which GGUF tensor types a weight keeps in the wasm heap (asm/stored-rows.ts, asm/gemm-q8.ts):
// the types depth-anything.cpp's quantizer writes. Any other type, and a row length that is not
// a whole number of the type's blocks, is widened to float32 at upload.
import { GGML_TYPE, ggmlTypeInfo } from '../../../gguf/types.ts';

const KEPT_TYPES = new Set<number>([GGML_TYPE.F16, GGML_TYPE.Q8_0, GGML_TYPE.Q4_K, GGML_TYPE.Q5_K, GGML_TYPE.Q6_K]);

export function wasmKeepsStored(type: number, shape: readonly number[]): boolean {
  const info = KEPT_TYPES.has(type) ? ggmlTypeInfo(type) : undefined;
  const k = shape[shape.length - 1] ?? 0;
  return info !== undefined && k > 0 && k % info.blockSize === 0;
}
