// `depth --glb / --colmap / --colmap-txt` on the tiny DA3 fixture: stdout lines, the files read
// back, and their points compared with the back-projection of the PyTorch reference (desk 504×336).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLMAP_FILE_NAMES, colmapConfidenceThreshold, type ColmapFile } from '../src/export/colmap.ts';
import { encodeGlb, glbConfidenceThreshold } from '../src/export/glb.ts';
import { unprojectViews, type UnprojectView } from '../src/geometry/unproject.ts';
import { decodeImage } from '../src/image/decode.ts';
import { freshTempDir, listDir, removeTempDirs, repoPath, runCli, type CliResult } from './cli-run.ts';
import { readColmapBinary, readColmapText, type ColmapModel } from './helpers/colmap-reader.ts';
import { loadReference, readFixture } from './helpers/fixtures.ts';
import { parseGlb } from './helpers/glb-reader.ts';
import { expectMaxRel } from './helpers/metrics.ts';

const MODEL = repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf');
// 1024×680, processed at 504×336: COLMAP rescales to the original size.
const INPUT = repoPath('fixtures/photos/desk.decoded.png');
const SCALE = [1024 / 504, 680 / 336];

let dir: string;
let run: CliResult;
let textRun: CliResult;
const out = (name: string) => join(dir, name);
const readModel = (sub: string, format: 'bin' | 'txt'): ColmapFile[] =>
  COLMAP_FILE_NAMES[format].map((name) => {
    const bytes = new Uint8Array(readFileSync(join(dir, sub, name)));
    return { name, bytes: format === 'bin' ? bytes : new TextDecoder().decode(bytes) };
  });

/** The reference's depth, confidence and camera with the reference step2 image. */
function referenceView(): UnprojectView {
  const ref = loadReference('refs/da3/desk.r504.safetensors');
  return {
    width: 504,
    height: 336,
    depth: ref.f32('out.depth'),
    confidence: ref.f32('out.depth_conf'),
    extrinsics: ref.f32('out.extrinsics'),
    intrinsics: ref.f32('out.intrinsics'),
    image: decodeImage(readFixture('photos/preprocessed/desk.r504.step2.png')),
  };
}

beforeAll(() => {
  dir = freshTempDir();
  run = runCli(['depth', '--model', MODEL, '--input', INPUT, '--glb', out('scene.glb'), '--colmap', out('sparse'), '--pose', out('pose.json'), '--pfm', out('d.pfm')]);
  textRun = runCli(['depth', '--model', MODEL, '--input', INPUT, '--colmap-txt', out('new/sparse-txt')]);
}, 240_000);
afterAll(removeTempDirs);

