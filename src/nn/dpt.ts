// The DPT decoder shared by every head (DA3 DualDPT, DA3 mono/metric DPT, DA2 DPT, GSDPT):
// reassemble four token stages into a feature pyramid, fuse it coarse-to-fine with residual
// conv units and bilinear (align_corners) upsampling, then project to output channels.
// Works on one view at a time: maps are [C, H, W].

import type { Backend, Tensor } from '../backend/backend.ts';
import type { Trace } from './trace.ts';
import type { Weights } from './weights.ts';

export interface DptGeometry {
  ph: number;
  pw: number;
  /** Network input size. */
  height: number;
  width: number;
  /** 0.1·UV embedding [channels, h, w] for the image aspect (cached by the caller), or undefined if the head has none. */
  uv?: (channels: number, w: number, h: number) => Tensor;
  /** Observer of intermediates, named after the reference dumps with this prefix (e.g. `head.`). */
  trace?: Trace;
}

/** Adds the UV embedding when the head uses one; consumes x. */
export function addUv(be: Backend, x: Tensor, geo: DptGeometry): Tensor {
  if (!geo.uv) return x;
  const [c, h, w] = x.shape;
  const out = be.add(x, geo.uv(c, w, h));
  be.release(x);
  return out;
}

/** stage tokens [Np, D] → map [oc, ph, pw] → resized to the pyramid level of stage s. */
function reassemble(be: Backend, w: Weights, prefix: string, s: number, tokens: Tensor, geo: DptGeometry): Tensor {
  let t = tokens;
  const tr = (name: string, x: Tensor) => geo.trace?.(`${prefix}stage${s}.${name}`, x);
  if (w.has(prefix + 'norm.weight')) t = be.layerNorm(tokens, w.get(prefix + 'norm.weight', 1), w.get(prefix + 'norm.bias', 1), 1e-5);
  tr('normed', t);
  const projW = w.get(`${prefix}proj.${s}.weight`, 4);
  const oc = projW.shape[0];
  const projected = be.linear(t, be.reshape(projW, [oc, projW.shape[1]]), w.get(`${prefix}proj.${s}.bias`, 1));
  if (t !== tokens) be.release(t);
  const mapFlat = be.transpose(projected);
  be.release(projected);
  tr('proj', mapFlat);
  const map = addUv(be, be.reshape(mapFlat, [oc, geo.ph, geo.pw]), geo);
  tr('proj_pe', map);
  const name = `${prefix}resize.${s}`;
  if (!w.has(name + '.weight')) return map;
  const kernel = w.get(name + '.weight', 4);
  const resized = s === 3
    ? be.conv2d(map, kernel, w.get(name + '.bias', 1), { stride: 2, pad: 1 })
    : be.convTranspose2d(map, kernel, w.get(name + '.bias', 1));
  be.release(map);
  tr('resized', resized);
  return resized;
}

/** ResidualConvUnit: conv(relu(conv(relu(z)))) + z. */
function residualUnit(be: Backend, w: Weights, name: string, z: Tensor): Tensor {
  const a = be.conv2d(z, w.get(name + '.c1.weight', 4), w.get(name + '.c1.bias', 1), { pad: 1, reluInput: true, activation: 'relu' });
  const out = be.conv2d(a, w.get(name + '.c2.weight', 4), w.get(name + '.c2.bias', 1), { pad: 1, residual: z });
  be.release(a);
  return out;
}

/**
 * FeatureFusionBlock: (top + RCU1(lateral)) → RCU2 → bilinear to size → 1×1 conv, evaluated with
 * the 1×1 conv first: both are linear and the bilinear weights of every output pixel sum to 1, so
 * they commute (bias included), and the conv then runs on the small map (4× fewer pixels, and
 * the upsampled input map is never held next to the output).
 */
function fuse(be: Backend, w: Weights, name: string, top: Tensor, lateral: Tensor | undefined, outH: number, outW: number): Tensor {
  let y = top;
  if (lateral) {
    const r = residualUnit(be, w, name + '.rc1', lateral);
    y = be.add(top, r);
    be.release(r);
  }
  const r2 = residualUnit(be, w, name + '.rc2', y);
  if (y !== top) be.release(y);
  const projected = be.conv2d(r2, w.get(name + '.out.weight', 4), w.get(name + '.out.bias', 1));
  be.release(r2);
  const out = be.resizeBilinear(projected, outH, outW);
  be.release(projected);
  return out;
}

