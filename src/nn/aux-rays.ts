// DualDPT's auxiliary ray branch (AUX GGUFs only): a second refinenet chain over the same
// pyramid, five plain 3×3 convs, the UV embedding, then conv → LayerNorm over the 32 channels of
// each pixel → ReLU → 1×1 conv to 7 channels (ray direction xyz, ray origin xyz, confidence
// logit) on the 8ph × 8pw grid. Only the finest of the four upstream aux levels is computed:
// upstream discards the others.

import type { Backend, Tensor } from '../backend/backend.ts';
import { dptFuse, type DptGeometry, type DptPyramid } from './dpt.ts';
import type { Weights } from './weights.ts';

const AUX_OUT1_CONVS = 5;

/** Returns the aux logits channels-last, [8ph·8pw, 7]. */
export function auxRayLogits(be: Backend, w: Weights, pyramid: DptPyramid, geo: DptGeometry): Tensor {
  const s = 'head.scratch.';
  let r = dptFuse(be, w, s, '_aux', pyramid, (name, t) => geo.trace?.('head.aux.' + name, t));
  for (let k = 0; k < AUX_OUT1_CONVS; k++) {
    const next = be.conv2d(r, w.get(`${s}out1_aux.${k}.weight`, 4), w.get(`${s}out1_aux.${k}.bias`, 1), { pad: 1 });
    be.release(r);
    r = next;
  }
  geo.trace?.('head.aux.out_conv1', r);
  const [c, h, wd] = r.shape;
  if (geo.uv) {
    const withUv = be.add(r, geo.uv(c, wd, h));
    be.release(r);
    r = withUv;
  }
  geo.trace?.('head.aux.out_conv2_in', r);
  const a = be.conv2d(r, w.get(`${s}out2a_aux.weight`, 4), w.get(`${s}out2a_aux.bias`, 1), { pad: 1 });
  be.release(r);
  const pixels = be.transpose(be.reshape(a, [a.shape[0], h * wd]));
  be.release(a);
  const normed = be.layerNorm(pixels, w.get(`${s}out2_aux_ln.weight`, 1), w.get(`${s}out2_aux_ln.bias`, 1), 1e-5);
  be.release(pixels);
  const activated = be.relu(normed);
  be.release(normed);
  const out2b = w.get(`${s}out2b_aux.weight`, 4);
  const logits = be.linear(activated, be.reshape(out2b, [out2b.shape[0], out2b.shape[1]]), w.get(`${s}out2b_aux.bias`, 1));
  be.release(activated);
  return logits;
}
