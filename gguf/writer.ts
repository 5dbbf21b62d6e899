// GGUF writer with ggml's layout (gguf_write_to_file): header, KVs in order, tensor infos in order,
// zero padding to the alignment, then each tensor's bytes padded with zeros to the alignment (the
// last one too). Reading a file and writing it back gives the same bytes.

import { GGUF_VALUE_TYPE, GGUF_VALUE_TYPE_NAMES, isGgufValueType, type GgufArray, type GgufKv, type GgufValue, type GgufValueType } from './kv.ts';
import { GGUF_MAGIC, GGUF_MAX_DIMS, ggufAlignment } from './reader.ts';
import { requireGgmlType, tensorByteSize } from './types.ts';

export interface GgufWriteTensor {
  readonly name: string;
  /**
   * ggml ne, written exactly as given. ggml's own writer stores ggmlDims(ne) (trailing 1s dropped,
   * see shape.ts); gguf-py keeps the numpy rank. Pass whichever the output should have.
   */
  readonly dims: readonly number[];
  /** ggml type id. */
  readonly type: number;
  /** The stored bytes, exactly tensorByteSize(type, nelements) long. */
  readonly data: Uint8Array;
}

/** A tensor's header entry: everything but the data (see writeGgufHeader). */
export type GgufTensorHeader = Omit<GgufWriteTensor, 'data'>;

export interface GgufWriteInput {
  /** Metadata in output order (a GgufFile's `kv` map works). `general.alignment` (u32) sets the alignment. */
  readonly kv: Iterable<readonly [string, GgufKv]>;
  readonly tensors: readonly GgufWriteTensor[];
}

/** ggml's GGML_MAX_NAME: tensor names must be shorter (it counts the NUL terminator). */
const MAX_NAME_BYTES = 64;
const VERSION = 3;

/** Growable little-endian byte buffer for the header. */
class HeaderBuilder {
  private bytes = new Uint8Array(4096);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  /** Appends n bytes and returns where they start (the buffer may be replaced, so take it first). */
  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, at + n));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + n;
    return at;
  }

  u8(v: number): void { const at = this.reserve(1); this.view.setUint8(at, v); }
  i8(v: number): void { const at = this.reserve(1); this.view.setInt8(at, v); }
  u16(v: number): void { const at = this.reserve(2); this.view.setUint16(at, v, true); }
  i16(v: number): void { const at = this.reserve(2); this.view.setInt16(at, v, true); }
  u32(v: number): void { const at = this.reserve(4); this.view.setUint32(at, v, true); }
  i32(v: number): void { const at = this.reserve(4); this.view.setInt32(at, v, true); }
  f32(v: number): void { const at = this.reserve(4); this.view.setFloat32(at, v, true); }
  f64(v: number): void { const at = this.reserve(8); this.view.setFloat64(at, v, true); }
  u64(v: bigint): void { const at = this.reserve(8); this.view.setBigUint64(at, v, true); }
  i64(v: bigint): void { const at = this.reserve(8); this.view.setBigInt64(at, v, true); }

  raw(b: Uint8Array): void {
    const at = this.reserve(b.byteLength);
    this.bytes.set(b, at);
  }

  /** The bytes written so far, zero-padded to a multiple of `alignment`. */
  finish(alignment: number): Uint8Array {
    this.reserve(alignmentPadding(this.length, alignment));
    return this.bytes.slice(0, this.length);
  }
}

/** Zero bytes that follow `length` bytes to reach the next multiple of `alignment`. */
export function alignmentPadding(length: number, alignment: number): number {
  return (alignment - (length % alignment)) % alignment;
}

const utf8 = new TextEncoder();

function writeString(out: HeaderBuilder, s: string): void {
  const b = utf8.encode(s);
  out.u64(BigInt(b.byteLength));
  out.raw(b);
}

const INT_RANGE: Partial<Record<GgufValueType, [number, number]>> = {
  [GGUF_VALUE_TYPE.UINT8]: [0, 0xff],
  [GGUF_VALUE_TYPE.INT8]: [-0x80, 0x7f],
  [GGUF_VALUE_TYPE.UINT16]: [0, 0xffff],
  [GGUF_VALUE_TYPE.INT16]: [-0x8000, 0x7fff],
  [GGUF_VALUE_TYPE.UINT32]: [0, 0xffffffff],
  [GGUF_VALUE_TYPE.INT32]: [-0x80000000, 0x7fffffff],
};
const BIGINT_RANGE: Partial<Record<GgufValueType, [bigint, bigint]>> = {
  [GGUF_VALUE_TYPE.UINT64]: [0n, 2n ** 64n - 1n],
  [GGUF_VALUE_TYPE.INT64]: [-(2n ** 63n), 2n ** 63n - 1n],
};

