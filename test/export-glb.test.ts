// GLB writer: read the file back (container, JSON, accessors, buffers) and check every field,
// on a hand-computed scene and on the reference point cloud of the DA3 desk fixture.
import { describe, expect, it } from 'vitest';
import { encodeGlb, glbConfidenceThreshold, type GlbCamera } from '../src/export/glb.ts';
import { percentile } from '../src/geometry/quantile.ts';
import { unprojectViews } from '../src/geometry/unproject.ts';
import { decodeImage } from '../src/image/decode.ts';
import { loadReference, readFixture } from './helpers/fixtures.ts';
import { parseGlb } from './helpers/glb-reader.ts';

const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
const camera: GlbCamera = { width: 3, height: 2, extrinsics: identity, intrinsics: [2, 0, 1, 0, 2, 1, 0, 0, 1] };
// World points (0, 0, 1) and (2, 4, 3): glTF axes negate y and z → (0, 0, −1), (2, −4, −3);
// the per-axis median (1, −2, −2) moves to the origin.
const twoPoints = { count: 2, positions: Float32Array.of(0, 0, 1, 2, 4, 3), colors: Uint8Array.of(10, 20, 30, 40, 50, 60) };

describe('encodeGlb on a hand-computed scene', () => {
  it('points only: the exact JSON, layout and values', () => {
    const glb = parseGlb(encodeGlb(twoPoints, [camera], { showCameras: false }));
    expect(glb.jsonText).toBe(
      '{"asset":{"version":"2.0","generator":"depth-anything-ts"},"scene":0,"scenes":[{"nodes":[0]}],"nodes":[{"mesh":0}],' +
        '"bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":24,"target":34962},{"buffer":0,"byteOffset":24,"byteLength":8,"target":34962}],' +
        '"accessors":[{"bufferView":0,"componentType":5126,"count":2,"type":"VEC3","min":[-1,-2,-1],"max":[1,2,1]},' +
        '{"bufferView":1,"componentType":5121,"normalized":true,"count":2,"type":"VEC4"}],' +
        '"meshes":[{"primitives":[{"attributes":{"POSITION":0,"COLOR_0":1},"mode":0}]}],"buffers":[{"byteLength":32}]}',
    );
    expect(glb.primitives).toHaveLength(1);
    expect(Array.from(glb.primitives[0]!.positions)).toEqual([-1, 2, 1, 1, -2, -1]);
    expect(Array.from(glb.primitives[0]!.colors)).toEqual([10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('camera frustum: 8 segments scaled by 0.03·‖P95 − P5‖, in the single-camera colour', () => {
    const glb = parseGlb(encodeGlb(twoPoints, [camera]));
    expect(glb.gltf.bufferViews!.map((v) => [v.byteOffset, v.byteLength])).toEqual([[0, 24], [24, 8], [32, 192], [224, 64]]);
    expect(glb.gltf.meshes![0]!.primitives.map((p) => [p.attributes.POSITION, p.attributes.COLOR_0, p.mode])).toEqual([[0, 1, 0], [2, 3, 1]]);
    const [, lines] = glb.primitives;
    expect(lines!.positions.length).toBe(16 * 3);
    for (let k = 0; k < 16; k++) expect(Array.from(lines!.colors.subarray(k * 4, k * 4 + 4))).toEqual([36, 242, 242, 255]);
    // Aligned extents per axis 2, 4, 2 → P95 − P5 = 0.9·(2, 4, 2); size = 0.03·‖·‖.
    const size = 0.03 * 0.9 * Math.sqrt(4 + 16 + 4);
    const centre = [1, -2, -2];
    // Camera centre (0, 0, 0); corner (u, v) → K⁻¹ → ((u − 1)/2, (v − 1)/2, 1)·size, then y, z negated.
    const vertex = ([x, y, z]: number[]) => [x! - centre[0]!, -y! - centre[1]!, -z! - centre[2]!].map(Math.fround);
    const corner = (u: number, v: number) => vertex([((u - 1) / 2) * size, ((v - 1) / 2) * size, size]);
    const corners = [corner(0, 0), corner(2, 0), corner(2, 1), corner(0, 1)];
    const expected = [0, 1, 2, 3].flatMap((i) => [vertex([0, 0, 0]), corners[i]!])
      .concat([0, 1, 2, 3].flatMap((i) => [corners[i]!, corners[(i + 1) % 4]!])).flat();
    const got = Array.from(lines!.positions);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('cameras get hues (i + 0.5)/N; no points leaves only the frustums; nothing at all is an empty scene', () => {
    const second = { ...camera, extrinsics: [1, 0, 0, -1, 0, 1, 0, 0, 0, 0, 1, 0] };
    const glb = parseGlb(encodeGlb({ count: 0, positions: new Float32Array(0), colors: new Uint8Array(0) }, [camera, second]));
    expect(glb.primitives.map((p) => p.mode)).toEqual([1]);
    expect(glb.gltf.accessors).toHaveLength(2);
    const colors = glb.primitives[0]!.colors;
    // h = 0.25: (q, v, p) → (0.95·(1 − 0.85·0.5), 0.95, 0.95·0.15); h = 0.75: (t, p, v).
    expect(Array.from(colors.subarray(0, 4))).toEqual([139, 242, 36, 255]);
    expect(Array.from(colors.subarray(16 * 4, 16 * 4 + 4))).toEqual([139, 36, 242, 255]);

    const empty = encodeGlb({ count: 0, positions: new Float32Array(0), colors: new Uint8Array(0) }, [camera], { showCameras: false });
    const parsed = parseGlb(empty);
    expect(parsed.jsonText).toBe('{"asset":{"version":"2.0","generator":"depth-anything-ts"},"scene":0,"scenes":[{"nodes":[]}]}');
    expect(parsed.bin).toBeUndefined();
    expect(empty.length).toBe(20 + 96); // JSON (94 bytes) padded with spaces to 96
    expect(new TextDecoder().decode(empty.subarray(20 + 94))).toBe('  ');
  });

  it('rejects bad input with a message', () => {
    expect(() => encodeGlb(twoPoints, [])).toThrow(/at least one camera/);
    expect(() => encodeGlb({ ...twoPoints, count: 3 }, [camera])).toThrow(/3 points need 9/);
  });
});

describe('encodeGlb on the DA3 desk reference (112×70)', () => {
  const ref = loadReference('refs/da3/desk.r112.full.safetensors');
  const image = decodeImage(readFixture('photos/preprocessed/desk.r112.step2.png'));
  const confidence = ref.f32('out.depth_conf');
  const extrinsics = ref.f32('out.extrinsics'), intrinsics = ref.f32('out.intrinsics');

  it('keeps the pixels at or above min(max(1.05, P40), P90) and places DA3 points in the first-camera glTF frame', () => {
    const threshold = glbConfidenceThreshold(confidence);
    expect(threshold).toBe(Math.min(Math.max(1.05, percentile(confidence, 40)), percentile(confidence, 90)));
    const cloud = unprojectViews([{ width: 112, height: 70, depth: ref.f32('out.depth'), confidence, extrinsics, intrinsics, image }], threshold);
    const kept = confidence.reduce((n, c) => n + (c >= threshold ? 1 : 0), 0);
    expect(cloud.count).toBe(kept);
    expect(kept).toBeGreaterThan(0.5 * 112 * 70);

    const glb = parseGlb(encodeGlb(cloud, [{ width: 112, height: 70, extrinsics, intrinsics }]));
    const points = glb.primitives[0]!;
    // Expected from DA3's own world points: rows 1, 2 of w2c negated, minus the per-axis median.
    const world = ref.f32('points.world');
    const aligned = new Float64Array(kept * 3);
    Array.from(cloud.pixel).forEach((p, i) => {
      for (let r = 0; r < 3; r++) {
        const e = extrinsics.subarray(r * 4, r * 4 + 4);
        const v = e[0]! * world[p * 3]! + e[1]! * world[p * 3 + 1]! + e[2]! * world[p * 3 + 2]! + e[3]!;
        aligned[i * 3 + r] = r === 0 ? v : -v;
      }
    });
    const median = [0, 1, 2].map((a) => percentile(Float32Array.from(aligned.filter((_, i) => i % 3 === a)), 50));
    let maxAbs = 0;
    points.positions.forEach((v, i) => { maxAbs = Math.max(maxAbs, Math.abs(v - (aligned[i]! - median[i % 3]!))); });
    expect(maxAbs).toBeLessThan(2e-6); // the spec's DA3 parity gate is 1e-4
    const rgba = Uint8Array.from({ length: kept * 4 }, (_, i) => (i % 4 === 3 ? 255 : image.data[cloud.pixel[i >> 2]! * 3 + (i % 4)]!));
    expect(points.colors).toEqual(rgba);
  });
});
