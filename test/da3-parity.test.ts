// DA3 any-view parity against the PyTorch reference dumps of the tiny random-weight model
// (fixtures/refs/da3): every stage at 112×70, and the final outputs at the real size 504×336.
// The network input is the reference's own preprocessed image (step2 PNG), so these tests
// measure the network alone.

import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Tensor } from '../src/backend/backend.ts';
import { ReferenceBackend } from '../src/backend/reference/reference-backend.ts';
import { readModelConfig, type ModelConfig } from '../src/model/config.ts';
import { runDa3, type Da3Output } from '../src/model/da3.ts';
import { GeometryCache } from '../src/model/geometry-cache.ts';
import { loadWeights } from '../src/model/weights-loader.ts';
import type { Weights } from '../src/nn/weights.ts';
function normalizeToTensor(img: { width: number; height: number; data: Uint8Array }, mean: number[], std: number[]): Float32Array {
  const f = Math.fround; const n = img.width * img.height; const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) out[c * n + i] = f(f(f(img.data[i * 3 + c] / 255) - f(mean[c])) / f(std[c]));
  return out;
}
import { loadReference, openGgufFixture, readFixture, type Reference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectIntermediate, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';

interface Loaded { be: Backend; cfg: ModelConfig; weights: Weights; cache: GeometryCache }

async function loadDa3(be: Backend, gguf: string): Promise<Loaded> {
  const { file, source } = await openGgufFixture(gguf);
  const cfg = readModelConfig(file);
  const weights = await loadWeights(file, source, be);
  const cache = new GeometryCache(be, cfg.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  return { be, cfg, weights, cache };
}

/** The views' step2 PNGs (the reference's network-size images), normalized and stacked. */
function networkInput(step2Pngs: string[], cfg: ModelConfig) {
  const views = step2Pngs.map((name) => {
    const png = decode(readFixture(`photos/preprocessed/${name}.step2.png`));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data as Uint8Array) };
  });
  const { width, height } = views[0];
  const data = new Float32Array(views.length * 3 * width * height);
  views.forEach((rgb, v) => data.set(normalizeToTensor(rgb, cfg.preprocess.mean, cfg.preprocess.std), v * 3 * width * height));
  return { data, views: views.length, height, width };
}

function expectCameras(out: Da3Output, ref: Reference): void {
  for (let v = 0; v < out.cameras.length; v++) {
    // The pose encoding holds near-zero translations: it gets the README's gate for float tensors
    // (its max_rel ≤ 1e-5 gate fails at 5e-8 absolute on a 3e-4 component in the 4-view case).
    expectIntermediate(`pose encoding v${v}`, out.poseEncoding[v], ref.f32('cam.pose_enc').subarray(9 * v, 9 * v + 9));
    expectMaxAbs(`extrinsics v${v}`, out.cameras[v].extrinsics, ref.f32('out.extrinsics').subarray(12 * v, 12 * v + 12), 1e-5);
    expectMaxRel(`intrinsics v${v}`, out.cameras[v].intrinsics, ref.f32('out.intrinsics').subarray(9 * v, 9 * v + 9), 1e-5);
  }
}

function expectDepthAndConfidence(out: Da3Output, ref: Reference): void {
  const n = out.width * out.height;
  for (let v = 0; v < out.depth.length; v++) {
    expectDenseOutput(`depth v${v}`, out.depth[v], ref.f32('out.depth').subarray(n * v, n * v + n));
    expectDenseOutput(`confidence v${v}`, out.confidence[v], ref.f32('out.depth_conf').subarray(n * v, n * v + n));
  }
}

