import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readTensorF32 } from '../gguf/dequantize.ts';
import { GGUF_VALUE_TYPE, kvArray, type GgufKv } from '../gguf/kv.ts';
import { readGguf, type GgufFile } from '../gguf/reader.ts';
import { bytesSource, type ByteSource } from '../gguf/source.ts';
import { GGML_TYPE } from '../gguf/types.ts';
import { writeGguf, type GgufWriteTensor } from '../gguf/writer.ts';
import { concatBytes } from './helpers/bytes.ts';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);
const load = async (path: string) => new Uint8Array(await readFile(fixture(path)));


/** The write input that reproduces a parsed file: same KVs, same tensors with their stored bytes. */
function rewriteInput(file: GgufFile, bytes: Uint8Array) {
  const tensors: GgufWriteTensor[] = [...file.tensors.values()].map((t) => ({
    name: t.name, dims: t.dims, type: t.type, data: bytes.subarray(t.offset, t.offset + t.nbytes),
  }));
  return { kv: file.kv, tensors };
}

/** Index of the first differing byte, or -1 (a readable failure instead of a megabyte diff). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

const FILES = [
  // ggml's writer
  'quant/dequant/types.gguf',
  'quant/quantize/pack-da3/pack-da3-q8_0.gguf',
  'quant/quantize/pack-da3/pack-da3-q6_k.gguf',
  'quant/quantize/pack-da3/pack-da3-q4_k.gguf',
  'quant/quantize/synth/synth-da3-f16.gguf',
  'quant/quantize/synth/synth-da3-q8_0.gguf',
  'quant/quantize/synth/synth-da3-q6_k.gguf',
  'quant/quantize/synth/synth-da3-q5_k.gguf',
  'quant/quantize/synth/synth-da3-q4_k.gguf',
  // gguf-py (same layout, numpy-rank dims)
  'quant/quantize/synth/synth-da3-input.gguf',
  'models/da3/pack-da3-aux-f32.gguf',
  'models/da3-giant/pack-da3-giant-aux-f32.gguf',
  'models/da2/pack-da2-f32.gguf',
  'models/da3nested/pack-da3nested-metric-f32.gguf',
];

describe('rewriting a parsed file gives the same bytes', () => {
  for (const path of FILES) {
    it(path, async () => {
      const bytes = await load(path);
      const chunks = writeGguf(rewriteInput(await readGguf(bytesSource(bytes)), bytes));
      const written = concatBytes(chunks);
      expect(written.byteLength).toBe(bytes.byteLength);
      expect(firstDifference(written, bytes)).toBe(-1);
    });
  }

  it('passes tensor data through without copying', async () => {
    const bytes = await load('quant/dequant/types.gguf');
    const input = rewriteInput(await readGguf(bytesSource(bytes)), bytes);
    const chunks = writeGguf(input);
    expect(chunks[1]).toBe(input.tensors[0].data);
  });
});

describe('writing new files', () => {
  const kv = new Map<string, GgufKv>([
    ['general.architecture', { type: GGUF_VALUE_TYPE.STRING, value: 'test' }],
    ['general.alignment', { type: GGUF_VALUE_TYPE.UINT32, value: 64 }],
    ['t.u64_from_number', { type: GGUF_VALUE_TYPE.UINT64, value: 12345 }],
    ['t.i64', { type: GGUF_VALUE_TYPE.INT64, value: -(2n ** 63n) }],
    ['t.f32', { type: GGUF_VALUE_TYPE.FLOAT32, value: -0 }],
    ['t.nested', {
      type: GGUF_VALUE_TYPE.ARRAY,
      value: { elementType: GGUF_VALUE_TYPE.ARRAY, items: [
        { elementType: GGUF_VALUE_TYPE.INT16, items: [1, -2] },
        { elementType: GGUF_VALUE_TYPE.STRING, items: ['a', 'bc'] },
      ] },
    }],
  ]);
  const f32 = new Float32Array([1, 2, 3, -0]);
  const q8 = new Uint8Array(34).fill(3);
  q8[0] = 0x00;
  q8[1] = 0x3c; // d = 1.0
  const tensors: GgufWriteTensor[] = [
    { name: 'a', dims: [4, 1, 1], type: GGML_TYPE.F32, data: new Uint8Array(f32.buffer) },
    { name: 'b', dims: [32], type: GGML_TYPE.Q8_0, data: q8 },
    { name: 'empty', dims: [0, 3], type: GGML_TYPE.F16, data: new Uint8Array(0) },
  ];

  it('reads back KVs, dims, types, data and the declared alignment', async () => {
    const bytes = concatBytes(writeGguf({ kv, tensors }));
    const source = bytesSource(bytes);
    const file = await readGguf(source);
    expect(file.alignment).toBe(64);
    expect(file.dataOffset % 64).toBe(0);
    expect(bytes.byteLength).toBe(file.dataOffset + 64 + 64);
    expect(file.kv.get('t.u64_from_number')).toEqual({ type: GGUF_VALUE_TYPE.UINT64, value: 12345n });
    expect(file.kv.get('t.i64')!.value).toBe(-(2n ** 63n));
    expect(Object.is(file.kv.get('t.f32')!.value, -0)).toBe(true);
    expect(kvArray(file, 't.nested')).toEqual([
      { elementType: GGUF_VALUE_TYPE.INT16, items: [1, -2] },
      { elementType: GGUF_VALUE_TYPE.STRING, items: ['a', 'bc'] },
    ]);
    expect([...file.tensors.values()].map((t) => [t.name, t.dims, t.typeName, t.offset - file.dataOffset])).toEqual([
      ['a', [4, 1, 1], 'F32', 0], ['b', [32], 'Q8_0', 64], ['empty', [0, 3], 'F16', 128],
    ]);
    expect(await readTensorF32(file, source, 'a')).toEqual(f32);
    expect([...(await readTensorF32(file, source, 'b'))]).toEqual(new Array(32).fill(3));
  });

  it('rejects invalid input with a message naming it', () => {
    const t = tensors[0];
    const str = (value: unknown): Map<string, GgufKv> => new Map([['k', { type: GGUF_VALUE_TYPE.UINT8, value: value as number }]]);
    expect(() => writeGguf({ kv: str(256), tensors: [] })).toThrow("KV 'k': 256 is not a valid u8");
    expect(() => writeGguf({ kv: str('x'), tensors: [] })).toThrow("KV 'k': x is not a valid u8");
    expect(() => writeGguf({ kv: new Map([['k', { type: GGUF_VALUE_TYPE.UINT64, value: -1n }]]), tensors: [] })).toThrow("KV 'k': -1 is not a valid u64");
    expect(() => writeGguf({ kv: [['k', { type: GGUF_VALUE_TYPE.BOOL, value: true }], ['k', { type: GGUF_VALUE_TYPE.BOOL, value: true }]], tensors: [] }))
      .toThrow("duplicate KV 'k'");
    expect(() => writeGguf({ kv: new Map([['general.alignment', { type: GGUF_VALUE_TYPE.UINT32, value: 48 }]]), tensors: [] }))
      .toThrow('general.alignment 48 is not a power of two');
    expect(() => writeGguf({ kv: [], tensors: [t, t] })).toThrow("duplicate tensor name 'a'");
    expect(() => writeGguf({ kv: [], tensors: [{ ...t, data: new Uint8Array(12) }] })).toThrow("tensor 'a': data is 12 bytes, F32 [4, 1, 1] needs 16");
    expect(() => writeGguf({ kv: [], tensors: [{ ...t, name: 'x'.repeat(64) }] })).toThrow('name is 64 bytes, ggml allows at most 63');
    expect(() => writeGguf({ kv: [], tensors: [{ ...t, dims: [4, 1, 1, 1, 1] }] })).toThrow("tensor 'a': 5 dims, at most 4");
    expect(() => writeGguf({ kv: [], tensors: [{ ...tensors[1], dims: [16, 2] }] })).toThrow('ne[0] = 16 is not a multiple of the Q8_0 block size 32');
    expect(() => writeGguf({ kv: [], tensors: [{ ...t, type: 77 }] })).toThrow('unknown or unsupported ggml tensor type id 77');
  });

  it('a header larger than the first read window is fetched in growing reads', async () => {
    const vocab = Array.from({ length: 40000 }, (_, i) => `token-${i}-${'x'.repeat(i % 97)}`);
    const big = new Map<string, GgufKv>([['tokens', { type: GGUF_VALUE_TYPE.ARRAY, value: { elementType: GGUF_VALUE_TYPE.STRING, items: vocab } }]]);
    const bytes = concatBytes(writeGguf({ kv: big, tensors }));
    expect(bytes.byteLength).toBeGreaterThan(2 << 20);
    const inner = bytesSource(bytes);
    const reads: number[] = [];
    const counting: ByteSource = { size: inner.size, read: (o, n) => { reads.push(n); return inner.read(o, n); } };
    const file = await readGguf(counting);
    expect(kvArray(file, 'tokens')).toEqual(vocab);
    expect(file.tensors.size).toBe(3);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads[0]).toBe(1 << 20);
    expect(reads.every((n, i) => i === 0 || n > reads[i - 1])).toBe(true);
    expect(reads.at(-1)!).toBeLessThan(bytes.byteLength + 1);
  });
});
