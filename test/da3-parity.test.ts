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

async function loadDa3(be: Backend): Promise<Loaded> {
  const { file, source } = await openGgufFixture('models/da3/pack-da3-aux-f32.gguf');
  const cfg = readModelConfig(file);
  const weights = await loadWeights(file, source, be);
  const cache = new GeometryCache(be, cfg.vit, await be.download(weights.get('vit.pos_embed', 2)), await be.download(weights.get('vit.cls_token', 1)));
  return { be, cfg, weights, cache };
}

function networkInput(step2Png: string, cfg: ModelConfig) {
  const png = decode(readFixture(step2Png));
  const rgb = { width: png.width, height: png.height, data: new Uint8Array(png.data as Uint8Array) };
  return { data: normalizeToTensor(rgb, cfg.preprocess.mean, cfg.preprocess.std), views: 1, height: png.height, width: png.width };
}

/** [rows, cols] → [cols, rows], to compare token matrices with NCHW reference maps. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

describe('DA3 any-view, reference backend', () => {
  let model: Loaded;
  beforeAll(async () => { model = await loadDa3(new ReferenceBackend()); });

  describe('desk r112 (every stage)', () => {
    let ref: Reference;
    let out: Da3Output;
    const traced = new Map<string, { shape: readonly number[]; data: Promise<Float32Array> }>();
    beforeAll(async () => {
      ref = loadReference('refs/da3/desk.r112.full.safetensors');
      const trace = (name: string, t: Tensor) => { traced.set(name, { shape: t.shape, data: model.be.download(t) }); };
      out = await runDa3(model.be, model.cfg, model.weights, model.cache, networkInput('photos/preprocessed/desk.r112.step2.png', model.cfg), trace);
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
      expectDenseOutput('depth', out.depth[0], ref.f32('out.depth'));
      expectDenseOutput('confidence', out.confidence[0], ref.f32('out.depth_conf'));
      expectMaxRel('pose encoding', out.poseEncoding[0], ref.f32('cam.pose_enc'), 1e-5);
      expectMaxAbs('extrinsics', out.cameras[0].extrinsics, ref.f32('out.extrinsics'), 1e-5);
      expectMaxRel('intrinsics', out.cameras[0].intrinsics, ref.f32('out.intrinsics'), 1e-5);
    });
  });

  it('desk r504: depth, confidence and cameras match at the real processing size', async () => {
    const ref = loadReference('refs/da3/desk.r504.safetensors');
    const out = await runDa3(model.be, model.cfg, model.weights, model.cache, networkInput('photos/preprocessed/desk.r504.step2.png', model.cfg));
    expect([out.height, out.width]).toEqual([336, 504]);
    expectDenseOutput('depth', out.depth[0], ref.f32('out.depth'));
    expectDenseOutput('confidence', out.confidence[0], ref.f32('out.depth_conf'));
    expectMaxRel('pose encoding', out.poseEncoding[0], ref.f32('cam.pose_enc'), 1e-5);
    expectMaxAbs('extrinsics', out.cameras[0].extrinsics, ref.f32('out.extrinsics'), 1e-5);
    expectMaxRel('intrinsics', out.cameras[0].intrinsics, ref.f32('out.intrinsics'), 1e-5);
  }, 120_000);
});
