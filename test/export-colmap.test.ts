// COLMAP writer: binary and text files read back field by field, on a hand-computed model and
// on the DA3 desk reference; qvec against numpy's rotmat2qvec.
import { describe, expect, it } from 'vitest';
import { colmapConfidenceThreshold, encodeColmapBinary, encodeColmapText, type ColmapPoints, type ColmapView } from '../src/export/colmap.ts';
import { percentile } from '../src/geometry/quantile.ts';
import { rotationToQvec } from '../src/geometry/rotation-quaternion.ts';
import { unprojectViews } from '../src/geometry/unproject.ts';
import { decodeImage } from '../src/image/decode.ts';
import { readColmapBinary, readColmapText, type ColmapModel } from './helpers/colmap-reader.ts';
import { loadReference, readFixture } from './helpers/fixtures.ts';

// 4×2 processed image of a 10×5 original: scale 2.5 on both axes.
const identity = [1, 0, 0, 1, 0, 1, 0, -2, 0, 0, 1, 0.5];
const view: ColmapView = { name: 'desk.jpg', originalWidth: 10, originalHeight: 5, width: 4, height: 2, extrinsics: identity, intrinsics: [2, 0, 2, 0, 3, 1, 0, 0, 1] };
// Pixels (0, 0), (1, 1), (3, 1) → original (0, 0), (trunc 2.5, trunc 2.5), (trunc 7.5, trunc 2.5).
const points: ColmapPoints = {
  count: 3,
  positions: Float32Array.of(0.5, -1.25, 3, 1, 2, 4, -0.1, 0, 7),
  colors: Uint8Array.of(1, 2, 3, 4, 5, 6, 250, 251, 252),
  view: Uint32Array.of(0, 0, 0),
  pixel: Uint32Array.of(0, 5, 7),
};
const expectedModel: ColmapModel = {
  cameras: [{ id: 1, model: 1, width: 10, height: 5, params: [5, 7.5, 5, 2.5] }],
  images: [{ id: 1, qvec: [1, 0, 0, 0], tvec: [1, -2, 0.5], cameraId: 1, name: 'desk.jpg', points2d: [[0, 0, 1], [2, 2, 2], [7, 2, 3]] }],
  points: [
    { id: 1, xyz: [0.5, -1.25, 3], rgb: [1, 2, 3], error: 0, track: [[1, 0]] },
    { id: 2, xyz: [1, 2, 4], rgb: [4, 5, 6], error: 0, track: [[1, 1]] },
    { id: 3, xyz: [Math.fround(-0.1), 0, 7], rgb: [250, 251, 252], error: 0, track: [[1, 2]] },
  ],
};

