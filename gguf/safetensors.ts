// safetensors reader: an 8-byte little-endian header length, a JSON header, then raw
// little-endian tensor data. The header parsing serves both the in-memory reader here (tests) and
// the converter's streaming checkpoint reader (src/convert/safetensors-checkpoint.ts).

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

export const SAFETENSORS_DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, I8: 1, BOOL: 1,
};

/** A header of more than this is not a model's (the DA3-giant's is a few hundred KB). */
const MAX_HEADER_BYTES = 100 << 20;

/** One tensor of a safetensors header, located in the file. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute file offset of the data, and its length. */
  offset: number;
  nbytes: number;
}

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/** The JSON header's length from the file's first 8 bytes, checked against the file size. */
export function safetensorsHeaderLength(first8: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || first8.byteLength < 8) fail(`file is ${fileSize} bytes, shorter than its 8-byte header length`);
  const length = Number(new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true));
  if (length > fileSize - 8 || length > MAX_HEADER_BYTES) fail(`header length ${length} does not fit the file (size ${fileSize})`);
  return length;
}

/**
 * The header's tensors (file offsets checked against the file size and the dtype × shape) and
 * metadata; `json` is the header text that follows the 8-byte length.
 */
export function parseSafetensorsHeader(json: Uint8Array, fileSize: number): { metadata: Record<string, string>; entries: SafetensorsEntry[] } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + json.byteLength;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') { metadata = entry as Record<string, string>; continue; }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPE_BYTES)) fail(`tensor '${name}' has unsupported dtype ${String(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has an invalid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) fail(`tensor '${name}' has invalid data_offsets`);
    const [begin, end] = offsets as [number, number];
    const nbytes = (shape as number[]).reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype as SafetensorsDtype];
    if (end - begin !== nbytes || dataStart + end > fileSize) {
      fail(`tensor '${name}' data [${begin}, ${end}) does not match its shape (${nbytes} bytes) or lies past the end of the file`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], offset: dataStart + begin, nbytes });
  }
  return { metadata, entries };
}

/** A whole safetensors file already in memory; tensor bytes are views into it. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const headerLength = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength);
  const { metadata, entries } = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, bytes: bytes.subarray(e.offset, e.offset + e.nbytes) });
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
