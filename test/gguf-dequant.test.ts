import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { canDequantize, dequantize, readTensorF32 } from '../gguf/dequantize.ts';
import { halfToFloat } from '../gguf/f16.ts';
import { readGguf } from '../gguf/reader.ts';
import { parseSafetensors, safetensorsToArray } from '../gguf/safetensors.ts';
import { bytesSource } from '../gguf/source.ts';
import { GGML_TYPE } from '../gguf/types.ts';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);
const TYPES = ['F32', 'F16', 'BF16', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K'] as const;

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Indices where two float arrays differ bitwise (at most a few, for the message). */
function bitMismatches(actual: Float32Array, expected: Float32Array): string[] {
  const a = bits(actual);
  const e = bits(expected);
  const out: string[] = [];
  for (let i = 0; i < e.length && out.length < 5; i++) {
    if (a[i] !== e[i]) out.push(`[${i}] got 0x${a[i].toString(16)} expected 0x${e[i].toString(16)}`);
  }
  return out;
}

describe('dequantization is bit-exact with ggml', async () => {
  const source = bytesSource(new Uint8Array(await readFile(fixture('quant/dequant/types.gguf'))));
  const file = await readGguf(source);
  const reference = parseSafetensors(new Uint8Array(await readFile(fixture('quant/dequant/types.dequant.safetensors'))));

  for (const type of TYPES) {
    it(type, async () => {
      const expected = safetensorsToArray(reference.tensors.get(`deq.${type}`)!) as Float32Array;
      expect(expected.length).toBe(1536);
      const actual = await readTensorF32(file, source, `t.${type}`);
      expect(actual.length).toBe(expected.length);
      expect(bitMismatches(actual, expected)).toEqual([]);
    });
  }

  it('the fixture exercises -0, +inf and -inf (so the bitwise check covers them)', () => {
    const f16 = bits(safetensorsToArray(reference.tensors.get('deq.F16')!) as Float32Array);
    expect(f16).toContain(0x80000000);
    expect(f16).toContain(0x7f800000);
    expect(f16).toContain(0xff800000);
  });
});

describe('dequantize()', () => {
  it('decodes f16 specials and subnormals exactly', () => {
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x03ff)).toBe(2 ** -14 - 2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
    // NaN payloads survive F16 -> F32 (quiet NaN 0x7e01 -> 0x7fc02000).
    const out = dequantize(GGML_TYPE.F16, new Uint8Array([0x01, 0x7e]), 1);
    expect(bits(out)[0]).toBe(0x7fc02000);
  });

  it('reads F32 from an unaligned view', () => {
    const buf = new Uint8Array(9);
    new DataView(buf.buffer).setFloat32(1, 1.5, true);
    new DataView(buf.buffer).setFloat32(5, -2, true);
    expect([...dequantize(GGML_TYPE.F32, buf.subarray(1), 2)]).toEqual([1.5, -2]);
  });

  it('rejects short input, partial blocks and types without a decoder', () => {
    expect(() => dequantize(GGML_TYPE.Q8_0, new Uint8Array(33), 32)).toThrow('32 Q8_0 values need 34 bytes, got 33');
    expect(() => dequantize(GGML_TYPE.Q4_K, new Uint8Array(1000), 100)).toThrow('100 elements is not a whole number of Q4_K blocks of 256');
    expect(canDequantize(GGML_TYPE.Q8_K)).toBe(false);
    expect(() => dequantize(GGML_TYPE.Q8_K, new Uint8Array(292), 256)).toThrow('no dequantizer for tensor type Q8_K');
    expect(() => dequantize(99, new Uint8Array(4), 1)).toThrow('unknown or unsupported ggml tensor type id 99');
  });
});
