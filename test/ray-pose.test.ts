// The ray-map pose solver against DA3's `camray_to_caminfo`, fed the reference's own ray maps and
// replaying its RANSAC draws (upstream draws them from an unseeded RNG), and the linear-algebra
// pieces against the unit fixtures.

import { describe, expect, it } from 'vitest';
import { weightedHomography } from '../src/geometry/homography.ts';
import { ql3 } from '../src/geometry/ql.ts';
import { imagePlaneGrid, rayPose } from '../src/geometry/ray-pose.ts';
import { loadReference } from './helpers/fixtures.ts';
import { expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';

describe('linear algebra (unit fixtures)', () => {
  const unit = loadReference('unit/ops.safetensors');

  it('weighted DLT homography matches torch (SVD) on 50 weighted points', () => {
    const src = unit.f32('homography.src'), dst = unit.f32('homography.dst'), w = unit.f32('homography.w');
    const h = weightedHomography(src, dst, w, Int32Array.from({ length: w.length }, (_, i) => i));
    expectMaxAbs('H', h, unit.f32('homography.H'), 1e-4);
  });

  it('QL decomposition matches, with a positive diagonal of L', () => {
    const a = unit.f32('ql.in'), q = unit.f32('ql.Q'), l = unit.f32('ql.L');
    for (let k = 0; k < a.length / 9; k++) {
      const out = ql3(a.subarray(9 * k, 9 * k + 9));
      expectMaxAbs(`Q ${k}`, out.q, q.subarray(9 * k, 9 * k + 9), 1e-5);
      expectMaxAbs(`L ${k}`, out.l, l.subarray(9 * k, 9 * k + 9), 1e-5);
    }
  });
});

const CASES = [
  { name: 'desk r112 (2492 inliers, all refit)', ref: 'refs/da3/desk.r112.full.safetensors', replayRefit: false },
  { name: 'desk r252 (> 8000 inliers: random refit subset, replayed)', ref: 'refs/da3/desk.r252.raypose.safetensors', replayRefit: true },
  { name: '4 views r112 (one sample table for all views)', ref: 'refs/da3/mv4.r112.safetensors', replayRefit: false },
];

describe.each(CASES)('ray pose, $name', ({ ref: file, replayRefit }) => {
  const ref = loadReference(file);
  const shape = ref.file.tensors.get('head.ray')!.shape; // [1, S, hy, wx, 6]
  const [S, hy, wx] = [shape[1], shape[2], shape[3]];
  const [H, W] = ref.metadata.proc_hw as [number, number];
  const m = hy * wx;
  const rays = Array.from({ length: S }, (_, v) => ref.f32('head.ray').subarray(v * m * 6, (v + 1) * m * 6));
  const conf = Array.from({ length: S }, (_, v) => ref.f32('head.ray_conf').subarray(v * m, (v + 1) * m));
  const refit = Array.from({ length: S }, (_, v) => ref.has(`raypose.refit_idx.v${v}`) ? ref.i32(`raypose.refit_idx.v${v}`) : undefined);
  const out = rayPose(rays, conf, hy, wx, H, W, {
    sampleTable: ref.i32('raypose.rand_sample_iters_idx'),
    refitPoints: replayRefit ? refit : undefined,
  });

  it('selects the same refit points', () => {
    for (let v = 0; v < S; v++) {
      if (!refit[v]) continue;
      expect(Array.from(out[v].refitPoints).sort((a, b) => a - b)).toEqual(Array.from(refit[v]!).sort((a, b) => a - b));
    }
  });

  it('refit homography, QL factors, focal and principal point match', () => {
    for (let v = 0; v < S; v++) {
      const sub = (name: string, n: number) => ref.f32(name).subarray(n * v, n * v + n);
      if (ref.has(`raypose.refit_H.v${v}`)) expectMaxRel(`refit H v${v}`, out[v].homography, ref.f32(`raypose.refit_H.v${v}`), 1e-4);
      expectMaxAbs(`R v${v}`, out[v].rotation, sub('raypose.caminfo.R', 9), 1e-4);
      expectMaxRel(`focal v${v}`, out[v].focal, sub('raypose.caminfo.focal', 2), 1e-4);
      expectMaxRel(`principal point v${v}`, out[v].principalPoint, sub('raypose.caminfo.pp', 2), 1e-4);
      expectMaxAbs(`T v${v}`, out[v].translation, sub('raypose.caminfo.T', 3), 1e-4);
    }
  });

  it('extrinsics (max abs ≤ 1e-4) and intrinsics (max rel ≤ 1e-4) match', () => {
    for (let v = 0; v < S; v++) {
      expectMaxAbs(`extrinsics v${v}`, out[v].extrinsics, ref.f32('raypose.out.extrinsics').subarray(12 * v, 12 * v + 12), 1e-4);
      expectMaxRel(`intrinsics v${v}`, out[v].intrinsics, ref.f32('raypose.out.intrinsics').subarray(9 * v, 9 * v + 9), 1e-4);
    }
  });
});

it('the image-plane grid is the reference ray origin grid', () => {
  const ref = loadReference('refs/da3/desk.r112.full.safetensors');
  const grid = imagePlaneGrid(40, 64);
  const origin = ref.f32('raypose.rays_origin');
  const xy = Float32Array.from({ length: 40 * 64 * 2 }, (_, i) => origin[3 * (i >> 1) + (i & 1)]);
  expectMaxAbs('grid', grid, xy, 1e-6);
});
