// Depth map → 16-bit grayscale PNG: a compact lossless-enough transport (1/65535 of the range)
// for clients that want an image, with the range needed to get depth values back.
import { encode } from 'fast-png';
import { finiteRange } from './finite-range.ts';

export interface DepthPng16 {
  png: Uint8Array;
  /** depth ≈ min + level / 65535 · (max − min); non-finite pixels are level 0. */
  min: number;
  max: number;
}

export function encodeDepthPng16(depth: Float32Array, width: number, height: number): DepthPng16 {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || depth.length !== width * height) {
    throw new Error(`depth PNG16: ${depth.length} values for a ${width}x${height} map`);
  }
  const { min, max } = finiteRange(depth) ?? { min: 0, max: 0 };
  const span = max - min;
  const levels = new Uint16Array(depth.length);
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    if (Number.isFinite(d) && span > 0) levels[i] = Math.round(((d - min) / span) * 65535);
  }
  return { png: encode({ width, height, data: levels, depth: 16, channels: 1 }), min, max };
}
