// float32 -> tensor data of a ggml type, dispatching to one codec file per type. These are ggml's
// reference quantizers (quantize_row_*_ref, no importance matrix), bit-exact.

import { quantizeBF16 } from './bf16.ts';
import { quantizeF16 } from './f16.ts';
import { quantizeQ2_K } from './q2_k.ts';
import { quantizeQ3_K } from './q3_k.ts';
import { quantizeQ4_0 } from './q4_0.ts';
import { quantizeQ4_1 } from './q4_1.ts';
import { quantizeQ4_K } from './q4_k.ts';
import { quantizeQ5_0 } from './q5_0.ts';
import { quantizeQ5_1 } from './q5_1.ts';
import { quantizeQ5_K } from './q5_k.ts';
import { quantizeQ6_K } from './q6_k.ts';
import { quantizeQ8_0 } from './q8_0.ts';
import { GGML_TYPE, requireGgmlType, tensorByteSize } from './types.ts';

/** Encodes whole blocks: `src` holds a multiple of the block size, `out` exactly their bytes. */
type Quantizer = (src: Float32Array, out: Uint8Array) => void;

function copyF32(src: Float32Array, out: Uint8Array): void {
  out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
}

const QUANTIZERS = new Map<number, Quantizer>([
  [GGML_TYPE.F32, copyF32],
  [GGML_TYPE.F16, quantizeF16],
  [GGML_TYPE.BF16, quantizeBF16],
  [GGML_TYPE.Q4_0, quantizeQ4_0],
  [GGML_TYPE.Q4_1, quantizeQ4_1],
  [GGML_TYPE.Q5_0, quantizeQ5_0],
  [GGML_TYPE.Q5_1, quantizeQ5_1],
  [GGML_TYPE.Q8_0, quantizeQ8_0],
  [GGML_TYPE.Q2_K, quantizeQ2_K],
  [GGML_TYPE.Q3_K, quantizeQ3_K],
  [GGML_TYPE.Q4_K, quantizeQ4_K],
  [GGML_TYPE.Q5_K, quantizeQ5_K],
  [GGML_TYPE.Q6_K, quantizeQ6_K],
]);

/** Types quantize() can encode. */
export function canQuantize(type: number): boolean {
  return QUANTIZERS.has(type);
}

/**
 * Encodes `values` as ggml type `type` (ggml_quantize_chunk without imatrix). Blocks never span
 * rows, so quantizing a whole tensor at once equals quantizing it row by row; the row length
 * (ne[0]) must be a multiple of the block size, which the caller checks.
 */
export function quantize(type: number, values: Float32Array): Uint8Array {
  const { name } = requireGgmlType(type);
  const encode = QUANTIZERS.get(type);
  if (!encode) throw new Error(`gguf: no quantizer for tensor type ${name}`);
  const out = new Uint8Array(tensorByteSize(type, values.length));
  encode(values, out);
  return out;
}
