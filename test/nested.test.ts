// DA3NESTED: the any-view (giant-style) and metric branches, then the metric alignment, against
// the PyTorch NestedDepthAnything3Net reference (fixtures/refs/da3nested).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignNested, type NestedAlignment } from '../src/geometry/nested-align.ts';
import { runDa3 } from '../src/model/da3.ts';
import { runMonocular } from '../src/model/monocular.ts';
import { FAST_BACKENDS } from './helpers/backends.ts';
import { bytesSource, decodeImage, loadModel } from '../src/index.ts';
import { loadReference, readFixture } from './helpers/fixtures.ts';
import { expectDenseOutput, expectIntermediate, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';
import { loadFixtureModel, step2Input, type FixtureModel } from './helpers/model.ts';

const CASES = FAST_BACKENDS.flatMap((backend) => ['desk.r112', 'desk.r504'].map((input) => ({ backend, input })));

describe.each(CASES)('nested any-view + metric, $input, $backend.name backend', ({ backend, input }) => {
  let anyview: FixtureModel, metric: FixtureModel;
  let aligned: NestedAlignment;
  let intrinsics: Float64Array;
  const ref = loadReference(`refs/da3nested/${input}${input.endsWith('112') ? '.full' : ''}.safetensors`);

  beforeAll(async () => {
    anyview = await loadFixtureModel(await backend.create(), 'models/da3nested/pack-da3nested-anyview-f32.gguf');
    metric = await loadFixtureModel(await backend.create(), 'models/da3nested/pack-da3nested-metric-f32.gguf');
    // The metric file has no preprocessing keys: both branches see the any-view file's input.
    const x = step2Input([input], anyview.cfg);
    const a = await runDa3(anyview.be, anyview.cfg, anyview.weights, anyview.cache, x);
    const m = await runMonocular(metric.be, metric.cfg, metric.weights, metric.cache, x);
    intrinsics = a.cameras[0].intrinsics;
    aligned = alignNested({
      depth: a.depth, confidence: a.confidence,
      extrinsics: a.cameras.map((c) => c.extrinsics), intrinsics: a.cameras.map((c) => c.intrinsics),
      metricDepth: m.depth, metricSky: m.sky!,
    });
  }, 120_000);
  afterAll(() => { anyview.be.dispose(); metric.be.dispose(); });

  it('the metric file is detected as the nested metric branch', () => {
    expect(metric.cfg.family).toBe('da3-nested-metric');
  });

  it('median confidence and the scale factor match', () => {
    expectMaxRel('median confidence', [aligned.medianConfidence], ref.f32('nested.median_conf'), 1e-5);
    expectMaxRel('scale', [aligned.scale], ref.f32('nested.scale_factor'), 1e-5);
  });

  // Only the r112 dump stores the alignment intermediates.
  if (input === 'desk.r112') it('alignment intermediates match', () => {
    expectIntermediate('metric depth scaled', aligned.metricDepthScaled[0], ref.f32('nested.metric_depth_scaled'));
    const mask = ref.u8('nested.align_mask');
    let differ = 0;
    for (let i = 0; i < mask.length; i++) differ += mask[i] !== aligned.alignMask[0][i] ? 1 : 0;
    expect(differ).toBe(0);
    expectMaxRel('sky depth', [aligned.skyDepth], ref.f32('sky_fill1.value'), 1e-5);
  });

  it('metric depth, confidence and cameras match', () => {
    expectDenseOutput('depth', aligned.depth[0], ref.f32('out.depth'));
    expectDenseOutput('confidence', aligned.confidence[0], ref.f32('out.depth_conf'));
    expectMaxAbs('extrinsics', aligned.extrinsics[0], ref.f32('out.extrinsics'), 1e-5);
    expectMaxRel('intrinsics', intrinsics, ref.f32('out.intrinsics'), 1e-5);
  });
});

it('loadModel(anyview, { metricModel }) predicts metric depth and cameras from a photo', async () => {
  const model = await loadModel(bytesSource(readFixture('models/da3nested/pack-da3nested-anyview-f32.gguf')), {
    metricModel: bytesSource(readFixture('models/da3nested/pack-da3nested-metric-f32.gguf')),
  });
  try {
    expect(model.info.family).toBe('da3-nested');
    const ref = loadReference('refs/da3nested/desk.r504.safetensors');
    const out = await model.predict(decodeImage(readFixture('photos/desk.decoded.png')));
    expectMaxRel('scale', [out.metricScale!], ref.f32('nested.scale_factor'), 1e-5);
    expectDenseOutput('depth', out.depth, ref.f32('out.depth'));
    expectMaxAbs('extrinsics', out.extrinsics!, ref.f32('out.extrinsics'), 1e-5);
  } finally {
    model.dispose();
  }
}, 120_000);

it('loadModel rejects a metric model paired with a non-metric one', async () => {
  await expect(loadModel(bytesSource(readFixture('models/da3nested/pack-da3nested-anyview-f32.gguf')), {
    metricModel: bytesSource(readFixture('models/da2/pack-da2-f32.gguf')),
  })).rejects.toThrow(/metric model must be/);
});
