// The converter: every checkpoint in fixtures/checkpoints reproduces depth-anything.cpp's GGUF
// byte for byte, and broken checkpoints (truncated or compressed zips, hostile pickles, shapes
// that contradict the config, stray tensors, malformed YAML) fail with an Error naming the problem.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bytesSource, type ByteSource } from '../gguf/source.ts';
import { runConvert } from '../src/cli/convert-command.ts';
import { convertDa2Checkpoint, convertDa3Checkpoint, parseYaml, type CheckpointFolder, type ConvertedModel } from '../src/convert/index.ts';
import { unpickle } from '../src/convert/pickle.ts';
import { readTorchCheckpoint } from '../src/convert/torch-checkpoint.ts';
import { concatBytes } from './helpers/bytes.ts';

const path = (p: string) => new URL(`../fixtures/${p}`, import.meta.url).pathname;
const load = async (p: string) => new Uint8Array(await readFile(path(p)));

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

async function bytesOf(model: ConvertedModel): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of model.chunks()) chunks.push(chunk);
  return concatBytes(chunks);
}

/** A checkpoint folder served from fixtures/checkpoints/<dir>, named `name`, with files optionally replaced. */
function folder(dir: string, name: string, replace: Record<string, Uint8Array | undefined> = {}): CheckpointFolder {
  return {
    name,
    async open(file) {
      if (file in replace) return replace[file] && bytesSource(replace[file]!);
      return bytesSource(await load(`checkpoints/${dir}/${file}`));
    },
  };
}

const MONO = 'da3mono/DA3MONO-PACK-RANDOM';
const DA2_PTH = 'checkpoints/da2/depth_anything_v2_vits_pack_random.pth';
const da2Config = async () => JSON.parse(await readFile(path('checkpoints/da2/model_config.json'), 'utf8'));

describe('checkpoints reproduce the converter files byte for byte', () => {
  const expectSame = async (model: ConvertedModel, gguf: string) => {
    const expected = await load(`models/${gguf}`);
    const actual = await bytesOf(model);
    expect(actual.byteLength).toBe(expected.byteLength);
    expect(firstDifference(actual, expected)).toBe(-1);
  };

  it('DA3MONO (the checkpoint name is the folder name)', async () => {
    const [model] = await convertDa3Checkpoint(folder(MONO, 'DA3MONO-PACK-RANDOM'));
    await expectSame(model, 'da3mono/pack-da3mono-f32.gguf');
  });
  it('the same folder renamed DA3METRIC-PACK-RANDOM', async () => {
    const [model] = await convertDa3Checkpoint(folder(MONO, 'DA3METRIC-PACK-RANDOM'));
    await expectSame(model, 'da3metric/pack-da3metric-f32.gguf');
  });
  it('DA3NESTED -> anyview + metric', async () => {
    const models = await convertDa3Checkpoint(folder('da3nested/DA3NESTED-PACK-RANDOM', 'DA3NESTED-PACK-RANDOM'));
    expect(models.map((m) => m.role)).toEqual(['anyview', 'metric']);
    await expectSame(models[0], 'da3nested/pack-da3nested-anyview-f32.gguf');
    await expectSame(models[1], 'da3nested/pack-da3nested-metric-f32.gguf');
  });
  it('DA3 with --with-aux', async () => {
    const [model] = await convertDa3Checkpoint(folder('da3/DA3-PACK-RANDOM', 'DA3-PACK-RANDOM'), { withAux: true });
    await expectSame(model, 'da3/pack-da3-aux-f32.gguf');
  });
  it('DA3 without aux matches the not-shipped file\'s sha256', async () => {
    const manifest = JSON.parse(await readFile(path('MANIFEST.json'), 'utf8'));
    const expected = manifest.not_shipped.find((f: { file: string }) => f.file === 'pack-da3-f32.gguf');
    const [model] = await convertDa3Checkpoint(folder('da3/DA3-PACK-RANDOM', 'DA3-PACK-RANDOM'));
    const bytes = await bytesOf(model);
    expect(bytes.byteLength).toBe(expected.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected.sha256);
  });
  it('DA2 .pth, relative and metric (max depth 20)', async () => {
    const pth = bytesSource(await load(DA2_PTH));
    const config = await da2Config();
    await expectSame(await convertDa2Checkpoint(pth, { encoder: 'vits', name: 'Depth-Anything-V2-Pack-Random', config }), 'da2/pack-da2-f32.gguf');
    await expectSame(await convertDa2Checkpoint(pth, { encoder: 'vits', name: 'Depth-Anything-V2-Metric-Hypersim-Pack-Random', config, maxDepth: 20 }), 'da2-metric/pack-da2-metric-f32.gguf');
  });
});

