// A real `depth` run on the tiny DA3 fixture: stdout lines, and PFM / PNG / pose JSON files that
// hold the model's output (compared with the PyTorch reference) in depth-anything.cpp's formats.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDepthPng } from '../src/export/depth-png.ts';
import { finiteRange } from '../src/export/finite-range.ts';
import { decodePfm } from '../src/export/pfm.ts';
import { formatFixed } from '../src/format/printf.ts';
import { freshTempDir, listDir, removeTempDirs, repoPath, runCli, type CliResult } from './cli-run.ts';
import { loadReference, type Reference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';

const MODEL = repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf');
// The lossless PNG of the reference's own JPEG decode of desk (1024×680): the run goes through
// preprocessing (→ 504×336) too, so the files are compared with the reference end to end.
const INPUT = repoPath('fixtures/photos/desk.decoded.png');

let dir: string;
let run: CliResult;
let ref: Reference;
const out = (name: string) => join(dir, name);

beforeAll(() => {
  dir = freshTempDir();
  ref = loadReference('refs/da3/desk.r504.safetensors');
  run = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', out('d.pfm'), '--png', out('d.png'), '--pose', out('d.json')]);
}, 120_000);
afterAll(removeTempDirs);

describe('depth-anything depth (DA3 fixture, desk 504×336)', () => {
  it('succeeds and writes exactly the three requested files', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(listDir(dir)).toEqual(['d.json', 'd.pfm', 'd.png']); // no temporaries left
  });

  it('PFM holds the predicted depth, upright after the bottom-up row order is undone', () => {
    const bytes = new Uint8Array(readFileSync(out('d.pfm')));
    expect(new TextDecoder().decode(bytes.subarray(0, 16))).toBe('Pf\n504 336\n-1.0\n');
    const pfm = decodePfm(bytes);
    expect([pfm.width, pfm.height]).toEqual([504, 336]);
    expectDenseOutput('depth', pfm.values, ref.f32('out.depth'));
  });

  it('prints the pose line, the depth line with the min/max of the written map, and one line per file written', () => {
    const pfm = decodePfm(new Uint8Array(readFileSync(out('d.pfm'))));
    const range = finiteRange(pfm.values)!;
    const lines = run.stdout.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.slice(2)).toEqual([`wrote ${out('d.pfm')}`, `wrote ${out('d.png')}`, `wrote ${out('d.json')}`, '']);
    expect(lines[1]).toBe(`depth 504x336 min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)}`);
    const pose = /^pose: fx=(\d+\.\d{4}) fy=(\d+\.\d{4}) cx=252\.0000 cy=168\.0000$/.exec(lines[0]!);
    expect(pose).not.toBeNull();
    const k = ref.f32('out.intrinsics');
    expect(Number(pose![1])).toBeCloseTo(k[0]!, 1);
    expect(Number(pose![2])).toBeCloseTo(k[4]!, 1);
  });

  it('PNG is the inverted 8-bit gray map of that depth', () => {
    const png = decode(readFileSync(out('d.png')));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([504, 336, 1, 8]);
    const pfm = decodePfm(new Uint8Array(readFileSync(out('d.pfm'))));
    expect(Array.from(png.data)).toEqual(Array.from(decode(encodeDepthPng(pfm.values, 504, 336)).data));
    // Near (small depth) is bright.
    const d = pfm.values;
    const nearest = d.indexOf(finiteRange(d)!.min);
    const farthest = d.indexOf(finiteRange(d)!.max);
    expect([png.data[nearest], png.data[farthest]]).toEqual([255, 0]);
  });

  it('pose JSON has the C++ layout and the reference camera', () => {
    const text = readFileSync(out('d.json'), 'utf8');
    const num = '-?\\d[\\d.e+-]*';
    const row = (n: number) => `    \\[${Array(n).fill(num).join(', ')}\\]`;
    const layout = new RegExp(
      `^\\{\\n  "extrinsics": \\[\\n${row(4)},\\n${row(4)},\\n${row(4)}\\n  \\],\\n` +
        `  "intrinsics": \\[\\n${row(3)},\\n${row(3)},\\n${row(3)}\\n  \\]\\n\\}\\n$`,
    );
    expect(text).toMatch(layout);
    const pose = JSON.parse(text) as { extrinsics: number[][]; intrinsics: number[][] };
    const extrinsics = pose.extrinsics.flat();
    expectMaxAbs('extrinsics', extrinsics, ref.f32('out.extrinsics'), 1e-5);
    expectMaxRel('intrinsics', pose.intrinsics.flat(), ref.f32('out.intrinsics'), 1e-5);
  });
});

