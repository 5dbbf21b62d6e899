// The backbone's out-layer features hold every view's tokens in one matrix each; a head decodes
// one view at a time from its rows.
import type { Backend, Tensor } from '../backend/backend.ts';

/** The out-layer token matrices of view v, [patches, 2C] each (the caller releases them). */
export function viewStageTokens(be: Backend, features: readonly Tensor[], v: number, patches: number): Tensor[] {
  return features.map((f) => be.gatherRows([{ tensor: f, start: v * patches, count: patches }]));
}
