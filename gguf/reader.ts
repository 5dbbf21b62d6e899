// GGUF v2/v3 reader (layout as in ggml eced84c gguf.cpp). Parses the header only; tensor data
// stays in the source and is read on demand (see dequantize.ts readTensorF32).
//
// Every count, length and offset is checked against the file size before anything is allocated
// or looped over, so a hostile header fails fast with an Error naming the field.

import { GGUF_VALUE_TYPE, GGUF_VALUE_TYPE_NAMES, isGgufValueType, type GgufArray, type GgufKv, type GgufValue, type GgufValueType } from './kv.ts';
import type { ByteSource } from './source.ts';
import { ggmlTypeInfo, tensorByteSize } from './types.ts';

export interface GgufTensorInfo {
  readonly name: string;
  /** ggml `ne` order (ne[0] = contiguous axis), exactly the n_dims entries stored in the file. */
  readonly dims: readonly number[];
  /** ggml type id (see types.ts GGML_TYPE). */
  readonly type: number;
  /** Upper-case ggml type name, e.g. "F32", "Q4_K". */
  readonly typeName: string;
  /** Absolute file offset of the tensor's first byte. */
  readonly offset: number;
  readonly nbytes: number;
  readonly nelements: number;
}

export interface GgufFile {
  readonly version: number;
  readonly alignment: number;
  /** Metadata in file order. */
  readonly kv: ReadonlyMap<string, GgufKv>;
  /** Tensor infos in file order. */
  readonly tensors: ReadonlyMap<string, GgufTensorInfo>;
  /** Absolute offset of the tensor data section. */
  readonly dataOffset: number;
  /** File size in bytes. */
  readonly size: number;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS. */
export const GGUF_MAX_DIMS = 4;

const INITIAL_WINDOW = 1 << 20;
/** Arrays of arrays nest at most this deep (ggml allows none; deeper nesting would only exhaust the stack). */
const MAX_ARRAY_DEPTH = 8;
/** Smallest possible encodings, used to reject absurd counts before looping. */
const MIN_KV_BYTES = 8 + 4 + 1; // empty key, type, 1-byte value
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8; // empty name, n_dims 0, type, offset
const FIXED_SIZE: Partial<Record<GgufValueType, number>> = {
  [GGUF_VALUE_TYPE.UINT8]: 1, [GGUF_VALUE_TYPE.INT8]: 1, [GGUF_VALUE_TYPE.BOOL]: 1,
  [GGUF_VALUE_TYPE.UINT16]: 2, [GGUF_VALUE_TYPE.INT16]: 2,
  [GGUF_VALUE_TYPE.UINT32]: 4, [GGUF_VALUE_TYPE.INT32]: 4, [GGUF_VALUE_TYPE.FLOAT32]: 4,
  [GGUF_VALUE_TYPE.UINT64]: 8, [GGUF_VALUE_TYPE.INT64]: 8, [GGUF_VALUE_TYPE.FLOAT64]: 8,
};
const MIN_ELEMENT_BYTES: Record<GgufValueType, number> = {
  ...(FIXED_SIZE as Record<GgufValueType, number>),
  [GGUF_VALUE_TYPE.STRING]: 8,
  [GGUF_VALUE_TYPE.ARRAY]: 4 + 8,
};

const NE_FIELD = ['ne[0]', 'ne[1]', 'ne[2]', 'ne[3]'];
const STRING_LENGTH_FIELD = { key: 'key length', name: 'name length', 'string value': 'string value length' } as const;

/** Thrown by the cursor when the header goes on past the bytes fetched so far (not past the file). */
class NeedMoreBytes {
  readonly end: number;
  constructor(end: number) {
    this.end = end;
  }
}

/** Sequential little-endian reads over the fetched prefix of the file. */
class HeaderCursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly fileSize: number;
  pos = 0;
  /** What is being parsed, for error messages ("KV 'x'", "tensor 'y'"). */
  context = 'header';
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(bytes: Uint8Array, fileSize: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.fileSize = fileSize;
  }

