// The KVs depth-anything.cpp's converters write, in their order and with their value types,
// quirks included (reference/gguf-io-cli.md §2): `cam.dim_in` is always 1536, `vit.init_values`
// is 0 for DA3 and 1 for DA2 whatever the weights, and the DA3 any-view writer puts
// `vit.ffn_type` after `vit.pos_embed_grid` where the mono, nested and DA2 writers put it after
// `vit.mlp_hidden`.

import { GGUF_VALUE_TYPE, type GgufKv } from '../../gguf/kv.ts';
import { checkSpec, PATCH_SIZE, POS_EMBED_GRID, type SynthSpec } from './spec.ts';

const NS = 'depthanything3.';

type Entry = [string, GgufKv];

const u32 = (value: number): GgufKv => ({ type: GGUF_VALUE_TYPE.UINT32, value });
const i32 = (value: number): GgufKv => ({ type: GGUF_VALUE_TYPE.INT32, value });
const f32 = (value: number): GgufKv => ({ type: GGUF_VALUE_TYPE.FLOAT32, value });
const bool = (value: boolean): GgufKv => ({ type: GGUF_VALUE_TYPE.BOOL, value });
const str = (value: string): GgufKv => ({ type: GGUF_VALUE_TYPE.STRING, value });
const i32s = (items: readonly number[]): GgufKv => ({ type: GGUF_VALUE_TYPE.ARRAY, value: { elementType: GGUF_VALUE_TYPE.INT32, items } });
const f32s = (items: readonly number[]): GgufKv => ({ type: GGUF_VALUE_TYPE.ARRAY, value: { elementType: GGUF_VALUE_TYPE.FLOAT32, items } });

function backboneKeys(spec: Required<SynthSpec>, prefix: string): Entry[] {
  const anyView = spec.family === 'da3';
  const ffnType: Entry = [prefix + 'ffn_type', str(spec.ffn)];
  return [
    [prefix + 'embed_dim', u32(spec.embedDim)],
    [prefix + 'depth', u32(spec.depth)],
    [prefix + 'num_heads', u32(spec.numHeads)],
    [prefix + 'head_dim', u32(spec.embedDim / spec.numHeads)],
    [prefix + 'mlp_hidden', u32(spec.ffnHidden)],
    ...(anyView ? [] : [ffnType]),
    [prefix + 'num_register_tokens', u32(0)],
    [prefix + 'init_values', f32(spec.family === 'da2' ? 1 : 0)],
    [prefix + 'alt_start', i32(spec.altStart)],
    [prefix + 'rope_start', i32(spec.altStart)],
    [prefix + 'qknorm_start', i32(spec.altStart)],
    [prefix + 'rope_freq', f32(100)],
    [prefix + 'cat_token', bool(anyView)],
    [prefix + 'qkv_bias', bool(true)],
    [prefix + 'ln_eps', f32(1e-6)],
    [prefix + 'interpolate_offset', f32(0.1)],
    [prefix + 'interpolate_antialias', bool(false)],
    [prefix + 'pos_embed_grid', u32(POS_EMBED_GRID)],
    ...(anyView ? [ffnType] : []),
    [prefix + 'out_layers', i32s(spec.outLayers)],
  ];
}

function imageKeys(spec: Required<SynthSpec>): Entry[] {
  const da2 = spec.family === 'da2';
  return [
    [NS + 'img.mean', f32s([0.485, 0.456, 0.406])],
    [NS + 'img.std', f32s([0.229, 0.224, 0.225])],
    [NS + 'img.resize_mode', str(da2 ? 'lower_bound' : 'upper_bound')],
    [NS + 'img.resize_target', u32(da2 ? 518 : 504)],
  ];
}

function headKeys(spec: Required<SynthSpec>, prefix: string): Entry[] {
  const sizes: Entry[] = [[prefix + 'features', u32(spec.headFeatures)], [prefix + 'out_channels', i32s(spec.headOutChannels)]];
  switch (spec.family) {
    case 'da3':
      return [
        ...sizes,
        [prefix + 'output_dim', u32(2)],
        [prefix + 'pos_embed', bool(true)],
        [prefix + 'down_ratio', u32(1)],
        [prefix + 'activation', str('exp')],
        [prefix + 'conf_activation', str('expp1')],
        ...(spec.withAux ? [[prefix + 'has_aux', bool(true)], [prefix + 'aux_ray_dim', u32(6)], [prefix + 'aux_levels', u32(4)]] as Entry[] : []),
      ];
    case 'da3-mono':
    case 'da3-nested-metric':
      return [
        ...sizes,
        [prefix + 'output_dim', u32(1)],
        ...(spec.family === 'da3-mono' ? [[prefix + 'pos_embed', bool(false)]] as Entry[] : []),
        [prefix + 'down_ratio', u32(1)],
        [prefix + 'activation', str('exp')],
        [prefix + 'conf_activation', str('expp1')],
        [prefix + 'sky_activation', str('relu')],
        [prefix + 'norm_type', str('idt')],
      ];
    case 'da2':
      return [
        ...sizes,
        [prefix + 'output_dim', u32(1)],
        [prefix + 'pos_embed', bool(false)],
        [prefix + 'activation', str(spec.maxDepth > 0 ? 'sigmoid' : 'relu')],
        [prefix + 'norm_type', str('idt')],
        ...(spec.maxDepth > 0 ? [[prefix + 'max_depth', f32(spec.maxDepth)]] as Entry[] : []),
      ];
  }
}

function gaussianKeys(spec: Required<SynthSpec>): Entry[] {
  return [
    [NS + 'gs.output_dim', u32(38)],
    [NS + 'gs.features', u32(spec.headFeatures)],
    [NS + 'gs.out_channels', i32s(spec.headOutChannels)],
    [NS + 'gs.sh_degree', u32(2)],
    [NS + 'gs.scale_min', f32(1e-5)],
    [NS + 'gs.scale_max', f32(30)],
    [NS + 'gs.pred_offset_depth', bool(true)],
    [NS + 'gs.pred_offset_xy', bool(true)],
    [NS + 'gs.pred_color', bool(false)],
  ];
}

/** The file's metadata, in order. */
export function synthesizeMetadata(input: SynthSpec): Entry[] {
  const spec = checkSpec(input);
  const nested = spec.family === 'da3-nested-metric';
  const entries: Entry[] = [
    ['general.architecture', str('depthanything3')], // gguf-py's writer adds it, DA2 files included
    [NS + 'arch', str(spec.family === 'da2' ? 'depthanything2' : 'depthanything3')],
    [NS + 'checkpoint_name', str(spec.checkpointName)],
    [NS + 'patch_size', u32(PATCH_SIZE)],
    ...backboneKeys(spec, NS + (nested ? 'm_vit.' : 'vit.')),
    ...(nested ? [] : imageKeys(spec)),
    ...headKeys(spec, NS + (nested ? 'm_head.' : 'head.')),
  ];
  if (spec.family === 'da3') {
    entries.push([NS + 'cam.dim_in', u32(1536)]); // the converter's constant, whatever the width
    if (spec.gaussianHead) entries.push(...gaussianKeys(spec));
  }
  return entries;
}
