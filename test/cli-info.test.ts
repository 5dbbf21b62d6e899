import { describe, expect, it } from 'vitest';
import { repoPath, runCli } from './cli-run.ts';

// Every model fixture and the checkpoint name stored in its GGUF (fixtures MANIFEST.json).
const MODELS: [string, string][] = [
  ['fixtures/models/da3/pack-da3-aux-f32.gguf', 'DA3-PACK-RANDOM'],
  ['fixtures/models/da3-giant/pack-da3-giant-aux-f32.gguf', 'DA3-GIANT-PACK-RANDOM'],
  ['fixtures/models/da3mono/pack-da3mono-f32.gguf', 'DA3MONO-PACK-RANDOM'],
  ['fixtures/models/da3metric/pack-da3metric-f32.gguf', 'DA3METRIC-PACK-RANDOM'],
  ['fixtures/models/da3nested/pack-da3nested-anyview-f32.gguf', 'DA3NESTED-PACK-RANDOM-anyview'],
  ['fixtures/models/da3nested/pack-da3nested-metric-f32.gguf', 'DA3NESTED-PACK-RANDOM-metric'],
  ['fixtures/models/da2/pack-da2-f32.gguf', 'Depth-Anything-V2-Pack-Random'],
  ['fixtures/models/da2-metric/pack-da2-metric-f32.gguf', 'Depth-Anything-V2-Metric-Hypersim-Pack-Random'],
  ['fixtures/quant/quantize/pack-da3/pack-da3-q4_k.gguf', 'DA3-PACK-RANDOM'],
];

describe('depth-anything info', () => {
  it.each(MODELS)('%s', (model, checkpoint) => {
    const { code, stdout, stderr } = runCli(['info', '--model', repoPath(model)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    // depth-anything.cpp's lines come first, in its order.
    expect(lines[0]).toBe(`checkpoint: ${checkpoint}`);
    expect(lines[1]).toMatch(/^embed_dim: [1-9]\d*$/);
    expect(lines[2]).toMatch(/^depth: [1-9]\d*$/);
    expect(lines[3]).toMatch(/^num_heads: [1-9]\d*$/);
    for (const key of ['family', 'head_dim', 'ffn', 'out_layers', 'features', 'capabilities', 'tensors', 'parameters', 'file_size']) {
      expect(stdout).toMatch(new RegExp(`^${key}: \\S`, 'm'));
    }
  });

  it('reports the DA3 fixture in full', () => {
    const { stdout } = runCli(['info', '--model', repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf')]);
    expect(stdout).toBe(
      [
        'checkpoint: DA3-PACK-RANDOM',
        'embed_dim: 64',
        'depth: 10',
        'num_heads: 2',
        'family: da3',
        'head_dim: 32',
        'ffn: mlp',
        'out_layers: 3, 5, 7, 9',
        'features: 16',
        'capabilities: depth, confidence, pose, rays',
        'tensors: 303 (F32: 303)',
        'parameters: 813186',
        'file_size: 3273504 bytes',
        'weights_in_memory: 3.1 MiB on wasm; 3.1 MiB on webgpu',
        '',
      ].join('\n'),
    );
  });
});
