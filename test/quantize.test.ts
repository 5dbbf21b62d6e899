// The quantizer: ggml's reference quantizers bit for bit on every type (fixtures/quant/dequant),
// depth-anything.cpp's `quantize` output byte for byte (fixtures/quant/quantize), its type policy,
// the CLI, and clear errors for bad input.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { floatToHalf } from '../gguf/f16.ts';
import { GGML_TYPE, requireGgmlType } from '../gguf/types.ts';
import { quantize } from '../gguf/quantize.ts';
import { readGguf, readTensorBytes } from '../gguf/reader.ts';
import { parseSafetensors, safetensorsToArray } from '../gguf/safetensors.ts';
import { bytesSource } from '../gguf/source.ts';
import { writeGguf } from '../gguf/writer.ts';
import { runQuantize } from '../src/cli/quantize-command.ts';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.ts';
import { chooseTensorAction, describeQuantization, quantizeModel, quantizeTarget } from '../src/quantize/index.ts';
import { concatBytes } from './helpers/bytes.ts';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);
const load = async (path: string) => new Uint8Array(await readFile(fixture(path)));

/** Index of the first differing byte, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

describe('every quantizer reproduces ggml (ggml_quantize_chunk, no imatrix) bit for bit', async () => {
  const source = bytesSource(await load('quant/dequant/types.gguf'));
  const file = await readGguf(source);
  const reference = parseSafetensors(await load('quant/dequant/types.dequant.safetensors'));
  for (const info of file.tensors.values()) {
    const type = info.name.slice('t.'.length);
    it(type, async () => {
      const values = safetensorsToArray(reference.tensors.get(`src.${type}`)!) as Float32Array;
      const expected = await readTensorBytes(file, source, info.name);
      expect(firstDifference(quantize(info.type, values), expected)).toBe(-1);
    });
  }
  it('covers all 13 types', () => expect(file.tensors.size).toBe(13));
});

describe('the wasm kernels quantize Q8_0 and the K-quants to the same bytes', () => {
  const KERNEL_TYPES = ['Q8_0', 'Q4_K', 'Q5_K', 'Q6_K'] as const;
  let kernels: WasmBackend[];
  beforeAll(async () => {
    kernels = [await createWasmBackend({ threads: 2 }), await createWasmBackend({ threads: 1, relaxedSimd: false })];
  });
  afterAll(() => kernels.forEach((k) => k.dispose()));

  it.each(KERNEL_TYPES)('%s: ggml\'s fixture bytes, on the relaxed-SIMD and SIMD128 builds', async (type) => {
    const source = bytesSource(await load('quant/dequant/types.gguf'));
    const file = await readGguf(source);
    const values = safetensorsToArray(parseSafetensors(await load('quant/dequant/types.dequant.safetensors')).tensors.get(`src.${type}`)!) as Float32Array;
    const expected = await readTensorBytes(file, source, `t.${type}`);
    for (const k of kernels) expect(firstDifference(k.quantize(GGML_TYPE[type], values)!, expected)).toBe(-1);
  });

  it.each(KERNEL_TYPES)('%s: gguf/quantize.ts\'s bytes on blocks of zeros, constants, subnormals, huge and mixed values', (type) => {
    const blocks = 64;
    const values = new Float32Array(blocks * 256);
    let s = 12345;
    const random = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
    for (let b = 0; b < blocks; b++) {
      const kind = b % 8;
      for (let i = b * 256; i < (b + 1) * 256; i++) {
        const r = random() * 2 - 1;
        values[i] = kind === 0 ? 0 : kind === 1 ? 0.75 : kind === 2 ? r * 1e-41 : kind === 3 ? r * 3e4
          : kind === 4 ? (i % 32 === 5 ? 100 : r * 1e-3) : kind === 5 ? Math.abs(r) : kind === 6 ? -Math.abs(r) - 1 : r;
      }
    }
    const expected = quantize(GGML_TYPE[type], values);
    for (const k of kernels) expect(firstDifference(k.quantize(GGML_TYPE[type], values)!, expected)).toBe(-1);
  });

  it('leaves the other types to gguf/quantize.ts', () => {
    expect(kernels[0]!.quantize(GGML_TYPE.F16, new Float32Array(256))).toBeUndefined();
    expect(() => kernels[0]!.quantize(GGML_TYPE.Q4_K, new Float32Array(100))).toThrow(/not whole Q4_K blocks/);
  });

  it('quantizeModel with the kernels as encoder writes depth-anything.cpp\'s bytes', async () => {
    for (const type of ['q8_0', 'q6_k', 'q5_k', 'q4_k']) {
      const { chunks } = await quantizeModel(bytesSource(await load('quant/quantize/synth/synth-da3-input.gguf')), type, (t, v) => kernels[0]!.quantize(t, v));
      expect(firstDifference(concatBytes(chunks), await load(`quant/quantize/synth/synth-da3-${type}.gguf`)), type).toBe(-1);
    }
  });
});

describe('floatToHalf', () => {
  it('rounds to nearest even, overflows to infinity, keeps NaN quiet with its sign', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-Infinity)).toBe(0xfc00);
    expect(floatToHalf(2 ** -25)).toBe(0); // subnormal tie -> even
    expect(floatToHalf(3 * 2 ** -25)).toBe(2);
    expect(floatToHalf(-NaN) & 0x7fff).toBe(0x7e00);
  });
});

describe('quantizeModel reproduces depth-anything.cpp quantize byte for byte', () => {
  const cases = [
    { input: 'models/da3/pack-da3-aux-f32.gguf', prefix: 'quant/quantize/pack-da3/pack-da3', types: ['q8_0', 'q6_k', 'q4_k'] },
    { input: 'quant/quantize/synth/synth-da3-input.gguf', prefix: 'quant/quantize/synth/synth-da3', types: ['f16', 'q8_0', 'q6_k', 'q5_k', 'q4_k'] },
  ];
  for (const { input, prefix, types } of cases) {
    for (const type of types) {
      it(`${input} -> ${type}`, async () => {
        const { chunks } = await quantizeModel(bytesSource(await load(input)), type);
        const actual = concatBytes(chunks);
        const expected = await load(`${prefix}-${type}.gguf`);
        expect(actual.byteLength).toBe(expected.byteLength);
        expect(firstDifference(actual, expected)).toBe(-1);
      });
    }
  }

  it('follows expected_types.json and summarizes like the C++', async () => {
    const expected = JSON.parse(await readFile(fixture('quant/quantize/synth/expected_types.json'), 'utf8'));
    const { plan } = await quantizeModel(bytesSource(await load('quant/quantize/synth/synth-da3-input.gguf')), 'q4_k');
    const entries = expected.tensors as { name: string; q4_k: string; n_dims_out: number }[];
    expect(plan.tensors.map((t) => [t.name, requireGgmlType(t.outputType).name, t.dims.length]))
      .toEqual(entries.map((e) => [e.name, e.q4_k, e.n_dims_out]));
    expect(describeQuantization(plan)).toBe('9 quantized (q4_k), 21 kept f32, 2 q8_0 fallback');
  });
});

describe('type policy', () => {
  const q4k = quantizeTarget('Q4_K');
  it('quantizes only 2-D block matmul and camera weights, falling back to Q8_0 off 256-multiples', () => {
    expect(chooseTensorAction('vit.blk.3.attn_qkv.weight', [768, 2304], q4k)).toBe('target');
    expect(chooseTensorAction('vit.blk.3.attn_qkv.weight', [384, 1152], q4k)).toBe('fallback');
    expect(chooseTensorAction('vit.blk.3.attn_qkv.weight', [80, 4], q4k)).toBe('keep');
    expect(chooseTensorAction('vit.blk.0.attn.qkv.weight', [256, 4], q4k)).toBe('keep');
    expect(chooseTensorAction('cam.bb1.weight', [256, 4], q4k)).toBe('keep');
    expect(chooseTensorAction('m_vit.blk.0.mlp_fc1.weight', [1024, 4096], q4k)).toBe('keep');
    expect(chooseTensorAction('cam.fc_fov.weight', [256, 1], q4k)).toBe('keep');
    expect(chooseTensorAction('vit.blk.1.mlp_fc1.weight', [256, 4, 2], q4k)).toBe('keep');
    expect(chooseTensorAction('vit.blk.1.mlp_fc1.weight', [96, 8], quantizeTarget('f16'))).toBe('target');
  });
  it('rejects unknown types by name', () => {
    expect(() => quantizeTarget('q8_1')).toThrow(/unknown type 'q8_1' \(expected f16\/q8_0\/q6_k\/q5_k\/q4_k/);
    expect(() => quantizeTarget('iq4_xs')).toThrow(/unknown type/);
  });
});

describe('bad input', () => {
  it('a truncated GGUF fails with a message naming the problem', async () => {
    const bytes = (await load('quant/quantize/synth/synth-da3-input.gguf')).subarray(0, 4000);
    await expect(quantizeModel(bytesSource(bytes), 'q8_0')).rejects.toThrow(/cannot fit in the file \(size 4000\)/);
  });
  it('an allow-listed tensor of a type that cannot be decoded is refused', async () => {
    const data = new Uint8Array(4 * 32 * 2);
    const file = concatBytes(writeGguf({ kv: [], tensors: [{ name: 'vit.blk.0.attn_qkv.weight', dims: [32, 2], type: GGML_TYPE.I32, data }] }));
    await expect(quantizeModel(bytesSource(file), 'q8_0')).rejects.toThrow(/'vit\.blk\.0\.attn_qkv\.weight' is I32, which cannot be converted to Q8_0/);
  });
});

describe('quantize CLI', () => {
  let dir: string;
  let stdout: ReturnType<typeof vi.spyOn>;
  let stderr: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'da-quantize-'));
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    stdout.mockRestore();
    stderr.mockRestore();
    await rm(dir, { recursive: true, force: true });
  });
  const input = () => new URL('../fixtures/models/da3/pack-da3-aux-f32.gguf', import.meta.url).pathname;

  it('writes the same bytes as the C++, prints like it, leaves no temporary file', async () => {
    const out = join(dir, 'q8.gguf');
    await runQuantize([input(), out, 'q8_0']);
    expect(firstDifference(new Uint8Array(await readFile(out)), await load('quant/quantize/pack-da3/pack-da3-q8_0.gguf'))).toBe(-1);
    expect(stdout).toHaveBeenCalledWith(`wrote ${out} (q8_0)\n`);
    expect(stderr).toHaveBeenCalledWith('quantize: 45 quantized (q8_0), 258 kept f32\n');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('refuses to overwrite its input, takes exactly three arguments, rejects unknown types before writing', async () => {
    await expect(runQuantize([input(), input(), 'q8_0'])).rejects.toThrow(/refusing to overwrite the input/);
    await expect(runQuantize([input(), join(dir, 'x.gguf')])).rejects.toThrow(/expected <in\.gguf> <out\.gguf> <type> \[--force\]/);
    await expect(runQuantize([input(), join(dir, 'x.gguf'), 'q9'])).rejects.toThrow(/unknown type 'q9'/);
    await expect(stat(join(dir, 'x.gguf'))).rejects.toThrow();
  });
  it('refuses to replace an existing output without --force', async () => {
    const out = join(dir, 'existing.gguf');
    await writeFile(out, 'keep me');
    await expect(runQuantize([input(), out, 'q8_0'])).rejects.toThrow(/exists; pass --force to replace it/);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    await runQuantize([input(), out, 'q8_0', '--force']);
    expect(firstDifference(new Uint8Array(await readFile(out)), await load('quant/quantize/pack-da3/pack-da3-q8_0.gguf'))).toBe(-1);
  });

  it('warns when the input is already quantized', async () => {
    stderr.mockClear();
    await runQuantize([fixture('quant/quantize/pack-da3/pack-da3-q8_0.gguf').pathname, join(dir, 'again.gguf'), 'q4_k']);
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^quantize: warning: .* is already quantized \(Q8_0\); re-quantizing compounds the error/));
  });
});
