// The official model configurations (reference/forward-math.md §1, §11; gguf-io-cli.md §2) as
// synth specs. Checkpoint names are the official ones with "-SYNTH" so a random-weight file is
// never mistaken for a real one (and still reads as metric where the real name does).

import type { SynthSpec } from '../converter-layout/index.ts';

type Backbone = Pick<SynthSpec, 'embedDim' | 'depth' | 'numHeads' | 'ffn' | 'ffnHidden'>;
type Head = Pick<SynthSpec, 'headFeatures' | 'headOutChannels'>;

const VITS: Backbone = { embedDim: 384, depth: 12, numHeads: 6, ffn: 'mlp', ffnHidden: 1536 };
const VITB: Backbone = { embedDim: 768, depth: 12, numHeads: 12, ffn: 'mlp', ffnHidden: 3072 };
const VITL: Backbone = { embedDim: 1024, depth: 24, numHeads: 16, ffn: 'mlp', ffnHidden: 4096 };
const VITG: Backbone = { embedDim: 1536, depth: 40, numHeads: 24, ffn: 'swiglu', ffnHidden: 4096 };

const HEAD_S: Head = { headFeatures: 64, headOutChannels: [48, 96, 192, 384] };
const HEAD_B: Head = { headFeatures: 128, headOutChannels: [96, 192, 384, 768] };
const HEAD_L: Head = { headFeatures: 256, headOutChannels: [256, 512, 1024, 1024] };

const DA3_LARGE_MONO: Omit<SynthSpec, 'family' | 'checkpointName'> = { ...VITL, ...HEAD_L, outLayers: [4, 11, 17, 23] };

const DA2_SIZES = [
  { encoder: 'vits', size: 'Small', backbone: VITS, head: HEAD_S, outLayers: [2, 5, 8, 11] },
  { encoder: 'vitb', size: 'Base', backbone: VITB, head: HEAD_B, outLayers: [2, 5, 8, 11] },
  { encoder: 'vitl', size: 'Large', backbone: VITL, head: HEAD_L, outLayers: [4, 11, 17, 23] },
] as const;
const DA2_METRIC_DATASETS = [{ dataset: 'hypersim', name: 'Hypersim', maxDepth: 20 }, { dataset: 'vkitti', name: 'VKITTI', maxDepth: 80 }] as const;

function da2Presets(): [string, SynthSpec][] {
  return DA2_SIZES.flatMap(({ encoder, size, backbone, head, outLayers }) => [
    [`da2-${encoder}`, { family: 'da2', checkpointName: `Depth-Anything-V2-${size}-SYNTH`, ...backbone, ...head, outLayers }],
    ...DA2_METRIC_DATASETS.map(({ dataset, name, maxDepth }): [string, SynthSpec] =>
      [`da2-metric-${dataset}-${encoder}`, { family: 'da2', checkpointName: `Depth-Anything-V2-Metric-${name}-${size}-SYNTH`, ...backbone, ...head, outLayers, maxDepth }]),
  ] as [string, SynthSpec][]);
}

export const SYNTH_PRESETS: ReadonlyMap<string, SynthSpec> = new Map<string, SynthSpec>([
  ['da3-small', { family: 'da3', checkpointName: 'DA3-SMALL-SYNTH', ...VITS, ...HEAD_S, outLayers: [5, 7, 9, 11], altStart: 4 }],
  ['da3-base', { family: 'da3', checkpointName: 'DA3-BASE-SYNTH', ...VITB, ...HEAD_B, outLayers: [5, 7, 9, 11], altStart: 4 }],
  ['da3-large', { family: 'da3', checkpointName: 'DA3-LARGE-SYNTH', ...VITL, ...HEAD_L, outLayers: [11, 15, 19, 23], altStart: 8 }],
  ['da3-giant', { family: 'da3', checkpointName: 'DA3-GIANT-SYNTH', ...VITG, ...HEAD_L, outLayers: [19, 27, 33, 39], altStart: 13, gaussianHead: true }],
  ['da3-mono-large', { family: 'da3-mono', checkpointName: 'DA3MONO-LARGE-SYNTH', ...DA3_LARGE_MONO }],
  ['da3-metric-large', { family: 'da3-mono', checkpointName: 'DA3METRIC-LARGE-SYNTH', ...DA3_LARGE_MONO }],
  // The nested model is two files, loaded together (--model + --metric-model).
  ['da3-nested-giant-large-anyview', { family: 'da3', checkpointName: 'DA3NESTED-GIANT-LARGE-SYNTH-anyview', ...VITG, ...HEAD_L, outLayers: [19, 27, 33, 39], altStart: 13, gaussianHead: true }],
  ['da3-nested-giant-large-metric', { family: 'da3-nested-metric', checkpointName: 'DA3NESTED-GIANT-LARGE-SYNTH-metric', ...DA3_LARGE_MONO }],
  ...da2Presets(),
]);

/** The preset's spec, with `overrides` (seed, withAux, …) applied; throws listing the presets for an unknown name. */
export function synthPreset(name: string, overrides: Partial<SynthSpec> = {}): SynthSpec {
  const spec = SYNTH_PRESETS.get(name);
  if (!spec) throw new Error(`synth: unknown preset '${name}' (available: ${[...SYNTH_PRESETS.keys()].join(', ')})`);
  return { ...spec, ...overrides };
}
