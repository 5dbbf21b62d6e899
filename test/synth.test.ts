// Synthetic models: the tiny fixtures' configurations must reproduce depth-anything.cpp's
// converter files exactly (KVs, tensor infos, offsets: the whole header, byte for byte), the
// official presets must have the official tensor and parameter counts, and the random weights
// must give a finite, non-degenerate forward pass.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTensorF32 } from '../gguf/dequantize.ts';
import { readGguf, type GgufFile } from '../gguf/reader.ts';
import { bytesSource, type ByteSource } from '../gguf/source.ts';
import { runSynth, writeSynthFile } from '../src/cli/synth-command.ts';
import { readModelConfig } from '../src/model/config.ts';
import { loadModel } from '../src/model/load.ts';
import { checkSpec, layoutHeader, layoutTensorInfos } from '../src/converter-layout/index.ts';
import { SYNTH_PRESETS, synthesizedFileSize, synthesizeModel, synthPreset, type SynthSpec } from '../src/synth/index.ts';
import { concatBytes } from './helpers/bytes.ts';

const fixture = (path: string) => new URL(`../fixtures/models/${path}`, import.meta.url);


/** Index of the first differing byte, or -1 (a readable failure instead of a huge diff). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

const tensorList = (file: GgufFile) => [...file.tensors.values()].map((t) => `${t.name} [${t.dims.join(',')}] ${t.typeName} @${t.offset}`);

// The fixtures' architectures (fixtures/README.md §2).
const DA3: SynthSpec = { family: 'da3', checkpointName: 'DA3-PACK-RANDOM', embedDim: 64, depth: 10, numHeads: 2, ffn: 'mlp', ffnHidden: 256, outLayers: [3, 5, 7, 9], altStart: 2, headFeatures: 16, headOutChannels: [8, 16, 32, 64], withAux: true };
const GIANT: SynthSpec = { family: 'da3', checkpointName: 'DA3-GIANT-PACK-RANDOM', embedDim: 64, depth: 12, numHeads: 1, ffn: 'swiglu', ffnHidden: 176, outLayers: [5, 7, 9, 11], altStart: 3, headFeatures: 16, headOutChannels: [8, 16, 32, 32], withAux: true, gaussianHead: true };
const MONO: SynthSpec = { family: 'da3-mono', checkpointName: 'DA3MONO-PACK-RANDOM', embedDim: 32, depth: 6, numHeads: 1, ffn: 'mlp', ffnHidden: 128, outLayers: [1, 2, 4, 5], headFeatures: 16, headOutChannels: [8, 16, 32, 32] };
const DA2: SynthSpec = { family: 'da2', checkpointName: 'Depth-Anything-V2-Pack-Random', embedDim: 32, depth: 12, numHeads: 1, ffn: 'mlp', ffnHidden: 128, outLayers: [2, 5, 8, 11], headFeatures: 16, headOutChannels: [8, 16, 32, 64] };

const FIXTURES: { path: string; spec: SynthSpec }[] = [
  { path: 'da3/pack-da3-aux-f32.gguf', spec: DA3 },
  { path: 'da3-giant/pack-da3-giant-aux-f32.gguf', spec: GIANT },
  { path: 'da3mono/pack-da3mono-f32.gguf', spec: MONO },
  { path: 'da3metric/pack-da3metric-f32.gguf', spec: { ...MONO, checkpointName: 'DA3METRIC-PACK-RANDOM' } },
  {
    path: 'da3nested/pack-da3nested-anyview-f32.gguf',
    spec: { ...GIANT, checkpointName: 'DA3NESTED-PACK-RANDOM-anyview', embedDim: 32, ffnHidden: 88, withAux: false },
  },
  { path: 'da3nested/pack-da3nested-metric-f32.gguf', spec: { ...MONO, family: 'da3-nested-metric', checkpointName: 'DA3NESTED-PACK-RANDOM-metric' } },
  { path: 'da2/pack-da2-f32.gguf', spec: DA2 },
  { path: 'da2-metric/pack-da2-metric-f32.gguf', spec: { ...DA2, checkpointName: 'Depth-Anything-V2-Metric-Hypersim-Pack-Random', maxDepth: 20 } },
];

describe('a spec with a fixture\'s dimensions reproduces the converter file', () => {
  for (const { path, spec } of FIXTURES) {
    it(path, async () => {
      const fixtureBytes = new Uint8Array(await readFile(fixture(path)));
      const expected = await readGguf(bytesSource(fixtureBytes));
      const actual = await readGguf(bytesSource(concatBytes(synthesizeModel(spec))));
      // KV keys in order, value types and values.
      expect([...actual.kv.entries()]).toEqual([...expected.kv.entries()]);
      // Tensor names in order, dims (converter rank), types, offsets.
      expect(tensorList(actual)).toEqual(tensorList(expected));
      expect(actual.size).toBe(expected.size);
      expect(synthesizedFileSize(spec)).toBe(expected.size);
      // And so the whole header, byte for byte.
      const header = layoutHeader(spec);
      expect(header.byteLength).toBe(expected.dataOffset);
      expect(firstDifference(header, fixtureBytes.subarray(0, header.byteLength))).toBe(-1);
    });
  }
});

describe('random weights', () => {
  it('follow the recipe: 1/√fan_in weights, LayerNorm gains near 1, LayerScale in [0.1, 1]', async () => {
    const bytes = concatBytes(synthesizeModel(DA3));
    const source = bytesSource(bytes);
    const file = await readGguf(source);
    const tensor = (name: string) => readTensorF32(file, source, name);
    const rms = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(rms(await tensor('vit.blk.0.attn_qkv.weight')) * Math.sqrt(64)).toBeCloseTo(1, 1); // 12 288 samples
    expect(rms(await tensor('head.scratch.rn1.rc1.c1.weight')) * Math.sqrt(16 * 9) / Math.SQRT2).toBeCloseTo(1, 1);
    for (const v of await tensor('vit.blk.3.norm1.weight')) expect(v >= 0.6 && v <= 1.4).toBe(true);
    const ls = await tensor('vit.blk.3.ls1');
    for (const v of ls) expect(v >= 0.1 && v <= 1).toBe(true);
    expect(Math.max(...ls) - Math.min(...ls)).toBeGreaterThan(0.3); // spread, not a constant
  });

  it('are deterministic per seed', () => {
    const a = concatBytes(synthesizeModel(MONO));
    expect(firstDifference(a, concatBytes(synthesizeModel({ ...MONO, seed: 0 })))).toBe(-1);
    const b = concatBytes(synthesizeModel({ ...MONO, seed: 1 }));
    const header = layoutHeader(MONO).byteLength;
    expect(firstDifference(a.subarray(0, header), b.subarray(0, header))).toBe(-1);
    expect(firstDifference(a, b)).toBeGreaterThanOrEqual(header);
  });

  const input = (height: number, width: number) => {
    const data = new Float32Array(3 * height * width);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = Math.sin(0.11 * x + c) + Math.cos(0.07 * y - c);
    }
    return { data, views: 1, height, width };
  };
  /** Finite, inside (low, high), and varying across the image (std / mean above 1 %). */
  const expectLively = (values: Float32Array, length: number, low: number, high: number) => {
    expect(values.length).toBe(length);
    const mean = values.reduce((s, v) => s + v, 0) / length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / length);
    for (const v of values) expect(Number.isFinite(v) && v > low && v < high).toBe(true);
    expect(std / mean).toBeGreaterThan(0.01);
  };

  it('give the tiny DA3 model finite, varying depth, confidence and a usable camera', async () => {
    const model = await loadModel(bytesSource(concatBytes(synthesizeModel(DA3))));
    expect(model.config.family).toBe('da3');
    const out = await model.forward(input(70, 98));
    if (!('confidence' in out)) throw new Error('expected the any-view outputs');
    expectLively(out.depth[0], 70 * 98, 0, 100);
    expectLively(out.confidence[0], 70 * 98, 1, 1000); // expp1: ≥ 1
    const fov = out.poseEncoding[0].subarray(7, 9); // after a ReLU: 0 would mean a degenerate camera
    for (const v of fov) expect(v > 0.3 && v < 3).toBe(true);
    for (const v of out.poseEncoding[0]) expect(Number.isFinite(v)).toBe(true);
  });

  it('give the tiny mono and DA2 metric models finite, varying depth', async () => {
    const mono = await loadModel(bytesSource(concatBytes(synthesizeModel(MONO))));
    expectLively((await mono.forward(input(56, 84))).depth[0], 56 * 84, 0, 100);
    const metric = await loadModel(bytesSource(concatBytes(synthesizeModel({ ...DA2, maxDepth: 20 }))));
    expect(metric.config.family).toBe('da2-metric');
    expectLively((await metric.forward(input(56, 84))).depth[0], 56 * 84, 0, 20);
  });
});

