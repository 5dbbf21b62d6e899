// OpenCV 4.x `cv::resize(..., INTER_AREA)` on interleaved 8-bit RGB, bit-exact: the same float32
// accumulation order, the same integer-factor fast paths and round-half-even saturation.

import type { RgbImage } from '../types.ts';
import { checkResizeArgs, resizeScale, roundHalfEven, saturateU8 } from './resize-common.ts';

const CN = 3;
const DBL_EPSILON = 2.220446049250313e-16;

/**
 * Shrink `img` to `width`×`height` by pixel-area averaging. Both axes must shrink or stay
 * (for an enlarged axis OpenCV switches to a bilinear variant, which DA3 never uses).
 */
export function resizeArea(img: RgbImage, width: number, height: number): RgbImage {
  checkResizeArgs('resizeArea', img.width, img.height, width, height, img.data.length, CN);
  if (width === img.width && height === img.height) return { width, height, data: img.data.slice() };
  const scaleX = resizeScale(img.width, width);
  const scaleY = resizeScale(img.height, height);
  if (scaleX < 1 || scaleY < 1) {
    throw new Error(`resizeArea: ${img.width}x${img.height} -> ${width}x${height} enlarges an axis; INTER_AREA only shrinks here (use resizeCubic)`);
  }
  const factorX = roundHalfEven(scaleX);
  const factorY = roundHalfEven(scaleY);
  if (Math.abs(scaleX - factorX) < DBL_EPSILON && Math.abs(scaleY - factorY) < DBL_EPSILON) {
    const data = factorX === 2 && factorY === 2
      ? halve(img.data, img.width, width, height)
      : averageBlocks(img.data, img.width, width, height, factorX, factorY);
    return { width, height, data };
  }
  return { width, height, data: resizeAreaGeneric(img, width, height, scaleX, scaleY) };
}

/** Exact 2×2 averaging: OpenCV rounds (a + b + c + d + 2) >> 2, i.e. half up. */
function halve(src: Uint8Array, srcW: number, dstW: number, dstH: number): Uint8Array {
  const out = new Uint8Array(dstW * dstH * CN);
  const stride = srcW * CN;
  let o = 0;
  for (let y = 0; y < dstH; y++) {
    const row0 = 2 * y * stride;
    const row1 = row0 + stride;
    for (let x = 0; x < dstW; x++) {
      const s = 2 * x * CN;
      for (let c = 0; c < CN; c++) {
        out[o++] = (src[row0 + s + c] + src[row0 + s + CN + c] + src[row1 + s + c] + src[row1 + s + CN + c] + 2) >> 2;
      }
    }
  }
  return out;
}

/** Other integer factors: integer block sum times the float32 reciprocal of the block area. */
function averageBlocks(src: Uint8Array, srcW: number, dstW: number, dstH: number, fx: number, fy: number): Uint8Array {
  const out = new Uint8Array(dstW * dstH * CN);
  const inverseArea = Math.fround(1 / (fx * fy));
  const stride = srcW * CN;
  let o = 0;
  for (let y = 0; y < dstH; y++) {
    for (let x = 0; x < dstW; x++) {
      for (let c = 0; c < CN; c++) {
        let sum = 0;
        for (let dy = 0; dy < fy; dy++) {
          const base = (y * fy + dy) * stride + x * fx * CN + c;
          for (let dx = 0; dx < fx; dx++) sum += src[base + dx * CN];
        }
        out[o++] = saturateU8(Math.fround(sum * inverseArea));
      }
    }
  }
  return out;
}

/** One axis of OpenCV's `computeResizeAreaTab`: (destination, source, float32 weight) taps. */
interface AreaTaps {
  count: number;
  dst: Int32Array;
  src: Int32Array;
  weight: Float32Array;
}

function areaTaps(srcSize: number, dstSize: number, scale: number): AreaTaps {
  const capacity = 2 * srcSize;
  const taps: AreaTaps = { count: 0, dst: new Int32Array(capacity), src: new Int32Array(capacity), weight: new Float32Array(capacity) };
  const push = (d: number, s: number, w: number): void => {
    taps.dst[taps.count] = d;
    taps.src[taps.count] = s;
    taps.weight[taps.count++] = w;
  };
  for (let d = 0; d < dstSize; d++) {
    const start = d * scale;
    const end = start + scale;
    const cellWidth = Math.min(scale, srcSize - start);
    let first = Math.ceil(start);
    const last = Math.min(Math.floor(end), srcSize - 1);
    first = Math.min(first, last);
    // Partial source pixels at either end get their covered fraction (ignored below 1e-3).
    if (first - start > 1e-3) push(d, first - 1, (first - start) / cellWidth);
    for (let s = first; s < last; s++) push(d, s, 1 / cellWidth);
    if (end - last > 1e-3) push(d, last, Math.min(Math.min(end - last, 1), cellWidth) / cellWidth);
  }
  return taps;
}

function resizeAreaGeneric(img: RgbImage, dstW: number, dstH: number, scaleX: number, scaleY: number): Uint8Array {
  const xTaps = areaTaps(img.width, dstW, scaleX);
  const yTaps = areaTaps(img.height, dstH, scaleY);
  const rowLen = dstW * CN;
  const src = img.data;
  const stride = img.width * CN;
  const out = new Uint8Array(rowLen * dstH);
  const row = new Float32Array(rowLen); // horizontal sums of one source row
  const sum = new Float32Array(rowLen); // vertical accumulation of one destination row
  let rowOf = -1;
  for (let k = 0; k < yTaps.count; k++) {
    const sy = yTaps.src[k];
    if (sy !== rowOf) {
      // Border source rows feed two destination rows; their horizontal sums are identical.
      row.fill(0);
      const base = sy * stride;
      for (let t = 0; t < xTaps.count; t++) {
        const d = xTaps.dst[t] * CN;
        const s = base + xTaps.src[t] * CN;
        const w = xTaps.weight[t];
        row[d] += Math.fround(src[s] * w);
        row[d + 1] += Math.fround(src[s + 1] * w);
        row[d + 2] += Math.fround(src[s + 2] * w);
      }
      rowOf = sy;
    }
    const dy = yTaps.dst[k];
    const beta = yTaps.weight[k];
    if (k === 0 || yTaps.dst[k - 1] !== dy) {
      for (let i = 0; i < rowLen; i++) sum[i] = beta * row[i];
    } else {
      for (let i = 0; i < rowLen; i++) sum[i] += Math.fround(beta * row[i]);
    }
    if (k === yTaps.count - 1 || yTaps.dst[k + 1] !== dy) {
      const o = dy * rowLen;
      for (let i = 0; i < rowLen; i++) out[o + i] = saturateU8(sum[i]);
    }
  }
  return out;
}