/** [rows, cols] → [cols, rows], to compare token matrices with NCHW reference maps. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

const STAGE_CASES = [
  { family: 'da3 (small/base-style: 2 heads, MLP, even alt_start)', gguf: 'models/da3/pack-da3-aux-f32.gguf', ref: 'refs/da3/desk.r112.full.safetensors', input: 'desk.r112' },
  { family: 'da3-giant (SwiGLU, head_dim 64, odd alt_start)', gguf: 'models/da3-giant/pack-da3-giant-aux-f32.gguf', ref: 'refs/da3-giant/desk.r84.full.safetensors', input: 'desk.r84' },
];

describe.each(STAGE_CASES)('$family, reference backend', ({ gguf, ref: refFile, input }) => {
  let model: Loaded;
  beforeAll(async () => { model = await loadDa3(new ReferenceBackend(), gguf); });

  describe(`${input} (every stage)`, () => {
    let ref: Reference;
    let out: Da3Output;
    const traced = new Map<string, { shape: readonly number[]; data: Promise<Float32Array> }>();
    beforeAll(async () => {
      ref = loadReference(refFile);
      const trace = (name: string, t: Tensor) => { traced.set(name, { shape: t.shape, data: model.be.download(t) }); };
      out = await runDa3(model.be, model.cfg, model.weights, model.cache, networkInput([input], model.cfg), trace);
    });

    it('backbone tokens, blocks and out-layer features match', async () => {
      const names = ['backbone.tokens', ...Array.from({ length: model.cfg.vit.depth }, (_, i) => `backbone.block${i}`)];
      for (const L of model.cfg.vit.outLayers) names.push(`backbone.out_layer${L}.feat`, `backbone.out_layer${L}.cam_token`);
      for (const name of names) {
        const t = traced.get(name);
        expect(t, name).toBeDefined();
        expectIntermediate(name, await t!.data, ref.f32(name));
      }
    });

    it('head stages, fusion and logits match', async () => {
      const names: string[] = [];
      for (let s = 0; s < 4; s++) names.push(`head.stage${s}.proj`, `head.stage${s}.proj_pe`);
      for (const s of [0, 1, 3]) names.push(`head.stage${s}.resized`);
      for (let k = 1; k <= 4; k++) names.push(`head.layer${k}_rn`, `head.refinenet${k}`);
      names.push('head.out_conv1', 'head.out_conv2_in', 'head.logits');
      for (const name of names) {
        const t = traced.get(name);
        expect(t, name).toBeDefined();
        expectIntermediate(name, await t!.data, ref.f32(name));
      }
      for (let s = 0; s < 4; s++) {
        const t = traced.get(`head.stage${s}.normed`)!;
        const [rows, cols] = t.shape;
        expectIntermediate(`head.stage${s}.normed`, transposed(await t.data, rows, cols), ref.f32(`head.stage${s}.normed`));
      }
    });

    it('depth, confidence, pose encoding and cameras match', () => {
      expectDepthAndConfidence(out, ref);
      expectCameras(out, ref);
    });
  });
});

describe('DA3 any-view end to end, reference backend', () => {
  let model: Loaded;
  beforeAll(async () => { model = await loadDa3(new ReferenceBackend(), 'models/da3/pack-da3-aux-f32.gguf'); });

  it('desk r504: depth, confidence and cameras match at the real processing size', async () => {
    const ref = loadReference('refs/da3/desk.r504.safetensors');
    const out = await runDa3(model.be, model.cfg, model.weights, model.cache, networkInput(['desk.r504'], model.cfg));
    expect([out.height, out.width]).toEqual([336, 504]);
    expectDepthAndConfidence(out, ref);
    expectCameras(out, ref);
  }, 120_000);

  it('4 views r112: reference-view selection, global attention across views, per-view outputs', async () => {
    const ref = loadReference('refs/da3/mv4.r112.safetensors');
    const images = ref.metadata.images as string[];
    const out = await runDa3(model.be, model.cfg, model.weights, model.cache, networkInput(images.map((name) => `${name}.r112`), model.cfg));
    expect(out.referenceView).toBe(ref.i32('refsel0.b_idx')[0]);
    expectDepthAndConfidence(out, ref);
    expectCameras(out, ref);
  }, 60_000);
});