  fail(message: string): never {
    throw new Error(`gguf: ${this.context}: ${message}`);
  }

  get remaining(): number {
    return this.fileSize - this.pos;
  }

  /** Makes sure n more bytes are available; returns the position they start at. */
  take(n: number, field: string): number {
    const at = this.pos;
    if (n > this.fileSize - at) this.fail(`${field} at byte ${at} (${n} bytes) extends past end of file (size ${this.fileSize})`);
    if (at + n > this.bytes.byteLength) throw new NeedMoreBytes(at + n);
    this.pos = at + n;
    return at;
  }

  u8(field: string): number { return this.view.getUint8(this.take(1, field)); }
  i8(field: string): number { return this.view.getInt8(this.take(1, field)); }
  u16(field: string): number { return this.view.getUint16(this.take(2, field), true); }
  i16(field: string): number { return this.view.getInt16(this.take(2, field), true); }
  u32(field: string): number { return this.view.getUint32(this.take(4, field), true); }
  i32(field: string): number { return this.view.getInt32(this.take(4, field), true); }
  f32(field: string): number { return this.view.getFloat32(this.take(4, field), true); }
  f64(field: string): number { return this.view.getFloat64(this.take(8, field), true); }
  u64(field: string): bigint { return this.view.getBigUint64(this.take(8, field), true); }
  i64(field: string): bigint { return this.view.getBigInt64(this.take(8, field), true); }

  /** A u64 that must be at most `limit`; `why` completes the error message otherwise. */
  bounded(field: string, limit: number, why: () => string): number {
    const v = this.u64(field);
    if (v > BigInt(limit)) this.fail(`${field} ${v} ${why()}`);
    return Number(v);
  }

  /**
   * A u64 count of items of at least `bytesEach` bytes that must fit in what is left of the file
   * after the count itself and `reserved` further bytes.
   */
  count(field: string, bytesEach: number, reserved = 0): number {
    const left = Math.max(0, this.remaining - 8 - reserved);
    return this.bounded(field, Math.floor(left / bytesEach), () =>
      `cannot fit in the ${left} bytes left in the file (size ${this.fileSize})${bytesEach > 1 ? ` at ${bytesEach}+ bytes each` : ''}`);
  }

  string(field: 'key' | 'name' | 'string value'): string {
    const length = this.count(STRING_LENGTH_FIELD[field], 1);
    const at = this.take(length, field);
    try {
      return this.utf8.decode(this.bytes.subarray(at, at + length));
    } catch {
      return this.fail(`${field} at byte ${at} is not valid UTF-8`);
    }
  }
}

function readValue(cur: HeaderCursor, type: GgufValueType, depth: number): GgufValue {
  switch (type) {
    case GGUF_VALUE_TYPE.UINT8: return cur.u8('u8 value');
    case GGUF_VALUE_TYPE.INT8: return cur.i8('i8 value');
    case GGUF_VALUE_TYPE.UINT16: return cur.u16('u16 value');
    case GGUF_VALUE_TYPE.INT16: return cur.i16('i16 value');
    case GGUF_VALUE_TYPE.UINT32: return cur.u32('u32 value');
    case GGUF_VALUE_TYPE.INT32: return cur.i32('i32 value');
    case GGUF_VALUE_TYPE.FLOAT32: return cur.f32('f32 value');
    case GGUF_VALUE_TYPE.UINT64: return cur.u64('u64 value');
    case GGUF_VALUE_TYPE.INT64: return cur.i64('i64 value');
    case GGUF_VALUE_TYPE.FLOAT64: return cur.f64('f64 value');
    case GGUF_VALUE_TYPE.STRING: return cur.string('string value');
    case GGUF_VALUE_TYPE.BOOL: {
      const b = cur.u8('bool value');
      if (b > 1) cur.fail(`bool value at byte ${cur.pos - 1} is ${b}, expected 0 or 1`);
      return b === 1;
    }
    case GGUF_VALUE_TYPE.ARRAY: return readArray(cur, depth + 1);
  }
}

