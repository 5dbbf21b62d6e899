// Depth map → 8-bit PNG. Grayscale reproduces depth-anything.cpp's `write_depth_png` pixel
// for pixel (min–max normalization in float32, inverted by default so near is bright);
// 'turbo' maps the same normalized value through the Turbo colormap.
import { encode } from 'fast-png';
import { finiteRange } from './finite-range.ts';
import { writeTurboRgb } from './turbo.ts';

export type Colormap = 'gray' | 'turbo';

export interface DepthPngOptions {
  /** Map small values to bright (gray) / red (turbo). Default true, as in the C++ CLI. */
  invert?: boolean;
  colormap?: Colormap;
}

const f32 = Math.fround;

/**
 * Normalized value in [0, 1] with the C++ float32 operation order:
 * t = (d − min) / (max − min), 0 when max == min, then 1 − t when inverting.
 */
function normalizer(depth: Float32Array, invert: boolean): (d: number) => number {
  const range = finiteRange(depth) ?? { min: 0, max: 0 };
  const min = f32(range.min);
  const span = f32(f32(range.max) - min);
  return (d) => {
    const t = span > 0 ? f32(f32(d - min) / span) : 0;
    return invert ? f32(1 - t) : t;
  };
}

/** The C++ quantization: (int)(t·255 + 0.5) in float32, truncated, clamped to 0..255. */
function grayLevel(t: number): number {
  return Math.min(255, Math.max(0, Math.trunc(f32(f32(t * 255) + 0.5))));
}

export function encodeDepthPng(
  depth: Float32Array,
  width: number,
  height: number,
  options: DepthPngOptions = {},
): Uint8Array {
  const { invert = true, colormap = 'gray' } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`depth PNG: invalid size ${width}x${height}`);
  }
  if (depth.length !== width * height) {
    throw new Error(`depth PNG: ${depth.length} values for a ${width}x${height} map`);
  }
  const normalize = normalizer(depth, invert);
  const channels = colormap === 'turbo' ? 3 : 1;
  // Non-finite pixels stay 0 (black).
  const pixels = new Uint8Array(depth.length * channels);
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    if (!Number.isFinite(d)) continue;
    const t = normalize(d);
    if (colormap === 'turbo') writeTurboRgb(t, pixels, i * 3);
    else pixels[i] = grayLevel(t);
  }
  return encode({ width, height, data: pixels, depth: 8, channels });
}
