// Where each GGUF tensor comes from in the checkpoint: the inverse of depth-anything.cpp's
// renaming (scripts/gguf_keys.py; reference/gguf-io-cli.md §3), applied to the synth module's
// tensor plan so both share one schema.

/** Checkpoint key prefixes of one model's parts. */
export interface SourcePrefixes {
  /** ViT parameters, e.g. "model.backbone.pretrained." (DA2: "pretrained."). */
  readonly backbone: string;
  /** Dense head, e.g. "model.head." (DA2: "depth_head."). */
  readonly head: string;
  readonly cameraDecoder?: string;
  readonly gaussianHead?: string;
}

/** The finest of the four aux levels: the only one the converters keep. */
const AUX_LEVEL = 3;
const MERGER_INDEX = [0, 2, 4];
const CAMERA = { bb0: 'backbone.0', bb2: 'backbone.2', fc_t: 'fc_t', fc_q: 'fc_qvec', fc_fov: 'fc_fov.0' } as Record<string, string>;

function backboneName(rest: string): string | undefined {
  if (rest === 'patch_embed.weight' || rest === 'patch_embed.bias') return `patch_embed.proj.${rest.split('.')[1]}`;
  if (['cls_token', 'camera_token', 'pos_embed', 'norm.weight', 'norm.bias'].includes(rest)) return rest;
  const m = /^blk\.(\d+)\.(.+)$/.exec(rest);
  if (!m) return undefined;
  const [, i, part] = m;
  const renamed = part
    .replace(/^attn_(qkv|proj)\./, 'attn.$1.')
    .replace(/^attn_qnorm\./, 'attn.q_norm.')
    .replace(/^attn_knorm\./, 'attn.k_norm.')
    .replace(/^mlp_(fc1|fc2|w12|w3)\./, 'mlp.$1.')
    .replace(/^(ls[12])$/, '$1.gamma');
  return `blocks.${i}.${renamed}`;
}

function headName(rest: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/^norm\.(weight|bias)$/, 'norm.$1'],
    [/^proj\.(\d)\.(weight|bias)$/, 'projects.$1.$2'],
    [/^resize\.(\d)\.(weight|bias)$/, 'resize_layers.$1.$2'],
    [/^scratch\.(layer\d_rn\.weight)$/, 'scratch.$1'],
    [/^scratch\.rn(\d)(_aux)?\.rc(\d)\.c(\d)\.(weight|bias)$/, 'scratch.refinenet$1$2.resConfUnit$3.conv$4.$5'],
    [/^scratch\.rn(\d)(_aux)?\.out\.(weight|bias)$/, 'scratch.refinenet$1$2.out_conv.$3'],
    [/^scratch\.out1\.(weight|bias)$/, 'scratch.output_conv1.$1'],
    [/^scratch\.out2a\.(weight|bias)$/, 'scratch.output_conv2.0.$1'],
    [/^scratch\.out2b\.(weight|bias)$/, 'scratch.output_conv2.2.$1'],
    [/^scratch\.sky_out2a\.(weight|bias)$/, 'scratch.sky_output_conv2.0.$1'],
    [/^scratch\.sky_out2b\.(weight|bias)$/, 'scratch.sky_output_conv2.2.$1'],
    [/^scratch\.out1_aux\.(\d)\.(weight|bias)$/, `scratch.output_conv1_aux.${AUX_LEVEL}.$1.$2`],
    [/^scratch\.out2a_aux\.(weight|bias)$/, `scratch.output_conv2_aux.${AUX_LEVEL}.0.$1`],
    // One LayerNorm shared by all aux levels; PyTorch's state dict lists it under each, the converter takes level 0's.
    [/^scratch\.out2_aux_ln\.(weight|bias)$/, 'scratch.output_conv2_aux.0.2.$1'],
    [/^scratch\.out2b_aux\.(weight|bias)$/, `scratch.output_conv2_aux.${AUX_LEVEL}.5.$1`],
  ];
  for (const [re, to] of rules) if (re.test(rest)) return rest.replace(re, to);
  const merger = /^merger\.(\d)\.(weight|bias)$/.exec(rest);
  if (merger && MERGER_INDEX[Number(merger[1])] !== undefined) return `images_merger.${MERGER_INDEX[Number(merger[1])]}.${merger[2]}`;
  return undefined;
}

/** The checkpoint key of GGUF tensor `name`; throws for a name outside the schema. */
export function sourceName(name: string, prefixes: SourcePrefixes): string {
  const m = /^(m_vit|vit|m_head|head|gs|cam)\.(.+)$/.exec(name);
  let source: string | undefined;
  if (m) {
    const [, part, rest] = m;
    if (part === 'vit' || part === 'm_vit') source = prefixes.backbone + (backboneName(rest) ?? '\0');
    else if (part === 'cam' && prefixes.cameraDecoder !== undefined) {
      const cm = /^(\w+)\.(weight|bias)$/.exec(rest);
      source = cm && CAMERA[cm[1]] ? `${prefixes.cameraDecoder}${CAMERA[cm[1]]}.${cm[2]}` : undefined;
    } else if (part === 'gs' && prefixes.gaussianHead !== undefined) source = prefixes.gaussianHead + (headName(rest) ?? '\0');
    else if (part === 'head' || part === 'm_head') source = prefixes.head + (headName(rest) ?? '\0');
  }
  if (source === undefined || source.includes('\0')) throw new Error(`convert: no checkpoint source known for GGUF tensor '${name}'`);
  return source;
}
