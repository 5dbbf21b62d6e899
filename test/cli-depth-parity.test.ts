// End to end through the CLI: a photo (the lossless PNG of the reference's own JPEG decode) →
// preprocessing → network → PFM and pose JSON files, compared with the PyTorch reference for
// that photo at the real processing size (504×336).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { decodePfm } from '../src/export/pfm.ts';
import { loadReference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectMaxAbs, expectMaxRel } from './helpers/metrics.ts';
import { freshTempDir, removeTempDirs, repoPath, runCli } from './cli-run.ts';

afterAll(removeTempDirs);

it('depth --pfm --pose on desk matches the reference depth and camera', () => {
  const dir = freshTempDir();
  const pfm = join(dir, 'desk.pfm'), pose = join(dir, 'desk.json');
  const result = runCli(['depth', '--model', repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf'),
    '--input', repoPath('fixtures/photos/desk.decoded.png'), '--pfm', pfm, '--pose', pose]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^depth 504x336 min=/m);

  const ref = loadReference('refs/da3/desk.r504.safetensors');
  const depth = decodePfm(new Uint8Array(readFileSync(pfm)));
  expect([depth.width, depth.height]).toEqual([504, 336]);
  expectDenseOutput('depth', depth.values, ref.f32('out.depth'));

  const json = JSON.parse(readFileSync(pose, 'utf8')) as { extrinsics: number[][]; intrinsics: number[][] };
  expectMaxAbs('extrinsics', json.extrinsics.flat(), ref.f32('out.extrinsics'), 1e-5);
  expectMaxRel('intrinsics', json.intrinsics.flat(), ref.f32('out.intrinsics'), 1e-5);
}, 120_000);
