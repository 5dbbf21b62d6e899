// DualDPT, DA3's depth head (tensors `head.`): the DPT reassemble pyramid over the four out-layer
// features of one view, the fusion chain, and the upsampling to the full-resolution feature map
// that output_conv2 reads (depth + confidence logits). Its aux branch (AUX GGUFs) reads the same
// pyramid and predicts the ray map. Mono/metric and DA2 heads are the same chain without rays.
import type { Backend, Tensor } from '../backend/backend.ts';
import { auxRayLogits } from './aux-rays.ts';
import { dptFuse, dptPyramid, dptUpsample, releasePyramid, type DptGeometry } from './dpt.ts';
import { viewStageTokens } from './view-tokens.ts';
import type { Weights } from './weights.ts';

export interface DualDptView {
  /** Main chain: the [F/2, H, W] map before output_conv2. */
  features: Tensor;
  /** Aux ray branch logits, channels-last [8ph·8pw, 7], when asked for. */
  rayLogits?: Tensor;
}

/** The head of view v from the backbone's out-layer features, with the aux ray branch when `withRays`. */
export function dualDptView(be: Backend, w: Weights, features: readonly Tensor[], v: number, geo: DptGeometry, withRays = false): DualDptView {
  const stageTokens = viewStageTokens(be, features, v, geo.ph * geo.pw);
  const pyramid = dptPyramid(be, w, 'head.', stageTokens, geo);
  for (const t of stageTokens) be.release(t);
  const fused = dptFuse(be, w, 'head.scratch.', '', pyramid, (name, t) => geo.trace?.('head.' + name, t));
  const rayLogits = withRays ? auxRayLogits(be, w, pyramid, geo) : undefined;
  releasePyramid(be, pyramid);
  return { features: dptUpsample(be, w, 'head.', fused, geo), rayLogits }; // consumes fused
}