describe('bad checkpoints', () => {
  const yaml = async () => new TextDecoder().decode(await load(`checkpoints/${MONO}/model_config.yaml`));
  const withYaml = (text: string) => folder(MONO, 'X', { 'model_config.yaml': new TextEncoder().encode(text) });

  it('a config that contradicts the tensor shapes names the tensor', async () => {
    await expect(convertDa3Checkpoint(withYaml((await yaml()).replace('embed_dim: 32', 'embed_dim: 64')))).rejects
      .toThrow(/tensor 'model\.backbone\.pretrained\.\w+' has shape \[.*\], the configuration implies/);
    await expect(convertDa3Checkpoint(withYaml((await yaml()).replace('depth: 6', 'depth: 5').replace('- 5\n', '- 4\n')))).rejects
      .toThrow(/checkpoint tensor 'model\.backbone\.pretrained\.blocks\.5\.[\w.]+' has no place/);
  });
  it('missing files and unknown heads are named', async () => {
    await expect(convertDa3Checkpoint(folder(MONO, 'X', { 'model_config.yaml': undefined }))).rejects.toThrow(/has no model_config\.yaml/);
    await expect(convertDa3Checkpoint(withYaml((await yaml()).replace('name: DPT', 'name: Foo')))).rejects.toThrow(/head is Foo; expected DualDPT/);
    await expect(convertDa3Checkpoint(folder(MONO, 'X'), { withAux: true })).rejects.toThrow(/--with-aux applies to any-view/);
  });
  it('DA2: unknown encoder, config that disagrees with the tensors', async () => {
    const pth = bytesSource(await load(DA2_PTH));
    await expect(convertDa2Checkpoint(pth, { encoder: 'vitx', name: 'n' })).rejects.toThrow(/unknown DA2 encoder 'vitx'/);
    await expect(convertDa2Checkpoint(pth, { encoder: 'vits', name: 'n', config: { ...(await da2Config()), features: 32 } })).rejects.toThrow(/features 32 does not match/);
    await expect(convertDa2Checkpoint(pth, { encoder: 'vitl', name: 'n', config: await da2Config() })).rejects.toThrow(/out_layers .* differ from encoder vitl/);
  });
  it('truncated, non-zip and compressed archives', async () => {
    const pth = await load(DA2_PTH);
    await expect(readTorchCheckpoint(bytesSource(pth.subarray(0, pth.byteLength - 100)))).rejects.toThrow(/zip: no end-of-central-directory record/);
    await expect(readTorchCheckpoint(bytesSource(pth.subarray(0, 10)))).rejects.toThrow(/too short for a ZIP archive/);
    await expect(readTorchCheckpoint(bytesSource(new Uint8Array(5000)))).rejects.toThrow(/not a ZIP archive/);
    const compressed = pth.slice();
    const view = new DataView(compressed.buffer);
    const eocd = compressed.byteLength - 22;
    const central = view.getUint32(eocd + 16, true);
    view.setUint16(central + 10, 8, true); // first entry: deflate
    await expect(readTorchCheckpoint(bytesSource(compressed))).rejects.toThrow(/is compressed \(method 8\)/);
    const chopped: ByteSource = { size: pth.byteLength, read: async (o, n) => (o > 1_000_000 ? new Uint8Array(n) : pth.subarray(o, o + n)) };
    await expect(readTorchCheckpoint(chopped)).rejects.toThrow(/bad local header signature|zip:/);
  });
  it('hostile pickles', () => {
    const p = (...b: number[]) => new Uint8Array(b);
    expect(() => unpickle(p(0x80, 2, 0x52))).toThrow(/stack underflow \(opcode at byte 2\)/);
    expect(() => unpickle(p(0x80, 2, 0xff))).toThrow(/unsupported opcode 0xff/);
    expect(() => unpickle(new TextEncoder().encode('cos\nsystem\n'))).toThrow(/unsupported global os\.system/);
    expect(() => unpickle(p(0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f))).toThrow(/truncated/);
    expect(() => unpickle(p(0x80, 2, 0x68, 7))).toThrow(/memo index 7 was never stored/);
    expect(() => unpickle(p(0x80, 2, 0x7d, 0x4e, 0x2e, 0x2e))).toThrow(/STOP with 2 values/);
  });
});

