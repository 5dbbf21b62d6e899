// A real `depth` run on the tiny DA3 fixture: stdout lines, and PFM / PNG / pose JSON files that
// hold the model's output (compared with the PyTorch reference) in depth-anything.cpp's formats.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDepthPng } from '../src/export/depth-png.ts';
import { finiteRange } from '../src/export/finite-range.ts';
import { decodePfm } from '../src/export/pfm.ts';
import { formatFixed } from '../src/export/printf.ts';
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

  it('prints the pose line, then the depth line with the min/max of the written map', () => {
    const pfm = decodePfm(new Uint8Array(readFileSync(out('d.pfm'))));
    const range = finiteRange(pfm.values)!;
    const lines = run.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
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
  const views = ['street', 'desk', 'canyon'].map((name) => repoPath(`fixtures/photos/preprocessed/${name}.r112.step2.png`));

  it('runs one pass over all views and writes <prefix>_view<i> files, cameras included', () => {
    const viewDir = freshTempDir();
    const args = ['depth', '--model', MODEL, ...views.flatMap((v) => ['--input', v]), '--out-prefix', join(viewDir, 'scene')];
    const result = runCli(args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(result.stdout).toMatch(/^view 2: depth 504x322 min=\d+\.\d{4} max=\d+\.\d{4} fx=\d+\.\d{4} fy=\d+\.\d{4}$/m);
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
