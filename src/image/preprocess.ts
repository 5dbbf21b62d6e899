// Network-input preprocessing, bit-exact with the PyTorch references:
// DA3 `InputProcessor` (*_bound_resize) and DA2 `DepthAnythingV2.image2tensor`.

import type { RgbImage } from '../types.ts';
import { roundHalfEven } from './resize-common.ts';
import { resizeArea } from './resize-area.ts';
import { resizeCubic, resizeCubicF64 } from './resize-cubic.ts';

/** ImageNet RGB mean and std as the Python float64 constants both references use. */
export const IMAGENET_MEAN: readonly number[] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly number[] = [0.229, 0.224, 0.225];

export interface Da3PreprocessOptions {
  /** Bound for the longest (upper_bound) or shortest (lower_bound) side, e.g. 504. */
  target: number;
  mode: 'upper_bound' | 'lower_bound';
  /** Per-channel RGB mean and std; used as float32 (as the GGUF stores them). */
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
  /** ViT patch size (default 14): both output sides become multiples of it. */
  patch?: number;
}

export interface Da3Preprocessed {
  width: number;
  height: number;
  /** After the bound resize (the input itself when no resize was needed). */
  step1: RgbImage;
  /** The network input image (`step1` itself when already a multiple of the patch). */
  step2: RgbImage;
  /** CHW float32 planes, 3·height·width. */
  tensor: Float32Array;
}

interface Size {
  width: number;
  height: number;
}

/** Sizes after DA3's bound resize (step 1) and patch rounding (step 2). */
export function da3TargetSizes(width: number, height: number, target: number, mode: 'upper_bound' | 'lower_bound', patch = 14): { step1: Size; step2: Size } {
  checkPositiveInt('image width', width);
  checkPositiveInt('image height', height);
  checkPositiveInt('target', target);
  checkPositiveInt('patch', patch);
  const bound = mode === 'upper_bound' ? Math.max(width, height) : Math.min(width, height);
  let step1 = { width, height };
  if (bound !== target) {
    const scale = target / bound;
    // Python round(): half to even on the double product.
    step1 = { width: Math.max(1, roundHalfEven(width * scale)), height: Math.max(1, roundHalfEven(height * scale)) };
  }
  return { step1, step2: { width: nearestMultiple(step1.width, patch), height: nearestMultiple(step1.height, patch) } };
}

/** Nearest multiple of `patch`, ties going up, at least 1 (as DA3's `_make_divisible_by_resize`). */
function nearestMultiple(x: number, patch: number): number {
  const down = Math.floor(x / patch) * patch;
  const up = down + patch;
  return Math.max(1, up - x <= x - down ? up : down);
}

export function preprocessDa3(img: RgbImage, opts: Da3PreprocessOptions): Da3Preprocessed {
  if (opts.mode !== 'upper_bound' && opts.mode !== 'lower_bound') throw new Error(`preprocess: unknown resize mode ${String(opts.mode)}`);
  const sizes = da3TargetSizes(img.width, img.height, opts.target, opts.mode, opts.patch ?? 14);
  let step1 = img;
  if (sizes.step1.width !== img.width || sizes.step1.height !== img.height) {
    const enlarge = opts.target > (opts.mode === 'upper_bound' ? Math.max(img.width, img.height) : Math.min(img.width, img.height));
    step1 = enlarge ? resizeCubic(img, sizes.step1.width, sizes.step1.height) : resizeArea(img, sizes.step1.width, sizes.step1.height);
  }
  let step2 = step1;
  const { width, height } = sizes.step2;
  if (width !== step1.width || height !== step1.height) {
    step2 = width > step1.width || height > step1.height ? resizeCubic(step1, width, height) : resizeArea(step1, width, height);
  }
  return { width, height, step1, step2, tensor: normalizeToTensor(step2, opts.mean, opts.std) };
}

/**
 * torchvision ToTensor + Normalize in float32: x = (f32(u8) / 255 − mean) / std, CHW planes.
 * Every float32 rounding happens where PyTorch's does, so the result is bitwise identical.
 */
export function normalizeToTensor(img: RgbImage, mean: ArrayLike<number>, std: ArrayLike<number>): Float32Array {
  checkMeanStd(mean, std);
  const plane = img.width * img.height;
  if (img.data.length !== plane * 3) throw new Error(`preprocess: image data length ${img.data.length} does not match ${img.width}x${img.height}x3`);
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const m = Math.fround(mean[c]);
    const s = Math.fround(std[c]);
    for (let u = 0; u < 256; u++) lut[c * 256 + u] = Math.fround(Math.fround(Math.fround(u / 255) - m) / s);
  }
  const out = new Float32Array(3 * plane);
  const src = img.data;
  for (let i = 0; i < plane; i++) {
    out[i] = lut[src[3 * i]];
    out[plane + i] = lut[256 + src[3 * i + 1]];
    out[2 * plane + i] = lut[512 + src[3 * i + 2]];
  }
  return out;
}

export interface Da2PreprocessOptions {
  /** Lower bound for both sides, 518 for the released models. */
  target: number;
  /**
   * RGB mean and std as float64: pass IMAGENET_MEAN / IMAGENET_STD. Float32-rounded values
   * (as read from a GGUF) flip the last bit of ~40% of the outputs.
   */
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
  patch?: number;
}

/** DA2's `Resize(lower_bound, keep_aspect_ratio, ensure_multiple_of=patch)` output size. */
export function da2TargetSize(width: number, height: number, target: number, patch = 14): Size {
  checkPositiveInt('image width', width);
  checkPositiveInt('image height', height);
  checkPositiveInt('target', target);
  checkPositiveInt('patch', patch);
  // The larger of the two ratios scales both sides, so the shorter one reaches the bound.
  const scale = Math.max(target / width, target / height);
  const constrain = (x: number): number => {
    const y = roundHalfEven(x / patch) * patch; // np.round
    return y < target ? Math.ceil(x / patch) * patch : y;
  };
  return { width: constrain(scale * width), height: constrain(scale * height) };
}

/**
 * DA2 `image2tensor`: u8/255 in float64, one OpenCV INTER_CUBIC resize of the float64 image to
 * `da2TargetSize`, (x − mean)/std in float64, then rounded to float32 CHW planes.
 */
export function preprocessDa2(img: RgbImage, opts: Da2PreprocessOptions): { width: number; height: number; tensor: Float32Array } {
  checkMeanStd(opts.mean, opts.std);
  const { width, height } = da2TargetSize(img.width, img.height, opts.target, opts.patch ?? 14);
  const scaled = new Float64Array(img.data.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = img.data[i] / 255;
  const resized = resizeCubicF64(scaled, img.width, img.height, 3, width, height);
  const plane = width * height;
  const tensor = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = opts.mean[c];
    const s = opts.std[c];
    for (let i = 0; i < plane; i++) tensor[c * plane + i] = (resized[3 * i + c] - m) / s;
  }
  return { width, height, tensor };
}

function checkPositiveInt(what: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`preprocess: ${what} must be a positive integer, got ${v}`);
}

function checkMeanStd(mean: ArrayLike<number>, std: ArrayLike<number>): void {
  if (mean.length !== 3 || std.length !== 3) throw new Error(`preprocess: mean and std need 3 values each, got ${mean.length} and ${std.length}`);
  for (let c = 0; c < 3; c++) {
    if (!Number.isFinite(mean[c]) || !Number.isFinite(std[c]) || std[c] === 0) {
      throw new Error(`preprocess: mean/std must be finite with non-zero std, got mean ${mean[c]} std ${std[c]} for channel ${c}`);
    }
  }
}
