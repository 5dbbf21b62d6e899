// A checkpoint's architecture as a synth spec (the schema depth-anything.cpp's converters write):
// DA3 from model_config.yaml (DA3's config schema) checked against the tensors, DA2 from the tensor
// shapes plus the encoder name (out_layers, default head count) and an optional model_config.json.

import type { SynthFamily, SynthSpec } from '../converter-layout/index.ts';
import type { CheckpointTensors } from './checkpoint-tensors.ts';
import type { YamlValue } from './yaml.ts';

type Obj = { readonly [key: string]: unknown };

function fail(message: string): never {
  throw new Error(`convert: ${message}`);
}

function object(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be a map`);
  return value as Obj;
}

function integer(obj: Obj, key: string, where: string): number {
  const v = obj[key];
  if (!Number.isSafeInteger(v)) fail(`${where}.${key} must be an integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function integers(obj: Obj, key: string, where: string): number[] {
  const v = obj[key];
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x))) fail(`${where}.${key} must be a list of integers, got ${JSON.stringify(v)}`);
  return v as number[];
}

function className(node: Obj, where: string): string {
  const name = object(node.__object__, `${where}.__object__`).name;
  if (typeof name !== 'string') fail(`${where}.__object__.name must be a string`);
  return name;
}

function shapeOf(tensors: CheckpointTensors, name: string): readonly number[] {
  return tensors.get(name)?.shape ?? fail(`checkpoint has no tensor '${name}'`);
}

/** FFN type and hidden width from the first block's tensors (fc1 outputs, or w3 inputs for SwiGLU). */
function ffnOf(tensors: CheckpointTensors, backbone: string): Pick<SynthSpec, 'ffn' | 'ffnHidden'> {
  const block = `${backbone}blocks.0.mlp.`;
  if (tensors.has(`${block}w12.weight`)) return { ffn: 'swiglu', ffnHidden: shapeOf(tensors, `${block}w3.weight`)[1] };
  return { ffn: 'mlp', ffnHidden: shapeOf(tensors, `${block}fc1.weight`)[0] };
}

