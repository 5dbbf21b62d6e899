// The tensors of a converter file, in the converters' order, with their ggml shapes (ne order:
// Linear [in, out], Conv2d [k, k, in, out], ConvTranspose2d [k, k, out, in], tokens keep the
// numpy rank: [C, 1, 1]) and how to fill them. See reference/gguf-io-cli.md §3.

import { checkSpec, PATCH_SIZE, POS_EMBED_GRID, type SynthSpec } from './spec.ts';
import type { WeightInit } from '../synth/weight-init.ts';

export interface PlannedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly init: WeightInit;
}

const BIAS: WeightInit = { kind: 'normal', std: 0.1 };
/** Gain for layers fed by a ReLU/GELU, which halves the signal's second moment. */
const RELU_GAIN = Math.SQRT2;
/** The last layer of each output: keeps logits within about ±1 so exp/sigmoid outputs stay moderate. */
const OUTPUT_GAIN = 0.1;

class Plan {
  readonly tensors: PlannedTensor[] = [];

  add(name: string, dims: readonly number[], init: WeightInit): void {
    this.tensors.push({ name, dims, init });
  }

  linear(name: string, inputs: number, outputs: number, { gain = 1, bias = BIAS } = {}): void {
    this.add(`${name}.weight`, [inputs, outputs], { kind: 'normal', std: gain / Math.sqrt(inputs) });
    this.add(`${name}.bias`, [outputs], bias);
  }

  conv(name: string, kernel: number, inputs: number, outputs: number, { gain = 1, bias = true } = {}): void {
    this.add(`${name}.weight`, [kernel, kernel, inputs, outputs], { kind: 'normal', std: gain / Math.sqrt(inputs * kernel * kernel) });
    if (bias) this.add(`${name}.bias`, [outputs], BIAS);
  }

  /** stride = kernel, so each output pixel sees one tap of each input channel. */
  convTranspose(name: string, kernel: number, channels: number): void {
    this.add(`${name}.weight`, [kernel, kernel, channels, channels], { kind: 'normal', std: 1 / Math.sqrt(channels) });
    this.add(`${name}.bias`, [channels], BIAS);
  }

  layerNorm(name: string, width: number, gain: WeightInit = { kind: 'uniform', min: 0.6, max: 1.4 }): void {
    this.add(`${name}.weight`, [width], gain);
    this.add(`${name}.bias`, [width], BIAS);
  }
}

function backbone(p: Plan, spec: Required<SynthSpec>, prefix: string): void {
  const C = spec.embedDim, H = spec.ffnHidden, headDim = C / spec.numHeads;
  p.add(`${prefix}cls_token`, [C, 1, 1], { kind: 'normal', std: 0.5 });
  if (spec.altStart >= 0) p.add(`${prefix}camera_token`, [C, 2, 1], { kind: 'normal', std: 1 });
  p.add(`${prefix}pos_embed`, [C, POS_EMBED_GRID * POS_EMBED_GRID + 1, 1], { kind: 'normal', std: 0.5 });
  p.conv(`${prefix}patch_embed`, PATCH_SIZE, 3, C);
  for (let i = 0; i < spec.depth; i++) {
    const blk = `${prefix}blk.${i}.`;
    p.layerNorm(`${blk}norm1`, C);
    p.linear(`${blk}attn_qkv`, C, 3 * C);
    if (spec.altStart >= 0 && i >= spec.altStart) {
      p.layerNorm(`${blk}attn_qnorm`, headDim, { kind: 'uniform', min: 1, max: 1.6 });
      p.layerNorm(`${blk}attn_knorm`, headDim, { kind: 'uniform', min: 1, max: 1.6 });
    }
    p.linear(`${blk}attn_proj`, C, C);
    p.add(`${blk}ls1`, [C], { kind: 'logUniform', min: 0.1, max: 1 });
    p.layerNorm(`${blk}norm2`, C);
    if (spec.ffn === 'swiglu') {
      p.linear(`${blk}mlp_w12`, C, 2 * H);
      p.linear(`${blk}mlp_w3`, H, C, { gain: RELU_GAIN });
    } else {
      p.linear(`${blk}mlp_fc1`, C, H);
      p.linear(`${blk}mlp_fc2`, H, C, { gain: RELU_GAIN });
    }
    p.add(`${blk}ls2`, [C], { kind: 'logUniform', min: 0.1, max: 1 });
  }
  p.layerNorm(`${prefix}norm`, C);
}

/** A fusion block. DA3 omits refinenet4's first residual unit; DA2 keeps it and stores out_conv first. */
function refineNet(p: Plan, name: string, f: number, level: number, style: 'da3' | 'da2'): void {
  const residual = (u: number) => {
    p.conv(`${name}.rc${u}.c1`, 3, f, f, { gain: RELU_GAIN });
    p.conv(`${name}.rc${u}.c2`, 3, f, f, { gain: RELU_GAIN });
  };
  if (style === 'da2') p.conv(`${name}.out`, 1, f, f);
  if (level !== 4 || style === 'da2') residual(1);
  residual(2);
  if (style === 'da3') p.conv(`${name}.out`, 1, f, f);
}