/** A source that serves the header and zeros after it: enough to parse a multi-GB file's header without writing it. */
function headerOnlySource(header: Uint8Array, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      const out = new Uint8Array(length);
      if (offset < header.byteLength) out.set(header.subarray(offset, offset + length));
      return out;
    },
  };
}

describe('official presets', () => {
  // gguf-io-cli.md §3 tensor counts; family as the loader decides it.
  const EXPECTED: Record<string, { tensors: number; family: string }> = {
    'da3-small': { tensors: 279, family: 'da3' },
    'da3-base': { tensors: 279, family: 'da3' },
    'da3-large': { tensors: 479, family: 'da3' },
    'da3-giant': { tensors: 813, family: 'da3' },
    'da3-mono-large': { tensors: 406, family: 'da3-mono' },
    'da3-metric-large': { tensors: 406, family: 'da3-metric' },
    'da3-nested-giant-large-anyview': { tensors: 813, family: 'da3' },
    'da3-nested-giant-large-metric': { tensors: 406, family: 'da3-nested-metric' },
    ...Object.fromEntries(['', 'metric-hypersim-', 'metric-vkitti-'].flatMap((kind) => [
      [`da2-${kind}vits`, { tensors: 238, family: kind ? 'da2-metric' : 'da2' }],
      [`da2-${kind}vitb`, { tensors: 238, family: kind ? 'da2-metric' : 'da2' }],
      [`da2-${kind}vitl`, { tensors: 406, family: kind ? 'da2-metric' : 'da2' }],
    ])),
  };

  it('cover exactly the official models', () => {
    expect([...SYNTH_PRESETS.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, { tensors, family }] of Object.entries(EXPECTED)) {
    it(`${name}: ${tensors} tensors, loader sees ${family}`, async () => {
      const spec = synthPreset(name);
      const file = await readGguf(headerOnlySource(layoutHeader(spec), synthesizedFileSize(spec)));
      expect(file.tensors.size).toBe(tensors);
      const config = readModelConfig(file);
      expect(config.family).toBe(family);
      expect([config.vit.embedDim, config.vit.depth, config.vit.numHeads, config.vit.headDim]).toEqual([spec.embedDim, spec.depth, spec.numHeads, 64]);
    });
  }

  it('with --with-aux, DA3-BASE has 331 tensors', () => {
    expect(layoutTensorInfos(synthPreset('da3-base', { withAux: true })).length).toBe(331);
  });

  it('have the published parameter counts', () => {
    const params = (name: string) => layoutTensorInfos(synthPreset(name)).reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0) / 1e6;
    // forward-math.md §1.3 (backbone + DualDPT + cam_dec, M) and the DA2 model cards (24.8 / 97.5 / 335.3 M).
    expect(params('da3-small')).toBeCloseTo(22.06 + 2.93 + 1.19, 1);
    expect(params('da3-base')).toBeCloseTo(86.58 + 11.70 + 4.74, 1);
    expect(params('da3-large')).toBeCloseTo(304.4 + 32.7 + 8.4, 0);
    expect(params('da2-vits')).toBeCloseTo(24.8, 1);
    expect(params('da2-vitb')).toBeCloseTo(97.5, 1);
    expect(params('da2-vitl')).toBeCloseTo(335.3, 1);
    // DA3-BASE f32 is published as a 393 MiB file.
    expect(synthesizedFileSize(synthPreset('da3-base')) / 2 ** 20).toBeCloseTo(393, 0);
  });
});

describe('invalid specs are rejected with the field named', () => {
  const cases: [Partial<SynthSpec>, string][] = [
    [{ embedDim: 65 }, 'embedDim 65 is not a multiple of numHeads 2'],
    [{ embedDim: 1 << 20 }, 'embedDim = 1048576 must be an integer in [1, 65536]'],
    [{ depth: 0 }, 'depth = 0 must be an integer'],
    [{ outLayers: [3, 5, 7, 10] }, 'outLayers [3,5,7,10] must be 4 block indices below depth 10'],
    [{ headOutChannels: [8, 16, 32] }, 'headOutChannels [8,16,32] must be 4 positive widths'],
    [{ altStart: -1 }, 'altStart = -1 must be a block index below depth 10 for family da3'],
    [{ headFeatures: 15 }, 'headFeatures 15 must be a multiple of 2'],
    [{ maxDepth: 20 }, 'maxDepth applies to family da2 only'],
    [{ seed: -1 }, 'seed = -1 must be an integer in [0, 2^32)'],
    [{ family: 'da4' as SynthSpec['family'] }, "unknown family 'da4'"],
  ];
  for (const [change, message] of cases) {
    it(message, () => {
      expect(() => checkSpec({ ...DA3, ...change })).toThrow(message);
      expect(() => layoutHeader({ ...DA3, ...change })).toThrow(message);
    });
  }
  it('non-DA3 families take no camera or aux options', () => {
    expect(() => checkSpec({ ...MONO, altStart: 2 })).toThrow('altStart applies to family da3 only');
    expect(() => checkSpec({ ...DA2, withAux: true })).toThrow('withAux applies to family da3 only');
  });
});

describe('synth command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synth-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams the file to disk, identical to the in-memory one, leaving no temporary file', async () => {
    const out = join(dir, 'tiny.gguf');
    const size = await writeSynthFile(out, GIANT);
    const expected = concatBytes(synthesizeModel(GIANT));
    expect(size).toBe(expected.byteLength);
    expect(firstDifference(new Uint8Array(await readFile(out)), expected)).toBe(-1);
    expect(await readdir(dir)).toEqual(['tiny.gguf']);
  });

  it('reports bad command lines and unwritable outputs clearly', async () => {
    const out = join(dir, 'x.gguf');
    await expect(runSynth(['--out', out])).rejects.toThrow('synth: --preset is required');
    await expect(runSynth(['--preset', 'da3-small'])).rejects.toThrow('synth: --out is required');
    await expect(runSynth(['--preset', 'da3-tiny', '--out', out])).rejects.toThrow("unknown preset 'da3-tiny' (available: da3-small, da3-base");
    await expect(runSynth(['--preset', 'da3-small', '--out', out, '--seed', '-3'])).rejects.toThrow('--seed must be an integer in [0, 4294967295], got "-3"');
    await expect(runSynth(['--preset', 'da3-small', '--out', out, '--seed', '1.5'])).rejects.toThrow('--seed must be an integer in [0, 4294967295], got "1.5"');
    await expect(runSynth(['--preset', 'da2-vits', '--out', out, '--with-aux'])).rejects.toThrow('--with-aux applies to DA3 any-view presets only, not da2-vits');
    await expect(runSynth(['--preset', 'da3-small', '--out', join(dir, 'missing', 'x.gguf')])).rejects.toThrow(/cannot write --out .*missing.*: no such file or directory/);
    await expect(runSynth(['--preset', 'da3-small', '--out', dir])).rejects.toThrow(`cannot write --out ${dir}: is a directory`);
    expect((await readdir(dir)).filter((f) => f !== 'tiny.gguf')).toEqual([]);
  });
});