describe('COLMAP writers on a hand-computed model', () => {
  it('binary: every field of cameras.bin, images.bin, points3D.bin', () => {
    const files = encodeColmapBinary([view], points);
    expect(files.map((f) => f.name)).toEqual(['cameras.bin', 'images.bin', 'points3D.bin']);
    expect(readColmapBinary(files)).toEqual(expectedModel);
  });

  it('text: exact lines (%.17g numbers) and the same model', () => {
    const files = encodeColmapText([view], points);
    expect(files.map((f) => f.name)).toEqual(['cameras.txt', 'images.txt', 'points3D.txt']);
    expect(files[0]!.bytes).toBe(
      '# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n# Number of cameras: 1\n' +
        '1 PINHOLE 10 5 5 7.5 5 2.5\n',
    );
    expect(files[1]!.bytes).toBe(
      '# Image list with two lines of data per image:\n#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n' +
        '#   POINTS2D[] as (X, Y, POINT3D_ID)\n# Number of images: 1, mean observations per image: 3\n' +
        '1 1 0 0 0 1 -2 0.5 1 desk.jpg\n0 0 1 2 2 2 7 2 3\n',
    );
    expect(files[2]!.bytes).toBe(
      '# 3D point list with one line of data per point:\n#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n' +
        '# Number of points: 3, mean track length: 1\n' +
        '1 0.5 -1.25 3 1 2 3 0 1 0\n2 1 2 4 4 5 6 0 1 1\n3 -0.10000000149011612 0 7 250 251 252 0 1 2\n',
    );
    expect(readColmapText(files)).toEqual(expectedModel);
  });

  it('several views: ids per view, running point2D index per image, %g mean; an empty image line', () => {
    const other = { ...view, name: 'b.png' };
    const twoViews = { ...points, view: Uint32Array.of(1, 0, 1) };
    const model = readColmapBinary(encodeColmapBinary([view, other, { ...view, name: 'c.png' }], twoViews));
    expect(model.images.map((i) => [i.id, i.cameraId, i.name, i.points2d.map((p) => p[2])])).toEqual([[1, 1, 'desk.jpg', [2]], [2, 2, 'b.png', [1, 3]], [3, 3, 'c.png', []]]);
    expect(model.points.map((p) => p.track)).toEqual([[[2, 0]], [[1, 0]], [[2, 1]]]);
    const text = encodeColmapText([view, other, { ...view, name: 'c.png' }], twoViews)[1]!.bytes as string;
    expect(text).toContain('# Number of images: 3, mean observations per image: 1\n');
    expect(text.endsWith(' c.png\n\n')).toBe(true);
    const fourPoints = encodeColmapText([view, other, { ...view, name: 'c.png' }], { ...twoViews, count: 2, positions: twoViews.positions.slice(0, 6), colors: twoViews.colors.slice(0, 6), view: twoViews.view.slice(0, 2), pixel: twoViews.pixel.slice(0, 2) });
    expect(fourPoints[1]!.bytes).toContain('mean observations per image: 0.666667\n');
  });

  it('no points: empty files with counts 0', () => {
    const none: ColmapPoints = { count: 0, positions: new Float32Array(0), colors: new Uint8Array(0), view: new Uint32Array(0), pixel: new Uint32Array(0) };
    expect(readColmapBinary(encodeColmapBinary([view], none)).points).toEqual([]);
    expect(encodeColmapText([view], none)[2]!.bytes).toMatch(/# Number of points: 0, mean track length: 0\n$/);
  });

  it('rejects inconsistent input', () => {
    expect(() => encodeColmapBinary([view], { ...points, pixel: Uint32Array.of(0, 5, 8) })).toThrow(/point 2 names a pixel outside/);
    expect(() => encodeColmapText([{ ...view, extrinsics: [1] }], points)).toThrow(/view 0 needs a 3×4/);
  });
});

describe('rotationToQvec (rotmat2qvec)', () => {
  // Expected values printed by read_write_model.rotmat2qvec (numpy.linalg.eigh).
  it.each([
    ['a rotation', [0.36, 0.48, -0.8, -0.8, 0.6, 0, 0.48, 0.64, 0.6], [0.7999999999999998, 0.19999999999999984, -0.3999999999999998, -0.39999999999999974]],
    ['a slightly non-orthonormal one', [0.3601, 0.4798, -0.8, -0.8, 0.6003, 0.0001, 0.4799, 0.64, 0.6002], [0.8000466004775604, 0.19998039705706003, -0.39998079294404865, -0.3999357987640639]],
    ['the identity', [1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 0, 0, 0]],
  ])('%s', (_, R, qvec) => {
    const q = rotationToQvec(R);
    q.forEach((x, i) => expect(x).toBeCloseTo(qvec[i]!, 13));
  });

  it('picks the sign with qw ≥ 0', () => {
    // 120° about (1, 1, 1)/√3: q = (0.5, 0.5, 0.5, 0.5); its negative is the same rotation.
    expect(rotationToQvec([0, 0, 1, 1, 0, 0, 0, 1, 0]).map((x) => Number(x.toFixed(12)))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

describe('COLMAP model of the DA3 desk reference (112×70, original 1024×680)', () => {
  const ref = loadReference('refs/da3/desk.r112.full.safetensors');
  const image = decodeImage(readFixture('photos/preprocessed/desk.r112.step2.png'));
  const confidence = ref.f32('out.depth_conf');
  const extrinsics = ref.f32('out.extrinsics'), intrinsics = ref.f32('out.intrinsics');

  it('keeps conf ≥ P40, rescales K and the 2D points to the original size, stores DA3 points', () => {
    const threshold = colmapConfidenceThreshold(confidence);
    expect(threshold).toBe(percentile(confidence, 40));
    const cloud = unprojectViews([{ width: 112, height: 70, depth: ref.f32('out.depth'), confidence, extrinsics, intrinsics, image }], threshold);
    expect(cloud.count).toBe(confidence.reduce((n, c) => n + (c >= threshold ? 1 : 0), 0));
    const colmapView = { name: 'desk.jpg', originalWidth: 1024, originalHeight: 680, width: 112, height: 70, extrinsics, intrinsics };
    const model = readColmapBinary(encodeColmapBinary([colmapView], cloud));
    expect(readColmapText(encodeColmapText([colmapView], cloud))).toEqual(model); // %.17g round-trips
    const sx = 1024 / 112, sy = 680 / 70;
    expect(model.cameras[0]).toEqual({ id: 1, model: 1, width: 1024, height: 680, params: [intrinsics[0]! * sx, intrinsics[4]! * sy, intrinsics[2]! * sx, intrinsics[5]! * sy] });
    const [qw, qx, qy, qz] = model.images[0]!.qvec;
    expect(qw).toBeGreaterThanOrEqual(0);
    // The quaternion rebuilds the rotation part of the reference w2c.
    const R = [
      1 - 2 * (qy! ** 2 + qz! ** 2), 2 * (qx! * qy! - qz! * qw!), 2 * (qx! * qz! + qy! * qw!),
      2 * (qx! * qy! + qz! * qw!), 1 - 2 * (qx! ** 2 + qz! ** 2), 2 * (qy! * qz! - qx! * qw!),
      2 * (qx! * qz! - qy! * qw!), 2 * (qy! * qz! + qx! * qw!), 1 - 2 * (qx! ** 2 + qy! ** 2),
    ];
    R.forEach((r, i) => expect(r).toBeCloseTo(extrinsics[Math.floor(i / 3) * 4 + (i % 3)]!, 6));
    expect(model.images[0]!.tvec).toEqual([extrinsics[3], extrinsics[7], extrinsics[11]]);

    const world = ref.f32('points.world');
    let maxAbs = 0;
    model.points.forEach((p, i) => {
      const pixel = cloud.pixel[i]!;
      const [u, v] = [pixel % 112, Math.floor(pixel / 112)];
      expect(model.images[0]!.points2d[i]).toEqual([Math.trunc(u * sx), Math.trunc(v * sy), i + 1]);
      expect(p.track).toEqual([[1, i]]);
      expect(p.rgb).toEqual(Array.from(image.data.subarray(pixel * 3, pixel * 3 + 3)));
      for (let a = 0; a < 3; a++) maxAbs = Math.max(maxAbs, Math.abs(p.xyz[a]! - world[pixel * 3 + a]!));
    });
    expect(maxAbs).toBeLessThanOrEqual(1e-6); // the spec's DA3 parity gate is 1e-4
  });
});