describe('YAML subset', () => {
  it('reads nested maps, lists at the key\'s indentation, flow lists and scalars', () => {
    expect(parseYaml('a:\n  b: 1.0e-05 # c\n  l:\n  - 1\n  - x\nf: [1, true, "s"]\nn:\n')).toEqual({ a: { b: 1e-5, l: [1, 'x'] }, f: [1, true, 's'], n: null });
  });
  it('rejects what it does not support, naming the line', () => {
    expect(() => parseYaml('a: 1\n  b: 2')).toThrow(/line 2: unexpected indentation/);
    expect(() => parseYaml('a: *ref')).toThrow(/line 1: unsupported YAML syntax/);
    expect(() => parseYaml('a: 1\na: 2')).toThrow(/line 2: duplicate key 'a'/);
    expect(() => parseYaml('a:\n- b: 1')).toThrow(/lists of maps/);
    expect(() => parseYaml('a: "open')).toThrow(/unterminated/);
  });
});

describe('convert CLI', () => {
  let dir: string;
  let stdout: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'da-convert-'));
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    stdout.mockRestore();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes both nested files', async () => {
    const out = join(dir, 'a.gguf');
    const metric = join(dir, 'm.gguf');
    await runConvert(['--checkpoint', path('checkpoints/da3nested/DA3NESTED-PACK-RANDOM'), '--out', out, '--metric-out', metric]);
    expect(firstDifference(new Uint8Array(await readFile(out)), await load('models/da3nested/pack-da3nested-anyview-f32.gguf'))).toBe(-1);
    expect(firstDifference(new Uint8Array(await readFile(metric)), await load('models/da3nested/pack-da3nested-metric-f32.gguf'))).toBe(-1);
    expect(stdout).toHaveBeenCalledWith(`wrote ${metric} (DA3NESTED-PACK-RANDOM-metric)\n`);
  });
  it('writes a DA2 file named by --name, using model_config.json beside the .pth', async () => {
    const out = join(dir, 'd2.gguf');
    await runConvert(['--checkpoint', path(DA2_PTH), '--out', out, '--encoder', 'vits', '--max-depth', '20', '--name', 'Depth-Anything-V2-Metric-Hypersim-Pack-Random']);
    expect(firstDifference(new Uint8Array(await readFile(out)), await load('models/da2-metric/pack-da2-metric-f32.gguf'))).toBe(-1);
  });
  it('checks its flags before writing anything', async () => {
    const out = join(dir, 'x.gguf');
    await expect(runConvert(['--checkpoint', path('checkpoints/da3nested/DA3NESTED-PACK-RANDOM'), '--out', out])).rejects.toThrow(/give --metric-out/);
    await expect(runConvert(['--checkpoint', path(`checkpoints/${MONO}`), '--out', out, '--encoder', 'vits'])).rejects.toThrow(/--encoder applies to DA2/);
    await expect(runConvert(['--checkpoint', path(DA2_PTH), '--out', out])).rejects.toThrow(/--encoder is required/);
    await expect(runConvert(['--checkpoint', path('checkpoints/nope'), '--out', out])).rejects.toThrow(/cannot read --checkpoint .*no such file/);
    await expect(stat(out)).rejects.toThrow();
  });
});
