// The tensors of a checkpoint file, whatever its format: name, dtype, PyTorch shape, and a way to
// read the raw little-endian data. The converters only see this.

import { dequantizeBF16 } from '../../gguf/bf16.ts';
import { dequantizeF16 } from '../../gguf/f16.ts';

export type CheckpointDtype = 'F32' | 'F16' | 'BF16' | 'F64';

export interface CheckpointTensor {
  readonly name: string;
  readonly dtype: CheckpointDtype;
  /** PyTorch (row-major) shape. */
  readonly shape: readonly number[];
  /** The raw contiguous data, element count × dtype size bytes. */
  read(): Promise<Uint8Array>;
}

/** Tensors by name, in the file's order. */
export type CheckpointTensors = ReadonlyMap<string, CheckpointTensor>;

export const DTYPE_BYTES: Record<CheckpointDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

export const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor's data as little-endian float32 bytes (the converters write F32 only, like numpy's .float()). */
export async function readAsF32(tensor: CheckpointTensor): Promise<Uint8Array> {
  const raw = await tensor.read();
  const n = elementCount(tensor.shape);
  if (tensor.dtype === 'F32') return raw;
  const out = new Float32Array(n);
  if (tensor.dtype === 'F16') dequantizeF16(raw, out);
  else if (tensor.dtype === 'BF16') dequantizeBF16(raw, out);
  else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  }
  return new Uint8Array(out.buffer);
}
