// Parity of the single-head DPT families against PyTorch dumps of the tiny random-weight
// models: DA3 mono (depth + sky, with the sky fill) and Depth Anything V2 relative / metric.
// DA3METRIC shares the mono weights (fixtures README §2), so the mono reference covers it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.ts';
import type { NetworkInput } from '../src/model/encode-views.ts';
import { runMonocular, type MonocularOutput } from '../src/model/monocular.ts';
import { loadReference, type Reference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectIntermediate } from './helpers/metrics.ts';
import { loadFixtureModel, recordingTrace, step2Input, transposed, type FixtureModel, type Traced } from './helpers/model.ts';

const MODELS = [
  { family: 'da3-mono', gguf: 'models/da3mono/pack-da3mono-f32.gguf', ref: 'refs/da3mono/desk.r112.full.safetensors', relRef: undefined, step2: 'desk.r112' },
  { family: 'da3-metric', gguf: 'models/da3metric/pack-da3metric-f32.gguf', ref: 'refs/da3mono/desk.r112.full.safetensors', relRef: undefined, step2: 'desk.r112' },
  { family: 'da2', gguf: 'models/da2/pack-da2-f32.gguf', ref: 'refs/da2/desk.r70.full.safetensors', relRef: undefined, step2: undefined },
  { family: 'da2-metric', gguf: 'models/da2-metric/pack-da2-metric-f32.gguf', ref: 'refs/da2-metric/desk.r70.full.safetensors', relRef: 'refs/da2/desk.r70.full.safetensors', step2: undefined },
];

const CASES = BACKENDS.flatMap((backend) => MODELS.map((m) => ({ ...m, backend })));

describe.each(CASES)('$family, $backend.name backend', ({ family, gguf, ref: refFile, relRef, step2, backend }) => {
  let model: FixtureModel;
  let ref: Reference;
  /** Intermediates shared with another reference (DA2 metric stores only what differs). */
  let shared: Reference;
  let out: MonocularOutput;
  const traced = new Map<string, Traced>();

  beforeAll(async () => {
    model = await loadFixtureModel(await backend.create(), gguf);
    ref = loadReference(refFile);
    shared = relRef ? loadReference(relRef) : ref;
    let input: NetworkInput;
    if (step2) {
      input = step2Input([step2], model.cfg);
    } else {
      const t = shared.file.tensors.get('input.tensor')!;
      input = { data: shared.f32('input.tensor'), views: 1, height: t.shape[2], width: t.shape[3] };
    }
    out = await runMonocular(model.be, model.cfg, model.weights, model.cache, input, recordingTrace(model.be, traced));
  });
  afterAll(() => model.be.dispose());

  it('is detected as its family', () => {
    expect(model.cfg.family).toBe(family);
  });

  it('backbone blocks and out-layer features match', async () => {
    const names = ['backbone.tokens', ...Array.from({ length: model.cfg.vit.depth }, (_, i) => `backbone.block${i}`)];
    for (const L of model.cfg.vit.outLayers) names.push(`backbone.out_layer${L}.feat`);
    for (const name of names) {
      if (!shared.has(name)) continue; // trimmed from this reference
      expectIntermediate(name, await traced.get(name)!.data, shared.f32(name));
    }
  });

  it('head stages, fusion and logits match', async () => {
    const names = ['head.layer1_rn', 'head.layer2_rn', 'head.layer3_rn', 'head.layer4_rn',
      'head.refinenet4', 'head.refinenet3', 'head.refinenet2', 'head.refinenet1', 'head.out_conv1', 'head.out_conv2_in', 'head.logits'];
    for (let s = 0; s < 4; s++) names.push(`head.stage${s}.proj`);
    for (const s of [0, 1, 3]) names.push(`head.stage${s}.resized`);
    for (const name of names) expectIntermediate(name, await traced.get(name)!.data, shared.f32(name));
    for (let s = 0; s < 4; s++) {
      const t = traced.get(`head.stage${s}.normed`)!;
      expectIntermediate(`head.stage${s}.normed`, transposed(await t.data, t.shape[0], t.shape[1]), shared.f32(`head.stage${s}.normed`));
    }
  });

  it('final depth (and sky) match', () => {
    expectDenseOutput('depth', out.depth[0], ref.f32('out.depth'), family === 'da2' ? 5e-4 : 1e-4);
    if (family.startsWith('da3')) expectIntermediate('sky', out.sky![0], ref.f32('out.sky'));
  });
});
