// OpenCV 4.x `cv::resize(..., INTER_CUBIC)`, bit-exact, for interleaved 8-bit RGB and for
// float64 images. Separable Catmull-Rom-like kernel (A = -0.75) with replicated borders.
//
// 8-bit: coefficients are float32 values rounded to 11-bit fixed point; the horizontal pass
// sums in integers; the vertical pass is OpenCV's SIMD loop (8 values per step, float32
// arithmetic: S0·b0 + (S1·b1 + (S2·b2 + S3·b3)), round half to even) and, for the last
// `width % 8` values of each row, its scalar loop ((Σ Si·bi + 2^21) >> 22).
// float64: the same float32 coefficients, both passes in double.

import type { RgbImage } from '../types.ts';
import { checkResizeArgs, resizeScale, roundHalfEven, saturateU8 } from './resize-common.ts';

const COEF_BITS = 11; // INTER_RESIZE_COEF_BITS
const COEF_SCALE = 1 << COEF_BITS;
const SIMD_LANES = 8; // int16 lanes of a 128-bit vector: the step of OpenCV's vertical loop
const f32 = Math.fround;

/** Source taps along one axis: for destination index d, pixels index[4d..4d+3] with weights coef[4d..4d+3]. */
interface CubicTaps {
  index: Int32Array;
  coef: Float32Array;
}

function cubicTaps(srcSize: number, dstSize: number): CubicTaps {
  const scale = resizeScale(srcSize, dstSize);
  const index = new Int32Array(4 * dstSize);
  const coef = new Float32Array(4 * dstSize);
  for (let d = 0; d < dstSize; d++) {
    const pos = f32((d + 0.5) * scale - 0.5);
    const s = Math.floor(pos);
    const t = f32(pos - s);
    for (let k = 0; k < 4; k++) index[4 * d + k] = Math.min(Math.max(s - 1 + k, 0), srcSize - 1);
    cubicCoefficients(t, coef, 4 * d);
  }
  return { index, coef };
}

/** OpenCV's `interpolateCubic`, evaluated in float32 in the same operation order. */
function cubicCoefficients(t: number, out: Float32Array, at: number): void {
  const A = -0.75;
  const t1 = f32(t + 1);
  const u = f32(1 - t);
  const c0 = f32(f32(f32(f32(f32(f32(A * t1) - 5 * A) * t1) + 8 * A) * t1) - 4 * A);
  const c1 = f32(f32(f32(f32(f32((A + 2) * t) - (A + 3)) * t) * t) + 1);
  const c2 = f32(f32(f32(f32(f32((A + 2) * u) - (A + 3)) * u) * u) + 1);
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = f32(f32(f32(1 - c0) - c1) - c2);
}

/** `saturate_cast<short>(c * 2048)`. */
function toFixedPoint(coef: Float32Array): Int32Array {
  const fixed = new Int32Array(coef.length);
  for (let i = 0; i < coef.length; i++) fixed[i] = roundHalfEven(coef[i] * COEF_SCALE);
  return fixed;
}

/** Resize 8-bit interleaved RGB with OpenCV's INTER_CUBIC. */
export function resizeCubic(img: RgbImage, width: number, height: number): RgbImage {
  const cn = 3;
  checkResizeArgs('resizeCubic', img.width, img.height, width, height, img.data.length, cn);
  if (width === img.width && height === img.height) return { width, height, data: img.data.slice() };
  const xTaps = cubicTaps(img.width, width);
  const yTaps = cubicTaps(img.height, height);
  const alpha = toFixedPoint(xTaps.coef);
  const beta = toFixedPoint(yTaps.coef);
  const rowLen = width * cn;
  const simdEnd = rowLen - (rowLen % SIMD_LANES);
  const out = new Uint8Array(rowLen * height);
  const rows = new RowCache(4, (sy) => {
    const row = new Int32Array(rowLen);
    horizontalFixed(img.data, sy * img.width * cn, cn, xTaps.index, alpha, row);
    return row;
  });
  const scale = f32(1 / (COEF_SCALE * COEF_SCALE));
  for (let dy = 0; dy < height; dy++) {
    const k = 4 * dy;
    const s0 = rows.get(yTaps.index[k]), s1 = rows.get(yTaps.index[k + 1]);
    const s2 = rows.get(yTaps.index[k + 2]), s3 = rows.get(yTaps.index[k + 3]);
    const b0 = beta[k], b1 = beta[k + 1], b2 = beta[k + 2], b3 = beta[k + 3];
    const o = dy * rowLen;
    const fb0 = f32(b0 * scale), fb1 = f32(b1 * scale), fb2 = f32(b2 * scale), fb3 = f32(b3 * scale);
    for (let x = 0; x < simdEnd; x++) {
      // Row sums are below 2^24, so they convert to float32 exactly.
      let v = f32(f32(s2[x] * fb2) + f32(s3[x] * fb3));
      v = f32(f32(s1[x] * fb1) + v);
      v = f32(f32(s0[x] * fb0) + v);
      out[o + x] = saturateU8(v);
    }
    for (let x = simdEnd; x < rowLen; x++) {
      const v = s0[x] * b0 + s1[x] * b1 + s2[x] * b2 + s3[x] * b3;
      const r = Math.floor((v + (1 << (2 * COEF_BITS - 1))) / (1 << (2 * COEF_BITS)));
      out[o + x] = r < 0 ? 0 : r > 255 ? 255 : r;
    }
  }
  return { width, height, data: out };
}

