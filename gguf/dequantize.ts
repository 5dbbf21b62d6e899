// Tensor data -> float32, dispatching to one codec file per ggml type.

import { dequantizeBF16 } from './bf16.ts';
import { dequantizeF16 } from './f16.ts';
import { dequantizeQ2_K } from './q2_k.ts';
import { dequantizeQ3_K } from './q3_k.ts';
import { dequantizeQ4_0 } from './q4_0.ts';
import { dequantizeQ4_1 } from './q4_1.ts';
import { dequantizeQ4_K } from './q4_k.ts';
import { dequantizeQ5_0 } from './q5_0.ts';
import { dequantizeQ5_1 } from './q5_1.ts';
import { dequantizeQ5_K } from './q5_k.ts';
import { dequantizeQ6_K } from './q6_k.ts';
import { dequantizeQ8_0 } from './q8_0.ts';
import { readTensorBytes, type GgufFile } from './reader.ts';
import { readInto, type ByteSource } from './source.ts';
import { GGML_TYPE, requireGgmlType, tensorByteSize } from './types.ts';

/** Decodes whole blocks: `src` holds out.length / blockSize blocks. */
type Dequantizer = (src: Uint8Array, out: Float32Array) => void;

function copyF32(src: Uint8Array, out: Float32Array): void {
  // Byte copy rather than a Float32Array view: `src` need not be 4-byte aligned, and this keeps
  // every bit (NaN payloads). Assumes a little-endian host, as every JS engine in practice is.
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(src.subarray(0, out.byteLength));
}

const DEQUANTIZERS = new Map<number, Dequantizer>([
  [GGML_TYPE.F32, copyF32],
  [GGML_TYPE.F16, dequantizeF16],
  [GGML_TYPE.BF16, dequantizeBF16],
  [GGML_TYPE.Q4_0, dequantizeQ4_0],
  [GGML_TYPE.Q4_1, dequantizeQ4_1],
  [GGML_TYPE.Q5_0, dequantizeQ5_0],
  [GGML_TYPE.Q5_1, dequantizeQ5_1],
  [GGML_TYPE.Q8_0, dequantizeQ8_0],
  [GGML_TYPE.Q2_K, dequantizeQ2_K],
  [GGML_TYPE.Q3_K, dequantizeQ3_K],
  [GGML_TYPE.Q4_K, dequantizeQ4_K],
  [GGML_TYPE.Q5_K, dequantizeQ5_K],
  [GGML_TYPE.Q6_K, dequantizeQ6_K],
]);

/** Types dequantize() can decode. */
export function canDequantize(type: number): boolean {
  return DEQUANTIZERS.has(type);
}

/** Decodes `nelements` values of ggml type `type` from `bytes` (which may be longer) into a new array. */
export function dequantize(type: number, bytes: Uint8Array, nelements: number): Float32Array {
  const { name } = requireGgmlType(type);
  const decode = DEQUANTIZERS.get(type);
  if (!decode) throw new Error(`gguf: no dequantizer for tensor type ${name}`);
  const nbytes = tensorByteSize(type, nelements);
  if (bytes.byteLength < nbytes) throw new Error(`gguf: ${nelements} ${name} values need ${nbytes} bytes, got ${bytes.byteLength}`);
  const out = new Float32Array(nelements);
  decode(bytes.subarray(0, nbytes), out);
  return out;
}

/** Reads tensor `name` from `source` (the file `file` was parsed from) and decodes it to float32. */
export async function readTensorF32(file: GgufFile, source: ByteSource, name: string): Promise<Float32Array> {
  const bytes = await readTensorBytes(file, source, name);
  const info = file.tensors.get(name)!;
  return dequantize(info.type, bytes, info.nelements);
}

/** Reads a tensor's bytes as stored (no conversion) into `out` (exactly nbytes long). */
export async function readStoredTensorInto(file: GgufFile, source: ByteSource, name: string, out: Uint8Array): Promise<void> {
  const info = file.tensors.get(name);
  if (!info) throw new Error(`gguf: tensor '${name}' not found`);
  if (out.length !== info.nbytes) throw new Error(`gguf: tensor '${name}' has ${info.nbytes} bytes, target holds ${out.length}`);
  return readInto(source, info.offset, out);
}

/**
 * Reads tensor `name` decoded to float32 into `out` (nelements values): F32 data goes straight
 * from the source into `out`'s memory, other types through one buffer of their (smaller) bytes.
 */

export async function readTensorInto(file: GgufFile, source: ByteSource, name: string, out: Float32Array): Promise<void> {
  const info = file.tensors.get(name);
  if (!info) throw new Error(`gguf: tensor '${name}' not found`);
  if (out.length !== info.nelements) throw new Error(`gguf: tensor '${name}' has ${info.nelements} values, target holds ${out.length}`);
  if (info.type === GGML_TYPE.F32) return readInto(source, info.offset, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  const decode = DEQUANTIZERS.get(info.type);
  if (!decode) throw new Error(`gguf: no dequantizer for tensor type ${requireGgmlType(info.type).name}`);
  decode(await readTensorBytes(file, source, name), out);
}