interface DptOptions {
  /** Token width entering the head (2C with cat_token). */
  inputs: number;
  features: number;
  outChannels: readonly number[];
  outputs: number;
  tokenNorm: boolean;
  style: 'da3' | 'da2';
}

/** projects, resize layers, layer*_rn, refinenets, output convs (§3.2). */
function dpt(p: Plan, prefix: string, o: DptOptions): void {
  const f = o.features, [oc0, oc1, oc2, oc3] = o.outChannels as [number, number, number, number];
  if (o.tokenNorm) p.layerNorm(`${prefix}norm`, o.inputs);
  o.outChannels.forEach((oc, s) => p.conv(`${prefix}proj.${s}`, 1, o.inputs, oc));
  p.convTranspose(`${prefix}resize.0`, 4, oc0);
  p.convTranspose(`${prefix}resize.1`, 2, oc1);
  p.conv(`${prefix}resize.3`, 3, oc3, oc3);
  [oc0, oc1, oc2, oc3].forEach((oc, k) => p.conv(`${prefix}scratch.layer${k + 1}_rn`, 3, oc, f, { bias: false }));
  for (let k = 1; k <= 4; k++) refineNet(p, `${prefix}scratch.rn${k}`, f, k, o.style);
  p.conv(`${prefix}scratch.out1`, 3, f, f / 2);
  p.conv(`${prefix}scratch.out2a`, 3, f / 2, 32);
  p.conv(`${prefix}scratch.out2b`, 1, 32, o.outputs, { gain: OUTPUT_GAIN });
}

/** The ray head's finest level (§3.3). */
function auxHead(p: Plan, f: number): void {
  for (let k = 1; k <= 4; k++) refineNet(p, `head.scratch.rn${k}_aux`, f, k, 'da3');
  [f, f / 2, f, f / 2, f].forEach((inputs, i) => p.conv(`head.scratch.out1_aux.${i}`, 3, inputs, i % 2 === 0 ? f / 2 : f));
  p.layerNorm('head.scratch.out2_aux_ln', 32);
  p.conv('head.scratch.out2a_aux', 3, f / 2, 32);
  p.conv('head.scratch.out2b_aux', 1, 32, 7, { gain: OUTPUT_GAIN });
}

function cameraDecoder(p: Plan, width: number): void {
  p.linear('cam.bb0', width, width);
  p.linear('cam.bb2', width, width, { gain: RELU_GAIN });
  p.linear('cam.fc_t', width, 3, { gain: OUTPUT_GAIN });
  p.linear('cam.fc_q', width, 4, { gain: OUTPUT_GAIN });
  // A ReLU follows: a positive bias keeps the field of view near a real camera's instead of 0.
  p.linear('cam.fc_fov', width, 2, { gain: OUTPUT_GAIN, bias: { kind: 'uniform', min: 0.9, max: 1.25 } });
}

/** Every tensor of the file `spec` describes, in file order. */
export function planTensors(input: SynthSpec): PlannedTensor[] {
  const spec = checkSpec(input);
  const p = new Plan();
  const C = spec.embedDim, f = spec.headFeatures, outChannels = spec.headOutChannels;
  switch (spec.family) {
    case 'da3':
      backbone(p, spec, 'vit.');
      dpt(p, 'head.', { inputs: 2 * C, features: f, outChannels, outputs: 2, tokenNorm: true, style: 'da3' });
      if (spec.withAux) auxHead(p, f);
      cameraDecoder(p, 2 * C);
      if (spec.gaussianHead) {
        dpt(p, 'gs.', { inputs: 2 * C, features: f, outChannels, outputs: 38, tokenNorm: false, style: 'da3' });
        const mergerWidths = [3, f / 8, f / 4, f / 2]; // image → features/2, added to the head's out1
        for (let i = 0; i < 3; i++) p.conv(`gs.merger.${i}`, 3, mergerWidths[i], mergerWidths[i + 1], { gain: i === 0 ? 1 : RELU_GAIN });
      }
      break;
    case 'da3-mono':
    case 'da3-nested-metric': {
      const prefix = spec.family === 'da3-mono' ? '' : 'm_';
      backbone(p, spec, `${prefix}vit.`);
      dpt(p, `${prefix}head.`, { inputs: C, features: f, outChannels, outputs: 1, tokenNorm: false, style: 'da3' });
      p.conv(`${prefix}head.scratch.sky_out2a`, 3, f / 2, 32);
      p.conv(`${prefix}head.scratch.sky_out2b`, 1, 32, 1, { gain: OUTPUT_GAIN });
      break;
    }
    case 'da2':
      backbone(p, spec, 'vit.');
      dpt(p, 'head.', { inputs: C, features: f, outChannels, outputs: 1, tokenNorm: false, style: 'da2' });
      break;
  }
  return p.tensors;
}