function horizontalFixed(src: Uint8Array, base: number, cn: number, index: Int32Array, alpha: Int32Array, row: Int32Array): void {
  const dstW = index.length >> 2;
  for (let d = 0; d < dstW; d++) {
    const k = 4 * d;
    const p0 = base + index[k] * cn, p1 = base + index[k + 1] * cn;
    const p2 = base + index[k + 2] * cn, p3 = base + index[k + 3] * cn;
    const a0 = alpha[k], a1 = alpha[k + 1], a2 = alpha[k + 2], a3 = alpha[k + 3];
    for (let c = 0; c < cn; c++) {
      row[d * cn + c] = src[p0 + c] * a0 + src[p1 + c] * a1 + src[p2 + c] * a2 + src[p3 + c] * a3;
    }
  }
}

/**
 * Resize an interleaved float64 image (`channels` values per pixel) with OpenCV's INTER_CUBIC
 * as `cv2.resize` does for CV_64F input: float32 coefficients, double sums.
 */
export function resizeCubicF64(data: Float64Array, srcW: number, srcH: number, channels: number, width: number, height: number): Float64Array {
  checkResizeArgs('resizeCubicF64', srcW, srcH, width, height, data.length, channels);
  if (width === srcW && height === srcH) return data.slice();
  const xTaps = cubicTaps(srcW, width);
  const yTaps = cubicTaps(srcH, height);
  const rowLen = width * channels;
  const out = new Float64Array(rowLen * height);
  const rows = new RowCache(4, (sy) => {
    const row = new Float64Array(rowLen);
    const base = sy * srcW * channels;
    for (let d = 0; d < width; d++) {
      const k = 4 * d;
      const p0 = base + xTaps.index[k] * channels, p1 = base + xTaps.index[k + 1] * channels;
      const p2 = base + xTaps.index[k + 2] * channels, p3 = base + xTaps.index[k + 3] * channels;
      const a0 = xTaps.coef[k], a1 = xTaps.coef[k + 1], a2 = xTaps.coef[k + 2], a3 = xTaps.coef[k + 3];
      for (let c = 0; c < channels; c++) {
        row[d * channels + c] = data[p0 + c] * a0 + data[p1 + c] * a1 + data[p2 + c] * a2 + data[p3 + c] * a3;
      }
    }
    return row;
  });
  for (let dy = 0; dy < height; dy++) {
    const k = 4 * dy;
    const s0 = rows.get(yTaps.index[k]), s1 = rows.get(yTaps.index[k + 1]);
    const s2 = rows.get(yTaps.index[k + 2]), s3 = rows.get(yTaps.index[k + 3]);
    const b0 = yTaps.coef[k], b1 = yTaps.coef[k + 1], b2 = yTaps.coef[k + 2], b3 = yTaps.coef[k + 3];
    const o = dy * rowLen;
    for (let x = 0; x < rowLen; x++) out[o + x] = s0[x] * b0 + s1[x] * b1 + s2[x] * b2 + s3[x] * b3;
  }
  return out;
}

/** Horizontal passes of the last few source rows (destination rows walk the source downwards). */
class RowCache<T> {
  private readonly rows = new Map<number, T>();
  private readonly capacity: number;
  private readonly compute: (sy: number) => T;

  constructor(capacity: number, compute: (sy: number) => T) {
    this.capacity = capacity;
    this.compute = compute;
  }

  get(sy: number): T {
    let row = this.rows.get(sy);
    if (row === undefined) {
      row = this.compute(sy);
      if (this.rows.size >= this.capacity) this.rows.delete(this.rows.keys().next().value as number);
      this.rows.set(sy, row);
    }
    return row;
  }
}