describe('depth-anything depth from the JPEG itself (desk.jpg)', () => {
  it('meets the same gates as the lossless PNG: the JPEG decode is libjpeg-turbo\'s', () => {
    const dir = freshTempDir();
    const result = runCli(['depth', '--model', MODEL, '--input', repoPath('fixtures/photos/desk.jpg'), '--pfm', join(dir, 'd.pfm'), '--pose', join(dir, 'd.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const ref = loadReference('refs/da3/desk.r504.safetensors');
    expectDenseOutput('depth', decodePfm(new Uint8Array(readFileSync(join(dir, 'd.pfm')))).values, ref.f32('out.depth'));
    const pose = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')) as { extrinsics: number[][]; intrinsics: number[][] };
    expectMaxAbs('extrinsics', pose.extrinsics.flat(), ref.f32('out.extrinsics'), 1e-5);
    expectMaxRel('intrinsics', pose.intrinsics.flat(), ref.f32('out.intrinsics'), 1e-5);
  }, 120_000);
});

describe('depth-anything depth --repeat', () => {
  it('prints one bench line and writes no file', () => {
    const benchDir = freshTempDir();
    const result = runCli(['depth', '--model', MODEL, '--input', INPUT, '--repeat', '1', '--threads', '2', '--pfm', join(benchDir, 'x.pfm')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^bench: out=504x336 threads=2 load=\d+\.\dms infer=(\d+\.\d)ms\/iter \(median over 1, min=\1 max=\1 p90=\1\)\n$/,
    );
    expect(listDir(benchDir)).toEqual([]);
  }, 120_000);
});

describe('depth-anything depth with several --input (multi-view)', () => {
  it('exports every view into one scene: one GLB with a frustum per view, COLMAP with one image per view', () => {
    const viewDir = freshTempDir();
    const two = [repoPath('fixtures/photos/preprocessed/street.r112.step2.png'), repoPath('fixtures/photos/preprocessed/canyon.r112.step2.png')];
    const result = runCli(['depth', '--model', MODEL, ...two.flatMap((v) => ['--input', v]), '--glb', join(viewDir, 'scene.glb'), '--colmap-txt', join(viewDir, 'sparse'), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { views: { extrinsics: number[][] }[]; files: string[]; colmap: { dir: string; format: string }[] };
    expect(summary.views).toHaveLength(2);
    expect(summary.files).toEqual([join(viewDir, 'scene.glb')]);
    expect(summary.colmap).toEqual([{ dir: join(viewDir, 'sparse'), format: 'txt' }]);
    expect(listDir(viewDir)).toEqual(['scene.glb', 'sparse']); // no per-view files unless --out-prefix asks
    const images = readFileSync(join(viewDir, 'sparse', 'images.txt'), 'utf8').split('\n').filter((l) => /^\d+ /.test(l) && /\.png$/.test(l));
    expect(images.map((l) => l.split(' ').pop())).toEqual(['street.r112.step2.png', 'canyon.r112.step2.png']);
    const glb = readFileSync(join(viewDir, 'scene.glb'));
    expect(glb.subarray(0, 4).toString()).toBe('glTF');
  }, 120_000);

  const views = ['street', 'desk', 'canyon'].map((name) => repoPath(`fixtures/photos/preprocessed/${name}.r112.step2.png`));

  it('runs one pass over all views and writes <prefix>_view<i> files, cameras included', () => {
    const viewDir = freshTempDir();
    const args = ['depth', '--model', MODEL, ...views.flatMap((v) => ['--input', v]), '--out-prefix', join(viewDir, 'scene')];
    const result = runCli(args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Per view a pose and a depth line, then the nine files.
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(3 * 2 + 9);
    expect(result.stdout).toMatch(/^view 2: pose: fx=\d+\.\d{4} fy=\d+\.\d{4} cx=\d+\.\d{4} cy=\d+\.\d{4}\nview 2: depth 504x322 min=\d+\.\d{4} max=\d+\.\d{4}$/m);
    expect(result.stdout).toContain(`wrote ${join(viewDir, 'scene_view2.json')}\n`);
    expect(listDir(viewDir)).toEqual([0, 1, 2].flatMap((i) => [`scene_view${i}.json`, `scene_view${i}.pfm`, `scene_view${i}.png`]).sort());
  }, 120_000);

  it('rejects views that preprocess to different sizes and writes nothing', () => {
    const viewDir = freshTempDir();
    const result = runCli(['depth', '--model', MODEL, '--input', views[0]!, '--input', INPUT, '--out-prefix', join(viewDir, 'x')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*same size\n$/);
    expect(listDir(viewDir)).toEqual([]);
  }, 120_000);
});

describe('depth-anything depth: pose sources, nested metric model, sky', () => {
  const NESTED = repoPath('fixtures/models/da3nested/pack-da3nested-anyview-f32.gguf');
  const NESTED_METRIC = repoPath('fixtures/models/da3nested/pack-da3nested-metric-f32.gguf');

  it('--ray-pose --pose solves the camera from the ray map', () => {
    const poseDir = freshTempDir();
    const result = runCli(['depth', '--model', MODEL, '--input', INPUT, '--ray-pose', '--pose', join(poseDir, 'ray.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pose \(ray\): fx=\d+\.\d{4} fy=\d+\.\d{4} cx=\d+\.\d{4} cy=\d+\.\d{4}\ndepth 504x336 /);
    const pose = JSON.parse(readFileSync(join(poseDir, 'ray.json'), 'utf8')) as { extrinsics: number[][] };
    expect(pose.extrinsics.flat().every(Number.isFinite)).toBe(true);
  }, 120_000);

  it('--ray-pose needs --pose and an aux model', () => {
    expect(runCli(['depth', '--model', MODEL, '--input', INPUT, '--ray-pose']).stderr).toBe('error: --ray-pose requires --pose <out.json>\nsee: depth-anything depth --help\n');
    // The nested any-view file was converted without --with-aux.
    const noAux = runCli(['depth', '--model', NESTED, '--input', INPUT, '--ray-pose', '--pose', join(freshTempDir(), 'p.json')]);
    expect(noAux.code).toBe(1);
    expect(noAux.stderr).toBe('error: --ray-pose needs an aux-bearing GGUF (convert with --with-aux)\n');
  }, 120_000);

  it('--metric-model writes metric depth and scaled cameras matching the nested reference', () => {
    const nestedDir = freshTempDir();
    const pfm = join(nestedDir, 'm.pfm'), pose = join(nestedDir, 'm.json'), sky = join(nestedDir, 'sky.pfm');
    const result = runCli(['depth', '--model', NESTED, '--metric-model', NESTED_METRIC, '--input', INPUT, '--pfm', pfm, '--pose', pose, '--sky', sky]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^metric depth 504x336 min=\d+\.\d{4} max=\d+\.\d{4} scale_factor=1\.1357\d\d$/m);
    const nested = loadReference('refs/da3nested/desk.r504.safetensors');
    expectDenseOutput('metric depth', decodePfm(new Uint8Array(readFileSync(pfm))).values, nested.f32('out.depth'));
    const json = JSON.parse(readFileSync(pose, 'utf8')) as { extrinsics: number[][] };
    expectMaxAbs('metric extrinsics', json.extrinsics.flat(), nested.f32('out.extrinsics'), 1e-5);
    const skyMap = decodePfm(new Uint8Array(readFileSync(sky)));
    expect([skyMap.width, skyMap.height]).toEqual([504, 336]);
    expect(skyMap.values.every((v) => v >= 0)).toBe(true); // ReLU sky
  }, 120_000);

  it('--sky on a model without a sky head is an error before loading', () => {
    const result = runCli(['depth', '--model', MODEL, '--input', INPUT, '--sky', join(freshTempDir(), 's.pfm')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --sky: .* has no sky head/);
  });
});

describe('depth-anything reconstruct', () => {
  const GIANT = repoPath('fixtures/models/da3-giant/pack-da3-giant-aux-f32.gguf');
  const SQUARE = repoPath('fixtures/photos/preprocessed/desk_sq680.r224.step2.png');

  it('writes one Gaussian per pixel as depth-anything.cpp\'s PLY, plus the pose', () => {
    const dir = freshTempDir();
    const result = runCli(['reconstruct', '--model', GIANT, '--input', SQUARE, '--resolution', '224', '--ply', join(dir, 'g.ply'), '--pose', join(dir, 'g.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`reconstructed 50176 gaussians (224x224)\nwrote ${join(dir, 'g.ply')}\nwrote ${join(dir, 'g.json')}\n`);
    const ply = readFileSync(join(dir, 'g.ply'));
    const header = ply.subarray(0, ply.indexOf('end_header\n') + 11).toString();
    expect(header).toContain('element vertex 50176\n');
    expect(ply.length - header.length).toBe(50176 * 14 * 4);
  }, 120_000);

  it('refuses a model without a Gaussian head before loading it', () => {
    const result = runCli(['reconstruct', '--model', MODEL, '--input', SQUARE, '--ply', join(freshTempDir(), 'g.ply')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: reconstruct: .* has no 3D-Gaussian head/);
  });
});