export interface DptPyramid {
  /** layer{k}_rn outputs, k = 1..4 (index 0..3). */
  levels: Tensor[];
}

/** Reassemble + the layer_rn projections: the part shared by the main and aux fusion chains. */
export function dptPyramid(be: Backend, w: Weights, prefix: string, stageTokens: Tensor[], geo: DptGeometry): DptPyramid {
  const levels = stageTokens.map((tokens, s) => {
    const stage = reassemble(be, w, prefix, s, tokens, geo);
    const rn = be.conv2d(stage, w.get(`${prefix}scratch.layer${s + 1}_rn.weight`, 4), undefined, { pad: 1 });
    be.release(stage);
    geo.trace?.(`${prefix}layer${s + 1}_rn`, rn);
    return rn;
  });
  return { levels };
}

/** The refinenet chain 4 → 1, ending at twice the finest level: returns [F, 8ph, 8pw]. */
export function dptFuse(be: Backend, w: Weights, scratch: string, suffix: string, pyramid: DptPyramid, trace?: (name: string, t: Tensor) => void): Tensor {
  const [l1, l2, l3, l4] = pyramid.levels;
  const rn = (k: number, top: Tensor, lateral: Tensor | undefined, h: number, wd: number) => {
    const out = fuse(be, w, `${scratch}rn${k}${suffix}`, top, lateral, h, wd);
    trace?.(`refinenet${k}`, out);
    return out;
  };
  const m4 = rn(4, l4, undefined, l3.shape[1], l3.shape[2]);
  const m3 = rn(3, m4, l3, l2.shape[1], l2.shape[2]);
  be.release(m4);
  const m2 = rn(2, m3, l2, l1.shape[1], l1.shape[2]);
  be.release(m3);
  const m1 = rn(1, m2, l1, 2 * l1.shape[1], 2 * l1.shape[2]);
  be.release(m2);
  return m1;
}

export function releasePyramid(be: Backend, pyramid: DptPyramid): void {
  for (const t of pyramid.levels) be.release(t);
}

/**
 * output_conv1 (3×3, F → F/2) then bilinear to the network input size (+ UV where used).
 * Consumes `fused`: it is released before the full-resolution output exists (the peak of memory).
 */
export function dptUpsample(be: Backend, w: Weights, prefix: string, fused: Tensor, geo: DptGeometry): Tensor {
  const f = be.conv2d(fused, w.get(prefix + 'scratch.out1.weight', 4), w.get(prefix + 'scratch.out1.bias', 1), { pad: 1 });
  be.release(fused);
  geo.trace?.(prefix + 'out_conv1', f);
  // The UV embedding's first half of channels depends only on the column and the second half only
  // on the row (u and v are per-axis linspaces), so a W×1 and a 1×H embedding hold all of its
  // values: added per axis, the full-resolution map is never built.
  const c = f.shape[0]!;
  const addSeparable = geo.uv && { x: geo.uv(c, geo.width, 1), y: geo.uv(c, 1, geo.height), split: c / 2 };
  const out = be.resizeBilinear(f, geo.height, geo.width, { addSeparable });
  be.release(f);
  geo.trace?.(prefix + 'out_conv2_in', out);
  return out;
}

/**
 * output_conv2: 3×3 conv → ReLU → 1×1 conv, returning raw logits [out_dim, H, W]. One fused op:
 * the 3×3 conv's full-resolution output need not exist whole (the head's memory peak).
 */
export function dptOutput(be: Backend, w: Weights, name: string, g: Tensor): Tensor {
  const project = { weight: w.get(name + 'b.weight', 4), bias: w.get(name + 'b.bias', 1) };
  return be.conv2d(g, w.get(name + 'a.weight', 4), w.get(name + 'a.bias', 1), { pad: 1, activation: 'relu', project });
}
