import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTensorF32, readTensorInto } from '../gguf/dequantize.ts';
import {
  GGUF_VALUE_TYPE_NAMES, kvArray, kvBool, kvNumber, kvNumberArray, kvNumberArrayOr, kvNumberOr, kvString, kvStringOr,
  type GgufValue,
} from '../gguf/kv.ts';
import { readGguf, readTensorBytes } from '../gguf/reader.ts';
import { ggmlDims, ggmlNDims, shapeOf } from '../gguf/shape.ts';
import { bytesSource } from '../gguf/source.ts';
import { fileSource } from '../src/node.ts';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);
const load = async (path: string) => new Uint8Array(await readFile(fixture(path)));

interface ExpectedKv { key: string; type: string; elem_type?: string; value: unknown; bits?: string | string[] }
interface ExpectedTensor { name: string; n_dims: number; ne: number[]; type: string; ggml_type_id: number; offset: number; nbytes: number }
interface Expected {
  version: number; n_kv: number; n_tensors: number; alignment: number; data_offset: number; file_size: number;
  kv: ExpectedKv[]; tensors: ExpectedTensor[];
}

/** The fixture JSON's spelling of a value: 64-bit integers as decimal strings, arrays as plain lists. */
function plain(value: GgufValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return value.items.map(plain);
  return value;
}

function f32Bits(x: number): string {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x);
  return `0x${v.getUint32(0).toString(16).padStart(8, '0')}`;
}

function f64Bits(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return `0x${v.getBigUint64(0).toString(16).padStart(16, '0')}`;
}

