// The network input (normalized views) and the encoder every family shares: patchify, then the
// ViT backbone over all views at once (cross-view attention where the model has it).

import type { Backend } from '../backend/backend.ts';
import type { Trace } from '../nn/trace.ts';
import { runBackbone, type BackboneOutput } from '../nn/vit.ts';
import type { Weights } from '../nn/weights.ts';
import type { RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import type { GeometryCache } from './geometry-cache.ts';
import { patchify } from './patchify.ts';

export interface NetworkInput {
  /** Normalized images [S, 3, H, W]. */
  data: Float32Array;
  views: number;
  height: number;
  width: number;
  /** The network-size RGB images, when preprocessing made them (DA3's uint8 pipeline). */
  images?: RgbImage[];
}

export interface Encoded extends BackboneOutput {
  ph: number;
  pw: number;
}

export async function encodeViews(be: Backend, cfg: ModelConfig, w: Weights, cache: GeometryCache, input: NetworkInput, trace?: Trace): Promise<Encoded> {
  const { views: S, height: H, width: W } = input;
  const p = cfg.vit.patchSize;
  const ph = H / p, pw = W / p;
  const patches = be.upload(patchify(input.data, S, H, W, p), [S * ph * pw, 3 * p * p]);
  const backbone = await runBackbone(be, cfg.vit, w, cache.backbone(S, ph, pw), patches, trace);
  be.release(patches);
  return { ...backbone, ph, pw };
}

export function releaseEncoded(be: Backend, encoded: Encoded): void {
  for (const f of encoded.features) be.release(f);
  be.release(encoded.cameraTokens);
}
