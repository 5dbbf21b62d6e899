// Which backend the CLI runs, and that it always says so: `--backend auto` (the default) takes
// WebGPU only on a hardware adapter and otherwise names the reason it ran wasm; `--backend
// webgpu` runs even a software adapter and reproduces the PyTorch reference through the CLI.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/node.ts';
import { adapterIsFallback, requestAdapter } from '../src/backend/webgpu/index.ts';
import { decodePfm } from '../src/export/pfm.ts';
import { freshTempDir, removeTempDirs, repoPath, runCli } from './cli-run.ts';
import { loadReference } from './helpers/fixtures.ts';
import { expectDenseOutput, expectMaxAbs } from './helpers/metrics.ts';
import { WEBGPU_AVAILABLE } from './helpers/webgpu.ts';

const MODEL = repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf');
const INPUT = repoPath('fixtures/photos/desk.decoded.png');
afterAll(removeTempDirs);

describe('depth-anything backend choice', () => {
  it('auto (the default) reports what ran, and why it is not WebGPU when it is not', async () => {
    const run = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', join(freshTempDir(), 'd.pfm'), '--threads', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.backend).toHaveLength(1);
    const adapter = WEBGPU_AVAILABLE ? await requestAdapter() : null;
    if (!adapter) expect(run.backend[0]).toMatch(/^backend: wasm \((relaxed-simd|simd128), 1 thread\); no WebGPU adapter/);
    else if (adapterIsFallback(adapter)) expect(run.backend[0]).toMatch(/^backend: wasm \((relaxed-simd|simd128), 1 thread\); software WebGPU adapter skipped: .+/);
    else expect(run.backend[0]).toMatch(/^backend: webgpu \(.+\)$/);
  }, 120_000);

  it('an unknown backend is one clear error listing the choices', () => {
    const run = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', join(freshTempDir(), 'd.pfm'), '--backend', 'cuda']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*unknown backend 'cuda' \(available: auto, wasm, webgpu, reference\)\n$/);
  });

  it('--weights is checked: f32|f16 only, and f16 only where webgpu runs', () => {
    const pfm = join(freshTempDir(), 'd.pfm');
    const bad = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', pfm, '--weights', 'f8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --weights must be f32 or f16, got "f8"\n/);
    const cpu = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', pfm, '--weights', 'f16', '--backend', 'wasm']);
    expect(cpu.code).toBe(1);
    expect(cpu.stderr).toMatch(/^error: .*f16 weights are a webgpu option/);
  });

  it.runIf(WEBGPU_AVAILABLE)('--backend webgpu reproduces the reference end to end (desk 504×336)', () => {
    const dir = freshTempDir();
    const run = runCli(['depth', '--model', MODEL, '--input', INPUT, '--pfm', join(dir, 'd.pfm'), '--pose', join(dir, 'd.json'), '--backend', 'webgpu']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.backend).toHaveLength(1);
    expect(run.backend[0]).toMatch(/^backend: webgpu \(.+\)$/);
    const ref = loadReference('refs/da3/desk.r504.safetensors');
    expectDenseOutput('depth', decodePfm(new Uint8Array(readFileSync(join(dir, 'd.pfm')))).values, ref.f32('out.depth'));
    const pose = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')) as { extrinsics: number[][] };
    expectMaxAbs('extrinsics', pose.extrinsics.flat(), ref.f32('out.extrinsics'), 1e-5);
  }, 120_000);
});
