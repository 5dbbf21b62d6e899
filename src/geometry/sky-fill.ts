import { quantile } from './quantile.ts';

/** Pixels with sky < 0.3 are non-sky (DA3 mono/metric and nested alignment). */
export const SKY_THRESHOLD = 0.3;
const MIN_PIXELS_PER_CLASS = 10;

/**
 * DA3's `_process_mono_sky_estimation`: when both classes have more than 10 pixels, every sky
 * pixel's depth becomes the 0.99 quantile of the non-sky depths. Upstream subsamples 100 000
 * random pixels above that count; this uses all of them (deterministic). Returns the fill value,
 * or undefined when nothing was filled.
 */
export function fillSkyDepth(depth: Float32Array, sky: Float32Array): number | undefined {
  const nonSky = depth.filter((_, i) => sky[i] < SKY_THRESHOLD);
  const skyCount = depth.length - nonSky.length;
  if (nonSky.length <= MIN_PIXELS_PER_CLASS || skyCount <= MIN_PIXELS_PER_CLASS) return undefined;
  const value = quantile(nonSky, 0.99);
  for (let i = 0; i < depth.length; i++) if (!(sky[i] < SKY_THRESHOLD)) depth[i] = value;
  return value;
}