function readValueType(cur: HeaderCursor, field: string): GgufValueType {
  const type = cur.u32(field);
  if (!isGgufValueType(type)) cur.fail(`${field} ${type} is not a GGUF value type (0..${GGUF_VALUE_TYPE_NAMES.length - 1})`);
  return type;
}

function readArray(cur: HeaderCursor, depth: number): GgufArray {
  if (depth > MAX_ARRAY_DEPTH) cur.fail(`arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
  const elementType = readValueType(cur, 'array element type');
  const count = cur.count('array length', MIN_ELEMENT_BYTES[elementType]);
  const items: GgufValue[] = [];
  for (let i = 0; i < count; i++) items.push(readValue(cur, elementType, depth));
  return { elementType, items };
}

function readKvs(cur: HeaderCursor, count: number): Map<string, GgufKv> {
  const kv = new Map<string, GgufKv>();
  for (let i = 0; i < count; i++) {
    cur.context = `KV #${i}`;
    const key = cur.string('key');
    if (kv.has(key)) cur.fail(`duplicate key '${key}'`);
    cur.context = `KV '${key}'`;
    const type = readValueType(cur, 'value type');
    kv.set(key, { type, value: readValue(cur, type, 0) });
  }
  return kv;
}

/** The data alignment a KV set declares: u32 `general.alignment` (a power of two), else 32. */
export function ggufAlignment(kv: ReadonlyMap<string, GgufKv>): number {
  const entry = kv.get('general.alignment');
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  if (entry.type !== GGUF_VALUE_TYPE.UINT32) {
    throw new Error(`gguf: general.alignment must be a u32, found ${GGUF_VALUE_TYPE_NAMES[entry.type]}`);
  }
  const a = entry.value as number;
  if (a === 0 || (a & (a - 1)) !== 0) throw new Error(`gguf: general.alignment ${a} is not a power of two`);
  return a;
}

interface RawTensorInfo {
  name: string;
  dims: number[];
  type: number;
  typeName: string;
  relativeOffset: number;
  nbytes: number;
  nelements: number;
}

function readTensorInfo(cur: HeaderCursor, index: number): RawTensorInfo {
  cur.context = `tensor #${index}`;
  const name = cur.string('name');
  cur.context = `tensor '${name}'`;
  const nDims = cur.u32('n_dims');
  if (nDims > GGUF_MAX_DIMS) cur.fail(`n_dims ${nDims} is more than ${GGUF_MAX_DIMS}`);
  const dims: number[] = [];
  let nelements = 1;
  for (let d = 0; d < nDims; d++) {
    const ne = cur.bounded(NE_FIELD[d], Number.MAX_SAFE_INTEGER, () => 'is too large (more than 2^53 - 1)');
    dims.push(ne);
    nelements *= ne;
    if (!Number.isSafeInteger(nelements)) cur.fail(`element count of dims [${dims.join(', ')}] overflows`);
  }
  const type = cur.u32('type');
  const info = ggmlTypeInfo(type) ?? cur.fail(`unknown or unsupported ggml tensor type id ${type}`);
  const rowLength = nDims > 0 ? dims[0] : 1;
  if (rowLength % info.blockSize !== 0) {
    cur.fail(`ne[0] = ${rowLength} is not a multiple of the ${info.name} block size ${info.blockSize}`);
  }
  const nbytes = tensorByteSize(type, nelements);
  if (nbytes > cur.fileSize) cur.fail(`${nbytes} bytes of ${info.name} data cannot fit in the file (size ${cur.fileSize})`);
  const relativeOffset = cur.bounded('offset', cur.fileSize, () => `is past end of file (size ${cur.fileSize})`);
  return { name, dims, type, typeName: info.name, relativeOffset, nbytes, nelements };
}

