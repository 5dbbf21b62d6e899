// Images → the network input of a model: the family's own preprocessing (DA3: two uint8 resizes
// to a multiple of 14; DA2: one float64 resize), views stacked as [S, 3, H, W].

import { preprocessDa2, preprocessDa3 } from '../image/preprocess.ts';
import type { RgbImage } from '../types.ts';
import type { ModelConfig } from './config.ts';
import type { NetworkInput } from './encode-views.ts';

/** The decimal constant a float32 metadata value was written from (0.48500001 → 0.485): DA2 normalizes in float64. */
const shortestDecimal = (v: number) => Number(Math.fround(v).toPrecision(7));

/** `resolution` overrides the GGUF's `img.resize_target`. */
export function preprocessViews(config: ModelConfig, images: readonly RgbImage[], resolution?: number): NetworkInput {
  if (images.length === 0) throw new Error('predict: no images');
  const pre = config.preprocess;
  const target = resolution ?? pre.resizeTarget;
  const patch = config.vit.patchSize;
  const isDa2 = config.family === 'da2' || config.family === 'da2-metric';
  const inputs = images.map((image) => isDa2
    ? preprocessDa2(image, { target, mean: pre.mean.map(shortestDecimal), std: pre.std.map(shortestDecimal), patch })
    : preprocessDa3(image, { target, mode: pre.resizeMode, mean: pre.mean, std: pre.std, patch }));
  const { width, height } = inputs[0];
  const mismatch = inputs.findIndex((i) => i.width !== width || i.height !== height);
  if (mismatch >= 0) {
    throw new Error(`predictViews: view ${mismatch} preprocesses to ${inputs[mismatch].width}×${inputs[mismatch].height}, view 0 to ${width}×${height}; all views must have the same size`);
  }
  const data = new Float32Array(inputs.length * 3 * width * height);
  inputs.forEach((input, v) => data.set(input.tensor, v * 3 * width * height));
  const rgb = isDa2 ? undefined : inputs.map((input) => (input as ReturnType<typeof preprocessDa3>).step2);
  return { data, views: inputs.length, height, width, images: rgb };
}