function writeValue(out: HeaderBuilder, key: string, type: GgufValueType, value: GgufValue): void {
  const bad = (): never => {
    throw new Error(`gguf writer: KV '${key}': ${typeof value === 'object' ? 'array' : String(value)} is not a valid ${GGUF_VALUE_TYPE_NAMES[type]}`);
  };
  const intRange = INT_RANGE[type];
  if (intRange) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < intRange[0] || value > intRange[1]) bad();
    const v = value as number;
    switch (type) {
      case GGUF_VALUE_TYPE.UINT8: return out.u8(v);
      case GGUF_VALUE_TYPE.INT8: return out.i8(v);
      case GGUF_VALUE_TYPE.UINT16: return out.u16(v);
      case GGUF_VALUE_TYPE.INT16: return out.i16(v);
      case GGUF_VALUE_TYPE.UINT32: return out.u32(v);
      default: return out.i32(v);
    }
  }
  const bigRange = BIGINT_RANGE[type];
  if (bigRange) {
    // Accept exact integers given as numbers too; the file stores 64 bits either way.
    const v = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : bad();
    if (v < bigRange[0] || v > bigRange[1]) bad();
    return type === GGUF_VALUE_TYPE.UINT64 ? out.u64(v) : out.i64(v);
  }
  switch (type) {
    case GGUF_VALUE_TYPE.FLOAT32: return typeof value === 'number' ? out.f32(value) : bad();
    case GGUF_VALUE_TYPE.FLOAT64: return typeof value === 'number' ? out.f64(value) : bad();
    case GGUF_VALUE_TYPE.BOOL: return typeof value === 'boolean' ? out.u8(value ? 1 : 0) : bad();
    case GGUF_VALUE_TYPE.STRING: return typeof value === 'string' ? writeString(out, value) : bad();
    case GGUF_VALUE_TYPE.ARRAY: {
      if (typeof value !== 'object') return bad();
      const array = value as GgufArray;
      if (!isGgufValueType(array.elementType)) bad();
      out.u32(array.elementType);
      out.u64(BigInt(array.items.length));
      for (const item of array.items) writeValue(out, key, array.elementType, item);
      return;
    }
  }
}

/** Writes the info record and returns the tensor's data size in bytes. */
function writeTensorInfo(out: HeaderBuilder, t: GgufTensorHeader, relativeOffset: number): number {
  const fail = (msg: string): never => {
    throw new Error(`gguf writer: tensor '${t.name}': ${msg}`);
  };
  const name = utf8.encode(t.name);
  if (name.byteLength >= MAX_NAME_BYTES) fail(`name is ${name.byteLength} bytes, ggml allows at most ${MAX_NAME_BYTES - 1}`);
  if (t.dims.length > GGUF_MAX_DIMS) fail(`${t.dims.length} dims, at most ${GGUF_MAX_DIMS}`);
  if (!t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`dims [${t.dims.join(', ')}] must be non-negative integers`);
  const info = requireGgmlType(t.type);
  const rowLength = t.dims.length > 0 ? t.dims[0] : 1;
  if (rowLength % info.blockSize !== 0) fail(`ne[0] = ${rowLength} is not a multiple of the ${info.name} block size ${info.blockSize}`);
  const nbytes = tensorByteSize(t.type, t.dims.reduce((a, b) => a * b, 1));
  out.u64(BigInt(name.byteLength));
  out.raw(name);
  out.u32(t.dims.length);
  for (const d of t.dims) out.u64(BigInt(d));
  out.u32(t.type);
  out.u64(BigInt(relativeOffset));
  return nbytes;
}

/**
 * The header of a GGUF v3 file (magic, KVs, tensor infos, zero padding to the alignment) whose
 * tensors' data follows in the given order, each padded with zeros to the alignment. With it a
 * caller can stream tensors it produces one at a time instead of holding them all (writeGguf).
 */
export function writeGgufHeader(input: { readonly kv: Iterable<readonly [string, GgufKv]>; readonly tensors: readonly GgufTensorHeader[] }): Uint8Array {
  const kv = new Map<string, GgufKv>();
  for (const [key, entry] of input.kv) {
    if (kv.has(key)) throw new Error(`gguf writer: duplicate KV '${key}'`);
    kv.set(key, entry);
  }
  const alignment = ggufAlignment(kv);
  const names = new Set<string>();
  for (const t of input.tensors) {
    if (names.has(t.name)) throw new Error(`gguf writer: duplicate tensor name '${t.name}'`);
    names.add(t.name);
  }

  const header = new HeaderBuilder();
  header.u32(GGUF_MAGIC);
  header.u32(VERSION);
  header.u64(BigInt(input.tensors.length));
  header.u64(BigInt(kv.size));
  for (const [key, entry] of kv) {
    writeString(header, key);
    if (!isGgufValueType(entry.type)) throw new Error(`gguf writer: KV '${key}': unknown value type ${entry.type}`);
    header.u32(entry.type);
    writeValue(header, key, entry.type, entry.value);
  }
  let offset = 0;
  for (const t of input.tensors) {
    const nbytes = writeTensorInfo(header, t, offset);
    offset += nbytes + alignmentPadding(nbytes, alignment);
  }
  return header.finish(alignment);
}

/**
 * Serializes a GGUF v3 file. Returns its bytes as consecutive chunks (header, then each tensor's
 * data and padding) so large tensors are never copied; the data chunks are the caller's arrays.
 */
export function writeGguf(input: GgufWriteInput): Uint8Array[] {
  const kv = [...input.kv]; // iterated twice below
  const header = writeGgufHeader({ kv, tensors: input.tensors });
  const alignment = ggufAlignment(new Map(kv));
  const zeros = new Uint8Array(alignment);
  const chunks = [header];
  for (const t of input.tensors) {
    const nbytes = tensorByteSize(t.type, t.dims.reduce((a, b) => a * b, 1));
    if (t.data.byteLength !== nbytes) {
      throw new Error(`gguf writer: tensor '${t.name}': data is ${t.data.byteLength} bytes, ${requireGgmlType(t.type).name} [${t.dims.join(', ')}] needs ${nbytes}`);
    }
    if (t.data.byteLength > 0) chunks.push(t.data);
    const pad = alignmentPadding(t.data.byteLength, alignment);
    if (pad > 0) chunks.push(zeros.subarray(0, pad));
  }
  return chunks;
}