interface Header {
  version: number;
  kv: Map<string, GgufKv>;
  infos: RawTensorInfo[];
  end: number;
}

function parseHeader(cur: HeaderCursor): Header {
  const magic = cur.u32('magic');
  if (magic !== GGUF_MAGIC) cur.fail(`bad magic 0x${magic.toString(16).padStart(8, '0')}, expected "GGUF" (not a GGUF file)`);
  const version = cur.u32('version');
  if ((version & 0xffff) === 0 && version !== 0) cur.fail(`version 0x${version.toString(16)} looks byte-swapped (big-endian GGUF is not supported)`);
  if (version !== 2 && version !== 3) cur.fail(`unsupported version ${version} (expected 2 or 3)`);
  const nTensors = cur.count('tensor count', MIN_TENSOR_INFO_BYTES, 8);
  const nKv = cur.count('KV count', MIN_KV_BYTES, nTensors * MIN_TENSOR_INFO_BYTES);
  const kv = readKvs(cur, nKv);
  const infos: RawTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const info = readTensorInfo(cur, i);
    if (names.has(info.name)) cur.fail('duplicate tensor name');
    names.add(info.name);
    infos.push(info);
  }
  return { version, kv, infos, end: cur.pos };
}

/** Places the tensors after the header and checks that each lies aligned, inside the file, and apart from the others. */
function placeTensors(infos: RawTensorInfo[], dataOffset: number, alignment: number, size: number): Map<string, GgufTensorInfo> {
  const tensors = new Map<string, GgufTensorInfo>();
  for (const raw of infos) {
    const offset = dataOffset + raw.relativeOffset;
    if (raw.relativeOffset % alignment !== 0) {
      throw new Error(`gguf: tensor '${raw.name}' data offset ${raw.relativeOffset} is not a multiple of the alignment ${alignment}`);
    }
    if (offset + raw.nbytes > size) {
      throw new Error(`gguf: tensor '${raw.name}' data [${offset}, ${offset + raw.nbytes}) extends past end of file (size ${size})`);
    }
    tensors.set(raw.name, { name: raw.name, dims: raw.dims, type: raw.type, typeName: raw.typeName, offset, nbytes: raw.nbytes, nelements: raw.nelements });
  }
  const byOffset = [...tensors.values()].filter((t) => t.nbytes > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    const cur = byOffset[i];
    if (cur.offset < prev.offset + prev.nbytes) {
      throw new Error(`gguf: tensor '${cur.name}' data at ${cur.offset} overlaps tensor '${prev.name}' [${prev.offset}, ${prev.offset + prev.nbytes})`);
    }
  }
  return tensors;
}

/** Parses a GGUF header from `source`, fetching it in windows that grow until the header fits. */
export async function readGguf(source: ByteSource): Promise<GgufFile> {
  const size = source.size;
  let window = Math.min(size, INITIAL_WINDOW);
  for (;;) {
    const cur = new HeaderCursor(await source.read(0, window), size);
    let header: Header;
    try {
      header = parseHeader(cur);
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      window = Math.min(size, Math.max(window * 2, e.end));
      continue;
    }
    const alignment = ggufAlignment(header.kv);
    const dataOffset = Math.ceil(header.end / alignment) * alignment;
    const tensors = placeTensors(header.infos, dataOffset, alignment, size);
    return { version: header.version, alignment, kv: header.kv, tensors, dataOffset, size };
  }
}

/** The raw stored bytes of tensor `name` (e.g. to upload quantized blocks as they are). */
export async function readTensorBytes(file: GgufFile, source: ByteSource, name: string): Promise<Uint8Array> {
  const info = file.tensors.get(name);
  if (!info) throw new Error(`gguf: tensor '${name}' not found`);
  return source.read(info.offset, info.nbytes);
}