const arraysEqual = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The spec of one DepthAnything3Net node of model_config.yaml: `family` da3 (DualDPT head) or the
 * mono layout (DPT head; 'da3-nested-metric' for the nested file's metric half).
 */
export function da3Spec(
  config: YamlValue, where: string, tensors: CheckpointTensors, backbone: string,
  checkpointName: string, nestedMetric: boolean, withAux: boolean,
): SynthSpec {
  const node = object(config, where);
  const net = object(node.net, `${where}.net`);
  const head = object(node.head, `${where}.head`);
  const headClass = className(head, `${where}.head`);
  if (headClass !== 'DualDPT' && headClass !== 'DPT') fail(`${where}.head is ${headClass}; expected DualDPT (any-view) or DPT (mono/metric)`);
  const family: SynthFamily = headClass === 'DualDPT' ? 'da3' : nestedMetric ? 'da3-nested-metric' : 'da3-mono';
  const anyView = family === 'da3';
  const altStart = integer(net, 'alt_start', `${where}.net`);
  for (const key of ['rope_start', 'qknorm_start']) {
    if (integer(net, key, `${where}.net`) !== altStart) fail(`${where}.net.${key} differs from alt_start ${altStart}; depth-anything.cpp supports one start block for all three`);
  }
  if (net.cat_token !== anyView) fail(`${where}.net.cat_token must be ${anyView} for a ${headClass} model`);
  if (anyView === (altStart < 0)) fail(`${where}.net.alt_start ${altStart} does not fit a ${headClass} model`);
  if (withAux && !anyView) fail('--with-aux applies to any-view (DualDPT) checkpoints only');
  const headFeatures = integer(head, 'features', `${where}.head`);
  const headOutChannels = integers(head, 'out_channels', `${where}.head`);
  const gaussianHead = node.gs_head !== undefined && node.gs_head !== null;
  if (gaussianHead) {
    const gs = object(node.gs_head, `${where}.gs_head`);
    if (integer(gs, 'features', `${where}.gs_head`) !== headFeatures || !arraysEqual(integers(gs, 'out_channels', `${where}.gs_head`), headOutChannels)) {
      fail(`${where}.gs_head must have the depth head's features and out_channels (depth-anything.cpp writes one set)`);
    }
  }
  return {
    family,
    checkpointName,
    embedDim: integer(net, 'embed_dim', `${where}.net`),
    depth: integer(net, 'depth', `${where}.net`),
    numHeads: integer(net, 'num_heads', `${where}.net`),
    ...ffnOf(tensors, backbone),
    outLayers: integers(net, 'out_layers', `${where}.net`),
    ...(anyView ? { altStart, withAux, gaussianHead } : {}),
    headFeatures,
    headOutChannels,
  };
}

/** DA2's encoders: which blocks feed the head (fixed by name in DA2) and the official head counts. */
const DA2_ENCODERS: Record<string, { numHeads: number; outLayers: number[] }> = {
  vits: { numHeads: 6, outLayers: [2, 5, 8, 11] },
  vitb: { numHeads: 12, outLayers: [2, 5, 8, 11] },
  vitl: { numHeads: 16, outLayers: [4, 11, 17, 23] },
  vitg: { numHeads: 24, outLayers: [9, 19, 29, 39] },
};

export interface Da2Options {
  readonly encoder: string;
  /** Written as checkpoint_name. */
  readonly name: string;
  /** Metric models' range in metres (20 Hypersim, 80 VKITTI); 0 or absent = relative. */
  readonly maxDepth?: number;
  /** model_config.json, when the checkpoint has one: num_heads (not derivable from shapes) and checks. */
  readonly config?: unknown;
}

/** A DA2 state dict's spec: widths from the tensor shapes, never from the encoder name. */
export function da2Spec(tensors: CheckpointTensors, options: Da2Options): SynthSpec {
  const encoder = DA2_ENCODERS[options.encoder] ?? fail(`unknown DA2 encoder '${options.encoder}' (expected ${Object.keys(DA2_ENCODERS).join(', ')})`);
  let depth = 0;
  while (tensors.has(`pretrained.blocks.${depth}.norm1.weight`)) depth++;
  const fromShapes = {
    embed_dim: shapeOf(tensors, 'pretrained.cls_token').at(-1)!,
    depth,
    features: shapeOf(tensors, 'depth_head.scratch.layer1_rn.weight')[0],
    out_channels: [0, 1, 2, 3].map((i) => shapeOf(tensors, `depth_head.projects.${i}.weight`)[0]),
  };
  let numHeads = encoder.numHeads;
  if (options.config !== undefined) {
    const config = object(options.config, 'model_config.json');
    for (const [key, value] of Object.entries(fromShapes)) {
      if (config[key] !== undefined && JSON.stringify(config[key]) !== JSON.stringify(value)) {
        fail(`model_config.json ${key} ${JSON.stringify(config[key])} does not match the checkpoint's tensors (${JSON.stringify(value)})`);
      }
    }
    if (config.out_layers !== undefined && !arraysEqual(integers(config, 'out_layers', 'model_config.json'), encoder.outLayers)) {
      fail(`model_config.json out_layers ${JSON.stringify(config.out_layers)} differ from encoder ${options.encoder}'s [${encoder.outLayers.join(', ')}]`);
    }
    if (config.num_heads !== undefined) numHeads = integer(config, 'num_heads', 'model_config.json');
  }
  return {
    family: 'da2',
    checkpointName: options.name,
    embedDim: fromShapes.embed_dim,
    depth,
    numHeads,
    ...ffnOf(tensors, 'pretrained.'),
    outLayers: encoder.outLayers,
    headFeatures: fromShapes.features,
    headOutChannels: fromShapes.out_channels,
    ...(options.maxDepth ? { maxDepth: options.maxDepth } : {}),
  };
}
