// Model configuration from GGUF metadata and tensor presence, following depth-anything.cpp's
// loader (reference/gguf-io-cli.md §2.4): keys under `depthanything3.` (`m_vit.`/`m_head.` in
// the nested-metric file), capabilities decided by which tensors exist.

import { kvBoolOr, kvNumber, kvNumberArray, kvNumberArrayOr, kvNumberOr, kvStringOr } from '../../gguf/kv.ts';
import type { GgufFile } from '../../gguf/reader.ts';
import { shapeOf } from '../../gguf/shape.ts';
import type { VitConfig } from '../nn/vit-config.ts';
import type { ModelFamily } from '../types.ts';

const NS = 'depthanything3.';

export interface PreprocessConfig {
  mean: number[];
  std: number[];
  resizeMode: 'upper_bound' | 'lower_bound';
  resizeTarget: number;
}

export interface ModelConfig {
  family: ModelFamily;
  checkpointName: string;
  vit: VitConfig;
  preprocess: PreprocessConfig;
  /** Prefix that maps this file's tensor names onto the canonical `vit.` / `head.` ones. */
  nestedMetric: boolean;
  headFeatures: number;
  /** DA2 metric: depth = sigmoid · maxDepth; 0 for relative models. */
  maxDepth: number;
  hasCameraDecoder: boolean;
  hasAuxRays: boolean;
  hasGaussians: boolean;
}

export function tensorShape(file: GgufFile, name: string): number[] | undefined {
  const info = file.tensors.get(name);
  return info ? shapeOf(info) : undefined;
}

export function readModelConfig(file: GgufFile): ModelConfig {
  const arch = kvStringOr(file, NS + 'arch', 'depthanything3');
  const nestedMetric = file.kv.has(NS + 'm_vit.embed_dim');
  if (!nestedMetric && !file.kv.has(NS + 'vit.embed_dim')) {
    const generalArch = kvStringOr(file, 'general.architecture', '(none)');
    throw new Error(`model: not a Depth Anything GGUF (general.architecture '${generalArch}', no ${NS}vit.embed_dim)`);
  }
  const vitNs = NS + (nestedMetric ? 'm_vit.' : 'vit.');
  const headNs = NS + (nestedMetric ? 'm_head.' : 'head.');
  const t = (name: string) => file.tensors.has((nestedMetric ? 'm_' : '') + name);
  const isDa2 = arch === 'depthanything2';

  const embedDim = kvNumber(file, vitNs + 'embed_dim');
  const numHeads = kvNumber(file, vitNs + 'num_heads');
  const headDim = kvNumberOr(file, vitNs + 'head_dim', embedDim / numHeads);
  const depth = kvNumber(file, vitNs + 'depth');
  const lnEps = kvNumberOr(file, vitNs + 'ln_eps', 1e-6);
  const vit: VitConfig = {
    embedDim, depth, numHeads, headDim,
    ffn: kvStringOr(file, vitNs + 'ffn_type', 'mlp') === 'swiglu' ? 'swiglu' : 'mlp',
    patchSize: kvNumberOr(file, NS + 'patch_size', 14),
    altStart: kvNumberOr(file, vitNs + 'alt_start', -1),
    ropeStart: kvNumberOr(file, vitNs + 'rope_start', -1),
    ropeFreq: kvNumberOr(file, vitNs + 'rope_freq', 100),
    catToken: kvBoolOr(file, vitNs + 'cat_token', !isDa2),
    lnEps,
    finalNormEps: isDa2 ? lnEps : 1e-5,
    interpolateOffset: kvNumberOr(file, vitNs + 'interpolate_offset', 0.1),
    posEmbedGrid: kvNumberOr(file, vitNs + 'pos_embed_grid', 37),
    outLayers: kvNumberArray(file, vitNs + 'out_layers'),
  };
  validateVit(vit);

  // Output channels of the last 1×1 conv = ne[3] (shapeOf would drop it when it is 1).
  const out2bChannels = file.tensors.get((nestedMetric ? 'm_' : '') + 'head.scratch.out2b.weight')?.dims[3] ?? 1;
  let family: ModelFamily;
  const checkpointName = kvStringOr(file, NS + 'checkpoint_name', '');
  const maxDepth = kvNumberOr(file, NS + 'head.max_depth', 0);
  if (isDa2) family = maxDepth > 0 ? 'da2-metric' : 'da2';
  else if (nestedMetric) family = 'da3-nested-metric';
  else if (out2bChannels === 1 && t('head.scratch.sky_out2b.weight')) family = /metric/i.test(checkpointName) ? 'da3-metric' : 'da3-mono';
  else family = 'da3';

  const headFeatures = tensorShape(file, (nestedMetric ? 'm_' : '') + 'head.scratch.layer1_rn.weight')?.[0] ?? kvNumberOr(file, headNs + 'features', 0);
  return {
    family,
    checkpointName,
    vit,
    preprocess: {
      mean: kvNumberArrayOr(file, NS + 'img.mean', [0.485, 0.456, 0.406]),
      std: kvNumberArrayOr(file, NS + 'img.std', [0.229, 0.224, 0.225]),
      resizeMode: kvStringOr(file, NS + 'img.resize_mode', 'upper_bound').startsWith('lower') ? 'lower_bound' : 'upper_bound',
      resizeTarget: kvNumberOr(file, NS + 'img.resize_target', 0) || 504,
    },
    nestedMetric,
    headFeatures,
    maxDepth,
    hasCameraDecoder: t('cam.bb0.weight'),
    hasAuxRays: t('head.scratch.rn1_aux.out.weight'),
    hasGaussians: t('gs.scratch.out2b.weight'),
  };
}

function validateVit(v: VitConfig): void {
  const positive: [string, number][] = [['embed_dim', v.embedDim], ['depth', v.depth], ['num_heads', v.numHeads], ['head_dim', v.headDim], ['patch_size', v.patchSize], ['pos_embed_grid', v.posEmbedGrid]];
  for (const [name, value] of positive) {
    if (!Number.isInteger(value) || value <= 0 || value > 1 << 20) throw new Error(`model: vit.${name} = ${value} is not a valid size`);
  }
  if (v.numHeads * v.headDim !== v.embedDim) throw new Error(`model: num_heads ${v.numHeads} × head_dim ${v.headDim} ≠ embed_dim ${v.embedDim}`);
  if (v.outLayers.length !== 4 || v.outLayers.some((l) => !Number.isInteger(l) || l < 0 || l >= v.depth)) {
    throw new Error(`model: vit.out_layers [${v.outLayers}] must be 4 block indices below depth ${v.depth}`);
  }
  if (v.ropeStart >= 0 && v.headDim % 4 !== 0) throw new Error(`model: RoPE needs head_dim divisible by 4, got ${v.headDim}`);
}
