// DA3-GIANT's 3D Gaussians (`infer_gs`) against the PyTorch reference of the tiny giant model:
// the GSDPT head stage by stage and the adapter's world Gaussians at 84×56 (all pixels), the
// whole path at 224×224 (sampled Gaussians), the Wigner-D SH rotation (unit fixture), the
// public API, and the PLY exporters. Network runs use the fast backends (wasm, and webgpu where
// an adapter exists); the reference backend runs the same graph in da3-parity.test.ts.

import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGaussianPly } from '../src/export/gaussian-ply.ts';
import { matrixToQuaternionXyzw } from '../src/geometry/gaussians.ts';
import { rotateShInPlace, shRotation } from '../src/geometry/wigner-d.ts';
import { runDa3, type Da3Output } from '../src/model/da3.ts';
import { bytesSource, loadModel, type RgbImage } from '../src/index.ts';
import type { Gaussians } from '../src/types.ts';
import { FAST_BACKENDS } from './helpers/backends.ts';
import { loadReference, readFixture, type Reference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectIntermediate, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';
import { loadFixtureModel, recordingTrace, step2Input, transposed, type FixtureModel, type Traced } from './helpers/model.ts';

const GGUF = 'models/da3-giant/pack-da3-giant-aux-f32.gguf';

/** The reference stores quaternions up to sign (w ≥ 0 flips where w ≈ 0): align ours to it per Gaussian. */
function signAligned(ours: Float32Array, ref: Float32Array): Float32Array {
  const out = ours.slice();
  for (let i = 0; i < out.length; i += 4) {
    const dot = out[i] * ref[i] + out[i + 1] * ref[i + 1] + out[i + 2] * ref[i + 2] + out[i + 3] * ref[i + 3];
    if (dot < 0) for (let k = 0; k < 4; k++) out[i + k] = -out[i + k];
  }
  return out;
}

/** Gaussian fields compared with the README §8 float gate; `pick` selects the reference's stored Gaussians. */
function expectGaussians(g: Gaussians, ref: Reference, suffix: string, pick: (i: number) => number, n: number): void {
  const fields = [['means', 3], ['scales', 3], ['rotations', 4], ['harmonics', 27], ['opacities', 1]] as const;
  for (const [name, per] of fields) {
    const expected = ref.f32(`gs.${name}${suffix}`);
    const actual = new Float32Array(n * per);
    for (let i = 0; i < n; i++) actual.set(g[name].subarray(per * pick(i), per * pick(i) + per), per * i);
    expectIntermediate(name, name === 'rotations' ? signAligned(actual, expected) : actual, expected);
  }
}

describe.each(FAST_BACKENDS)('GS head and adapter, desk r84 (every stage), $name backend', (backend) => {
  let model: FixtureModel;
  let ref: Reference;
  let out: Da3Output;
  const traced = new Map<string, Traced>();
  beforeAll(async () => {
    model = await loadFixtureModel(await backend.create(), GGUF);
    ref = loadReference('refs/da3-giant/desk.r84.full.safetensors');
    out = await runDa3(model.be, model.cfg, model.weights, model.cache, step2Input(['desk.r84'], model.cfg), { gaussians: true, trace: recordingTrace(model.be, traced) });
  });
  afterAll(() => model.be.dispose());

  it('images_merger, raw Gaussians (channels-last) and the confidence logit match', async () => {
    const { height: H, width: W } = out;
    expectIntermediate('gs.images_merger', await traced.get('gs.images_merger')!.data, ref.f32('gs.images_merger'));
    const logits = await traced.get('gs.logits')!.data;
    expect(traced.get('gs.logits')!.shape).toEqual([38, H, W]);
    expectIntermediate('gs.raw_gs', transposed(logits.subarray(0, 37 * H * W), 37, H * W), ref.f32('gs.raw_gs'));
    expectIntermediate('gs.conf_logit', logits.subarray(37 * H * W), ref.f32('gs.conf_logit'));
  });

  it('world means, scales, rotations, rotated harmonics and opacities match', () => {
    const g = out.gaussians![0];
    expect(g.count).toBe(out.width * out.height);
    expect(g.shDegree).toBe(2);
    expectGaussians(g, ref, '', (i) => i, g.count);
  });
});

describe.each(FAST_BACKENDS)('GS end to end, desk_sq680 r224 (sampled Gaussians), $name backend', (backend) => {
  it('depth, cameras and the sampled Gaussians match', async () => {
    const model = await loadFixtureModel(await backend.create(), GGUF);
    try {
      const ref = loadReference('refs/da3-giant/desk_sq680.r224.gs.safetensors');
      const out = await runDa3(model.be, model.cfg, model.weights, model.cache, step2Input(['desk_sq680.r224'], model.cfg), { gaussians: true });
      expect([out.height, out.width]).toEqual([224, 224]);
      expectDenseOutput('depth', out.depth[0], ref.f32('out.depth'));
      expectMaxAbs('extrinsics', out.cameras[0].extrinsics, ref.f32('out.extrinsics'), 1e-5);
      expectMaxRel('intrinsics', out.cameras[0].intrinsics, ref.f32('out.intrinsics'), 1e-5);
      const rows = ref.i32('gs.sample_rows'), cols = ref.i32('gs.sample_cols');
      expectGaussians(out.gaussians![0], ref, '.sampled', (i) => rows[Math.floor(i / cols.length)] * 224 + cols[i % cols.length], rows.length * cols.length);
    } finally {
      model.be.dispose();
    }
  }, 60_000);
});

describe('adapter pieces', () => {
  it('SH rotation (e3nn real Wigner-D, degrees 0..2) matches rotate_sh on 6 rotations', () => {
    const unit = loadReference('unit/ops.safetensors');
    const R = unit.f32('rotate_sh.R'), sh = unit.f32('rotate_sh.sh');
    const actual = new Float32Array(sh.length);
    for (let b = 0; b < 6; b++) {
      const rotation = shRotation(R.subarray(9 * b, 9 * b + 9), 2);
      const x = Float64Array.from(sh.subarray(27 * b, 27 * b + 27));
      for (let c = 0; c < 3; c++) rotateShInPlace(x, 9 * c, rotation);
      actual.set(x, 27 * b);
    }
    // The float32 reference (fp32 matrix_exp in e3nn) is itself ~5e-6 off exact values of order 1.
    expectIntermediate('rotate_sh', actual, unit.f32('rotate_sh.out'));
    expectMaxAbs('rotate_sh', actual, unit.f32('rotate_sh.out'), 2e-5);
  });

  it('rotation matrix → quaternion is scalar-last with w ≥ 0, from every branch', () => {
    const s = Math.SQRT1_2;
    // 90° about x (w branch), 180° about x / y / z (x, y, z branches).
    expect(matrixToQuaternionXyzw([1, 0, 0, 0, 0, -1, 0, 1, 0]).map((x) => +x.toFixed(12))).toEqual([s, 0, 0, s].map((x) => +x.toFixed(12)));
    expect(matrixToQuaternionXyzw([1, 0, 0, 0, -1, 0, 0, 0, -1])).toEqual([1, 0, 0, 0]);
    expect(matrixToQuaternionXyzw([-1, 0, 0, 0, 1, 0, 0, 0, -1])).toEqual([0, 1, 0, 0]);
    expect(matrixToQuaternionXyzw([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toEqual([0, 0, 1, 0]);
  });
});

describe('loadModel / predict with gaussians', () => {
  const image = (): RgbImage => {
    const png = decode(readFixture('photos/preprocessed/desk.r84.step2.png'));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data as Uint8Array) };
  };

  it('loads gs.* weights only when asked, and says so when they are missing', async () => {
    const bytes = readFixture(GGUF);
    const plain = await loadModel(bytesSource(bytes), { backend: 'wasm', threads: 2 });
    try {
      await expect(plain.predict(image(), { resolution: 84, gaussians: true })).rejects.toThrow(/load the model with \{ gaussians: true \}/);
    } finally {
      plain.dispose();
    }
    const model = await loadModel(bytesSource(bytes), { backend: 'wasm', threads: 2, gaussians: true });
    try {
      const ref = loadReference('refs/da3-giant/desk.r84.full.safetensors');
      const p = await model.predict(image(), { resolution: 84, gaussians: true });
      expect([p.width, p.height]).toEqual([84, 56]);
      expectIntermediate('means via predict', p.gaussians!.means, ref.f32('gs.means'));
      expect((await model.predict(image(), { resolution: 84 })).gaussians).toBeUndefined();
    } finally {
      model.dispose();
    }
    const noGs = await loadModel(bytesSource(readFixture('models/da3/pack-da3-aux-f32.gguf')), { backend: 'wasm', threads: 2, gaussians: true });
    try {
      await expect(noGs.predict(image(), { resolution: 84, gaussians: true })).rejects.toThrow(/need a GGUF with the GS head/);
    } finally {
      noGs.dispose();
    }
  }, 30_000);
});

describe('Gaussian PLY', () => {
  // Two Gaussians with SH degree 2, recognizable values.
  const g: Gaussians = {
    count: 2,
    shDegree: 2,
    means: Float32Array.of(1, 2, 3, -4, -5, -6),
    scales: Float32Array.of(1, Math.E, 0.5, 0, 2, 3),
    rotations: Float32Array.of(0.5, 0.5, 0.5, 0.5, 0, 0, 0, 1),
    harmonics: Float32Array.from({ length: 54 }, (_, i) => i / 10),
    opacities: Float32Array.of(0.5, 1),
  };

  function parse(bytes: Uint8Array): { header: string[]; rows: Float32Array[] } {
    const end = new TextDecoder().decode(bytes).indexOf('end_header\n') + 'end_header\n'.length;
    const header = new TextDecoder().decode(bytes.subarray(0, end)).split('\n').slice(0, -1);
    const props = header.filter((l) => l.startsWith('property float ')).length;
    const body = bytes.slice(end);
    const view = new DataView(body.buffer);
    const floats = Float32Array.from({ length: body.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
    const rows = Array.from({ length: floats.length / props }, (_, i) => floats.subarray(i * props, (i + 1) * props));
    return { header, rows };
  }

  it('depth-anything.cpp layout: header lines, 14 float32 per Gaussian, logit opacity, log scales', () => {
    const { header, rows } = parse(encodeGaussianPly([g, g]));
    expect(header).toEqual([
      'ply', 'format binary_little_endian 1.0', 'comment generated by depth-anything-ts (DA3 gaussians, depth-anything.cpp layout)', 'element vertex 4',
      ...['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'].map((n) => `property float ${n}`),
      'end_header',
    ]);
    expect(rows).toHaveLength(4);
    expectMaxAbs('row 0', rows[0], [1, 2, 3, 0, 0.9, 1.8, 0, 0, 1, Math.log(0.5), 0.5, 0.5, 0.5, 0.5], 1e-6);
    // Opacity 1 → logit(1 − 1e-6); scale 0 → log(1e-9).
    expectMaxRel('row 1', rows[1], [-4, -5, -6, 2.7, 3.6, 4.5, Math.log((1 - 1e-6) / 1e-6), Math.log(1e-9), Math.log(2), Math.log(3), 0, 0, 0, 1], 1e-6);
    expect(Array.from(rows[2])).toEqual(Array.from(rows[0]));
  });

  it('3dgs layout: zero normals and f_rest (colour-major) for SH degrees 1..2', () => {
    const { header, rows } = parse(encodeGaussianPly([g], { layout: '3dgs' }));
    const names = header.filter((l) => l.startsWith('property')).map((l) => l.slice('property float '.length));
    expect(names.slice(0, 9)).toEqual(['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2']);
    expect(names.slice(9, 33)).toEqual(Array.from({ length: 24 }, (_, i) => `f_rest_${i}`));
    expect(names.slice(33)).toEqual(['opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3']);
    const row = rows[1];
    expect(Array.from(row.subarray(3, 6))).toEqual([0, 0, 0]);
    // f_rest_{8c + k − 1} = harmonics[colour c][coefficient k] of Gaussian 1 (offset 27).
    expectMaxAbs('f_rest', row.subarray(9, 33), Array.from({ length: 24 }, (_, i) => (27 + 9 * Math.floor(i / 8) + (i % 8) + 1) / 10), 1e-6);
  });

  it('rejects inconsistent arrays with a clear error', () => {
    expect(() => encodeGaussianPly([{ ...g, opacities: new Float32Array(1) }])).toThrow(/opacities has 1 values for 2 Gaussians/);
  });
});
