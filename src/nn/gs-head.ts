// GSDPT, DA3-GIANT's 3D-Gaussian head (tensors `gs.*`): the DPT decoder over the same four
// any-view features as the depth head (no token LayerNorm, UV on), plus `images_merger`, a small
// conv stack over the normalized input image whose output is added to the upsampled map before
// the final UV embedding. Its 38 output channels per pixel are the raw Gaussian parameters (37)
// and a confidence logit; the adapter (geometry/gaussians.ts) turns them into world Gaussians.

import type { Backend, Tensor } from '../backend/backend.ts';
import { addUv, dptFuse, dptOutput, dptPyramid, releasePyramid, type DptGeometry } from './dpt.ts';
import { viewStageTokens } from './view-tokens.ts';
import type { Weights } from './weights.ts';

const MERGER_CONVS = 3;

/** images_merger: three 3×3 convs (3 → 32 → 64 → F/2), each followed by exact GELU. */
function imagesMerger(be: Backend, w: Weights, image: Tensor): Tensor {
  let x = image;
  for (let k = 0; k < MERGER_CONVS; k++) {
    const next = be.conv2d(x, w.get(`gs.merger.${k}.weight`, 4), w.get(`gs.merger.${k}.bias`, 1), { pad: 1, activation: 'gelu' });
    if (x !== image) be.release(x);
    x = next;
  }
  return x;
}

/**
 * The GS head of one view: stage tokens [Np, 2C] ×4 and the view's normalized image [3, H, W]
 * → logits [38, H, W] (channels 0..36 raw Gaussians, 37 the confidence logit).
 */
export function gsHeadLogits(be: Backend, w: Weights, stageTokens: Tensor[], image: Tensor, geo: DptGeometry): Tensor {
  const trace = (name: string, t: Tensor) => geo.trace?.('gs.' + name, t);
  const pyramid = dptPyramid(be, w, 'gs.', stageTokens, geo);
  const fused = dptFuse(be, w, 'gs.scratch.', '', pyramid, trace);
  releasePyramid(be, pyramid);
  const f = be.conv2d(fused, w.get('gs.scratch.out1.weight', 4), w.get('gs.scratch.out1.bias', 1), { pad: 1 });
  be.release(fused);
  trace('out_conv1', f);
  const merged = imagesMerger(be, w, image);
  trace('images_merger', merged);
  // PyTorch order: upsample, + images_merger, then + UV.
  const g = addUv(be, be.resizeBilinear(f, geo.height, geo.width, { add: merged }), geo);
  be.release(f);
  be.release(merged);
  trace('out_conv2_in', g);
  const logits = dptOutput(be, w, 'gs.scratch.out2', g);
  be.release(g);
  trace('logits', logits);
  return logits;
}

/** The GS head of view v from the backbone's out-layer features and the view's normalized image [3·H·W]. */
export function gsHeadView(be: Backend, w: Weights, features: readonly Tensor[], v: number, viewImage: Float32Array, geo: DptGeometry): Tensor {
  const image = be.upload(viewImage, [3, geo.height, geo.width]);
  const stageTokens = viewStageTokens(be, features, v, geo.ph * geo.pw);
  const logits = gsHeadLogits(be, w, stageTokens, image, geo);
  for (const t of stageTokens) be.release(t);
  be.release(image);
  return logits;
}
