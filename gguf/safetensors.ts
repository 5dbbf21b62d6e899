// safetensors reader: an 8-byte little-endian header length, a JSON header, then raw
// little-endian tensor data. Used for the converter (official checkpoints) and for tests.

import { dequantizeBF16 } from './bf16.ts';
import { dequantizeF16 } from './f16.ts';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8' | 'I8' | 'BOOL';

export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Raw bytes of the tensor, a view into the file buffer. */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
}

const DTYPE_SIZE: Record<SafetensorsDtype, number> = {
  F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, I8: 1, BOOL: 1,
};

export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.byteLength - 8) throw new Error(`safetensors: header length ${headerLen} exceeds file size ${bytes.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new Error(`safetensors: header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = entry as Record<string, string>; continue; }
    const { dtype, shape, data_offsets } = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    const size = DTYPE_SIZE[dtype];
    if (size === undefined) throw new Error(`safetensors: tensor ${name} has unsupported dtype ${dtype}`);
    const [begin, end] = data_offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end <= dataLen && end - begin === count * size)) {
      throw new Error(`safetensors: tensor ${name} offsets [${begin}, ${end}) do not fit its shape or the file`);
    }
    tensors.set(name, { name, dtype, shape, bytes: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  return { metadata, tensors };
}

/** Copy a tensor's data into a fresh, aligned typed array of its dtype (F16/BF16 widened to f32). */
export function safetensorsToArray(t: SafetensorsTensor): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array {
  const copy = new Uint8Array(t.bytes); // a copy even for a Node Buffer, whose slice() is a view
  const buf = copy.buffer;
  switch (t.dtype) {
    case 'F32': return new Float32Array(buf);
    case 'F64': return new Float64Array(buf);
    case 'I32': return new Int32Array(buf);
    case 'I64': return new BigInt64Array(buf);
    case 'U8': case 'BOOL': return copy;
    case 'I8': return new Int8Array(buf);
    case 'BF16': {
      const out = new Float32Array(copy.length / 2);
      dequantizeBF16(copy, out);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(copy.length / 2);
      dequantizeF16(copy, out);
      return out;
    }
  }
}