describe('depth --glb --colmap --pose --pfm (DA3 fixture, desk)', () => {
  it('prints the same summary as any run (pose, depth, one line per output) and writes exactly the requested files', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^pose: fx=\\d+\\.\\d{4} fy=\\d+\\.\\d{4} cx=\\d+\\.\\d{4} cy=\\d+\\.\\d{4}\\ndepth 504x336 min=\\d+\\.\\d{4} max=\\d+\\.\\d{4}\\n` +
          `wrote ${out('d.pfm')}\\nwrote ${out('pose.json')}\\nwrote ${out('scene.glb')}\\nwrote COLMAP model \\(bin\\) to ${out('sparse')}\\n$`,
      ),
    );
    expect(listDir(dir)).toEqual(['d.pfm', 'new', 'pose.json', 'scene.glb', 'sparse']);
    expect(listDir(out('sparse'))).toEqual(['cameras.bin', 'images.bin', 'points3D.bin']);
  });

  it('COLMAP: original-size PINHOLE camera, the input name, 2D points and 3D points of the reference', () => {
    const model = readColmapBinary(readModel('sparse', 'bin'));
    const view = referenceView();
    const K = view.intrinsics;
    const camera = model.cameras[0]!;
    expect([model.cameras.length, camera.id, camera.model, camera.width, camera.height]).toEqual([1, 1, 1, 1024, 680]);
    expectMaxRel('camera params', camera.params, [K[0]! * SCALE[0]!, K[4]! * SCALE[1]!, K[2]! * SCALE[0]!, K[5]! * SCALE[1]!], 1e-5);
    const image = model.images[0]!;
    expect([model.images.length, image.id, image.cameraId, image.name]).toEqual([1, 1, 1, 'desk.decoded.png']);
    expect(image.qvec[0]).toBeGreaterThanOrEqual(0);

    // Our points and the reference's, keyed by their original-size pixel.
    const expected = unprojectViews([view], colmapConfidenceThreshold(view.confidence!));
    const byPixel = new Map<string, number[]>();
    expected.pixel.forEach((p, i) => {
      const key = `${Math.trunc((p % 504) * SCALE[0]!)},${Math.trunc(Math.floor(p / 504) * SCALE[1]!)}`;
      byPixel.set(key, Array.from(expected.positions.subarray(i * 3, i * 3 + 3)));
    });
    expect(Math.abs(model.points.length - expected.count)).toBeLessThanOrEqual(0.01 * expected.count);
    let shared = 0, maxAbs = 0, scale = 0, badLinks = 0;
    model.points.forEach((point, i) => {
      const track = point.track;
      if (image.points2d[i]![2] !== point.id || track.length !== 1 || track[0]![0] !== 1 || track[0]![1] !== i) badLinks++;
      const reference = byPixel.get(`${image.points2d[i]![0]},${image.points2d[i]![1]}`);
      if (!reference) return; // a pixel on the other side of the P40 confidence cut
      shared++;
      point.xyz.forEach((x, a) => {
        maxAbs = Math.max(maxAbs, Math.abs(x - reference[a]!));
        scale = Math.max(scale, Math.abs(reference[a]!));
      });
    });
    expect(badLinks).toBe(0); // point i ↔ observation i of image 1
    expect(shared).toBeGreaterThanOrEqual(0.99 * expected.count);
    expect(maxAbs / scale).toBeLessThanOrEqual(1e-4); // depth max_rel 1e-4, camera ~1e-5
  });

  it('GLB: the reference cloud\'s extent in glTF axes, centred, with one camera frustum', () => {
    const glb = parseGlb(new Uint8Array(readFileSync(out('scene.glb'))));
    expect(glb.primitives.map((p) => p.mode)).toEqual([0, 1]);
    const view = referenceView();
    const expected = parseGlb(encodeGlb(unprojectViews([view], glbConfidenceThreshold(view.confidence!)), [view]));
    const [points, lines] = glb.primitives;
    const [refPoints] = expected.primitives;
    expect(Math.abs(points!.positions.length - refPoints!.positions.length)).toBeLessThanOrEqual(0.01 * refPoints!.positions.length);
    const accessors = glb.gltf.accessors!, refAccessors = expected.gltf.accessors!;
    for (const k of [0, 2]) {
      const scale = Math.max(...refAccessors[k]!.max!.map(Math.abs), ...refAccessors[k]!.min!.map(Math.abs));
      [...accessors[k]!.min!, ...accessors[k]!.max!].forEach((v, i) =>
        expect(Math.abs(v - [...refAccessors[k]!.min!, ...refAccessors[k]!.max!][i]!)).toBeLessThanOrEqual(1e-3 * scale));
    }
    expect(lines!.positions.length).toBe(16 * 3);
  });

  it('pose JSON and PFM are still written alongside', () => {
    expect(JSON.parse(readFileSync(out('pose.json'), 'utf8'))).toHaveProperty('extrinsics');
    expect(readFileSync(out('d.pfm')).subarray(0, 16).toString()).toBe('Pf\n504 336\n-1.0\n');
  });
});

describe('depth --colmap-txt into a new directory', () => {
  it('creates the directory and writes the same model as text', () => {
    expect(textRun.stderr).toBe('');
    expect(textRun.code).toBe(0);
    expect(textRun.stdout).toMatch(new RegExp(`\\nwrote COLMAP model \\(txt\\) to ${out('new/sparse-txt')}\\n$`));
    expect(listDir(out('new/sparse-txt'))).toEqual(['cameras.txt', 'images.txt', 'points3D.txt']);
    const text: ColmapModel = readColmapText(readModel('new/sparse-txt', 'txt'));
    expect(text).toEqual(readColmapBinary(readModel('sparse', 'bin'))); // %.17g round-trips every double
  });
});