describe('types.gguf header', async () => {
  const expected = JSON.parse(await readFile(fixture('quant/dequant/types.expected.json'), 'utf8')) as Expected;
  const file = await readGguf(bytesSource(await load('quant/dequant/types.gguf')));

  it('has the expected layout numbers', () => {
    expect({ version: file.version, nKv: file.kv.size, nTensors: file.tensors.size, alignment: file.alignment, dataOffset: file.dataOffset, size: file.size })
      .toEqual({ version: expected.version, nKv: expected.n_kv, nTensors: expected.n_tensors, alignment: expected.alignment, dataOffset: expected.data_offset, size: expected.file_size });
  });

  it('reads every KV with its type and exact value, in file order', () => {
    expect([...file.kv.keys()]).toEqual(expected.kv.map((e) => e.key));
    for (const e of expected.kv) {
      const kv = file.kv.get(e.key)!;
      expect(GGUF_VALUE_TYPE_NAMES[kv.type], e.key).toBe(e.type);
      if (typeof kv.value === 'object') expect(GGUF_VALUE_TYPE_NAMES[kv.value.elementType], e.key).toBe(e.elem_type);
      expect(plain(kv.value), e.key).toEqual(e.value);
      if (e.bits !== undefined) {
        const values = (typeof kv.value === 'object' ? kv.value.items : [kv.value]) as number[];
        const elemType = e.elem_type ?? e.type;
        const bits = values.map((x) => (elemType === 'f32' ? f32Bits(x) : f64Bits(x)));
        expect(bits, e.key).toEqual(Array.isArray(e.bits) ? e.bits : [e.bits]);
      }
    }
    // -0.0 survives (toEqual treats -0 and +0 as different, but be explicit).
    expect(Object.is(kvArray(file, 'fixture.arr_f64')[0], -0)).toBe(true);
  });

  it('reads every tensor info (dims as stored, data offset relative to the data section)', () => {
    expect([...file.tensors.keys()]).toEqual(expected.tensors.map((t) => t.name));
    for (const t of expected.tensors) {
      const info = file.tensors.get(t.name)!;
      expect({ n_dims: info.dims.length, ne: info.dims, type: info.typeName, id: info.type, offset: info.offset - file.dataOffset, nbytes: info.nbytes, nelements: info.nelements })
        .toEqual({ n_dims: t.n_dims, ne: t.ne, type: t.type, id: t.ggml_type_id, offset: t.offset, nbytes: t.nbytes, nelements: t.ne[0] * t.ne[1] });
    }
  });

  it('typed getters return values and name the key on errors', () => {
    expect(kvNumber(file, 'fixture.u32')).toBe(4000000000);
    expect(kvNumber(file, 'fixture.i8')).toBe(-100);
    expect(kvNumber(file, 'fixture.f32')).toBe(Math.fround(Math.PI));
    expect(kvString(file, 'fixture.str_utf8')).toBe('żółw 🐢 ü');
    expect(kvBool(file, 'fixture.bool_false')).toBe(false);
    expect(kvArray(file, 'fixture.arr_str')).toEqual(['alpha', '', 'γδ', 'last']);
    expect(kvNumberArray(file, 'fixture.arr_i32')).toEqual([1, -2, 3, 2147483647, -2147483648]);
    expect(() => kvNumberArray(file, 'fixture.arr_u64')).toThrow(/fixture\.arr_u64.*does not fit/);
    expect(() => kvNumber(file, 'fixture.i64')).toThrow(/fixture\.i64.*does not fit/);
    expect(() => kvNumber(file, 'fixture.str')).toThrow("metadata key 'fixture.str' is str, expected a number");
    expect(() => kvString(file, 'nope')).toThrow("metadata key 'nope' is missing");
    expect(() => kvNumberArray(file, 'fixture.arr_str')).toThrow(/fixture\.arr_str' is array of str, expected numbers/);
    expect(kvNumberOr(file, 'nope', 7)).toBe(7);
    expect(kvNumberOr(file, 'nope', undefined)).toBeUndefined();
    expect(kvStringOr(file, 'fixture.str', 'x')).toBe('hello GGUF');
    expect(kvNumberArrayOr(file, 'nope', [])).toEqual([]);
    expect(() => kvNumberOr(file, 'fixture.str', 0)).toThrow(/expected a number/);
  });
});

interface ManifestEntry { path: string; bytes: number; gguf_version: number; n_tensors: number; alignment: number; tensor_types: string[]; kv: Record<string, unknown> }

describe('model GGUFs match MANIFEST.json', async () => {
  const manifest = JSON.parse(await readFile(fixture('MANIFEST.json'), 'utf8')) as { files: ManifestEntry[] };
  const models = manifest.files.filter((f) => f.path.endsWith('.gguf'));

  it('lists all eight models', () => expect(models.length).toBe(8));

  for (const entry of models) {
    it(entry.path, async () => {
      const file = await readGguf(bytesSource(await load(entry.path)));
      expect(file.size).toBe(entry.bytes);
      expect(file.version).toBe(entry.gguf_version);
      expect(file.alignment).toBe(entry.alignment);
      expect(file.tensors.size).toBe(entry.n_tensors);
      expect([...new Set([...file.tensors.values()].map((t) => t.typeName))]).toEqual(entry.tensor_types);
      expect(Object.fromEntries([...file.kv].map(([k, v]) => [k, plain(v.value)]))).toEqual(entry.kv);
      expect([...file.kv.keys()]).toEqual(Object.keys(entry.kv));
      // gguf-py packs tensors densely in info order, each padded to the alignment.
      let expectedOffset = file.dataOffset;
      for (const t of file.tensors.values()) {
        expect(t.offset, t.name).toBe(expectedOffset);
        expectedOffset += Math.ceil(t.nbytes / 32) * 32;
      }
      expect(expectedOffset).toBe(file.size);
    });
  }
});

describe('shapes', async () => {
  // The same model before (gguf-py: numpy rank) and after ggml's writer (trailing 1s dropped).
  const converter = await readGguf(bytesSource(await load('models/da3/pack-da3-aux-f32.gguf')));
  const rewritten = await readGguf(bytesSource(await load('quant/quantize/pack-da3/pack-da3-q8_0.gguf')));

  it('keeps dims exactly as stored', () => {
    expect(converter.tensors.get('vit.cls_token')!.dims).toEqual([64, 1, 1]);
    expect(rewritten.tensors.get('vit.cls_token')!.dims).toEqual([64]);
    expect(converter.tensors.get('vit.pos_embed')!.dims).toEqual([64, 1370, 1]);
    expect(rewritten.tensors.get('vit.pos_embed')!.dims).toEqual([64, 1370]);
  });

  it('shapeOf agrees across both conventions for every tensor', () => {
    expect([...rewritten.tensors.keys()]).toEqual([...converter.tensors.keys()]);
    for (const t of converter.tensors.values()) {
      expect(shapeOf(rewritten.tensors.get(t.name)!), t.name).toEqual(shapeOf(t));
    }
    expect(shapeOf(converter.tensors.get('vit.pos_embed')!)).toEqual([1370, 64]);
    expect(shapeOf(converter.tensors.get('vit.cls_token')!)).toEqual([64]);
    expect(shapeOf({ dims: [14, 14, 3, 64] })).toEqual([64, 3, 14, 14]);
  });

  it('ggmlNDims / ggmlDims follow ggml_n_dims', () => {
    expect(ggmlNDims([256, 1])).toBe(1);
    expect(ggmlNDims([1, 1, 1])).toBe(1);
    expect(ggmlNDims([])).toBe(1);
    expect(ggmlNDims([3, 1, 2])).toBe(3);
    expect(ggmlDims([])).toEqual([1]);
    expect(ggmlDims([64, 2, 1])).toEqual([64, 2]);
  });
});

describe('fileSource', () => {
  it('reads the same header and tensors as bytesSource, and rejects ranges outside the file', async () => {
    const path = 'models/da3nested/pack-da3nested-metric-f32.gguf';
    const fromMemory = bytesSource(await load(path));
    const fromFile = await fileSource(fileURLToPath(fixture(path)));
    try {
      expect(fromFile.size).toBe(fromMemory.size);
      const a = await readGguf(fromMemory);
      const b = await readGguf(fromFile);
      expect(b).toEqual(a);
      for (const name of [...a.tensors.keys()].slice(0, 20)) {
        expect(await readTensorBytes(b, fromFile, name)).toEqual(await readTensorBytes(a, fromMemory, name));
      }
      const last = [...a.tensors.keys()].at(-1)!;
      expect(await readTensorF32(b, fromFile, last)).toEqual(await readTensorF32(a, fromMemory, last));
      await expect(fromFile.read(fromFile.size - 4, 8)).rejects.toThrow(/outside the source/);
      await expect(fromMemory.read(-1, 4)).rejects.toThrow(/outside the source/);
      // readTensorInto decodes straight into a caller's buffer (here shared memory, as a wasm heap is).
      const info = b.tensors.get(last)!;
      const into = new Float32Array(new SharedArrayBuffer(info.nelements * 4));
      await readTensorInto(b, fromFile, last, into);
      expect(Array.from(into)).toEqual(Array.from(await readTensorF32(a, fromMemory, last)));
      await expect(readTensorInto(b, fromFile, last, new Float32Array(info.nelements + 1))).rejects.toThrow(/target holds/);
      await expect(fromFile.readInto!(fromFile.size - 4, new Uint8Array(8))).rejects.toThrow(/outside the source/);
    } finally {
      await fromFile.close();
    }
  });
});
