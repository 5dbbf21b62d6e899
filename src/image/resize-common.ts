// Conventions shared by the OpenCV-exact resamplers: rounding, the scale factor, argument checks.

import { checkImageSize } from './limits.ts';

/** `cvRound`: round half to even (the x86 default rounding mode OpenCV relies on). */
export function roundHalfEven(x: number): number {
  // Adding and removing 1.5·2^52 leaves no fraction bits, so IEEE round-half-even does the work.
  return Math.abs(x) < 2 ** 51 ? x + ROUNDING_SHIFT - ROUNDING_SHIFT : x;
}

const ROUNDING_SHIFT = 1.5 * 2 ** 52;

/** `saturate_cast<uchar>(float)`: round half to even, then clamp to 0..255. */
export function saturateU8(x: number): number {
  const r = roundHalfEven(x);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/**
 * OpenCV's source-per-destination pixel scale. `cv::resize` stores dst/src and inverts it,
 * so the scale is `1 / (dst / src)` in double, which can differ from `src / dst` in the last bit;
 * tap positions and the integer-factor test depend on that exact value.
 */
export function resizeScale(srcSize: number, dstSize: number): number {
  return 1 / (dstSize / srcSize);
}

export function checkResizeArgs(fn: string, srcW: number, srcH: number, dstW: number, dstH: number, dataLength: number, channels: number): void {
  if (!(Number.isInteger(srcW) && Number.isInteger(srcH) && srcW > 0 && srcH > 0)) throw new Error(`${fn}: source size ${srcW}x${srcH} is not a positive integer size`);
  if (!(Number.isInteger(dstW) && Number.isInteger(dstH) && dstW > 0 && dstH > 0)) throw new Error(`${fn}: target size ${dstW}x${dstH} is not a positive integer size`);
  checkImageSize(`${fn}: target`, dstW, dstH);
  if (dataLength !== srcW * srcH * channels) throw new Error(`${fn}: data length ${dataLength} does not match ${srcW}x${srcH}x${channels}`);
}
