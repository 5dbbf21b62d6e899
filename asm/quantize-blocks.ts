// ggml's reference quantizers for the types depth-anything.cpp's quantizer writes
// (quantize_row_q8_0/q4_K/q5_K/q6_K_ref, no importance matrix) in float32 wasm arithmetic: the
// same operations in the same order as gguf/q8_0.ts, kquant-search.ts, q4_k.ts, q5_k.ts and
// q6_k.ts (which round every step with Math.fround), so the bytes are identical, at native float
// speed and on every thread. The quantize command uses these; the TypeScript codecs stay the
// runtime-agnostic reference.
import { nextTask, threadSlot } from './tasks';
import { halfToFloat, scaleMin, TYPE_Q4_K, TYPE_Q5_K, TYPE_Q6_K, TYPE_Q8_0 } from './stored-rows';
import { absMax32 } from './vmath';

/** ggml's GROUP_MAX_EPS, as float32. */
const GROUP_MAX_EPS: f32 = 1e-15;
/** K-quant super-blocks per task. */
const BLOCKS_PER_TASK = 8;

/** Per-thread scratch: L[256], Laux[32] bytes, weights[32], scales[16], mins[8] floats. */
const L_OFFSET: usize = 0, LAUX_OFFSET: usize = 256, WEIGHTS_OFFSET: usize = 288, SCALES_OFFSET: usize = 416, MINS_OFFSET: usize = 480;
export function quantizeScratchBytes(): i32 {
  return 512;
}

/** ggml nearest_int: the float32 magic-number rounding (ties to even). */
// @ts-ignore: decorator
@inline function nearestInt(x: f32): i32 {
  return (reinterpret<i32>(x + <f32>12582912) & 0x7fffff) - 0x400000;
}

// @ts-ignore: decorator
@inline function clampInt(v: i32, lo: i32, hi: i32): i32 {
  return max(lo, min(hi, v));
}

/** ggml's fp32 → fp16 (round to nearest even), as gguf/f16.ts floatToHalf. */
function floatToHalf(v: f32): u32 {
  const x = reinterpret<u32>(v);
  const sign = (x >> 16) & 0x8000;
  const magnitude = x & 0x7fffffff;
  if (magnitude > 0x7f800000) return sign | 0x7e00;
  if (magnitude >= 0x477ff000) return sign | 0x7c00;
  if (magnitude < 0x38800000) return sign | <u32>f64.nearest(<f64>abs(v) * 16777216.0);
  const rest = magnitude & 0x1fff;
  let h = ((magnitude - 0x38000000) >> 13) & 0x7fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) h++;
  return sign | h;
}

// @ts-ignore: decorator
@inline function storeHalf(p: usize, v: f32): u32 {
  const h = floatToHalf(v);
  store<u16>(p, <u16>h);
  return h;
}

/** The offset make_qkx2_quants returns besides the scale (ggml's −min, ≥ 0). */
let qkx2Min: f32 = 0;

/** Σ w·(scale·level + offset − x)² over 32 values (make_qkx2_quants without use_mad). */
// @ts-ignore: decorator
@inline function qkx2Error(scale: f32, offset: f32, levels: usize, x: usize, w: usize): f32 {
  let sum: f32 = 0;
  for (let i: usize = 0; i < 32; i++) {
    let diff = scale * <f32>load<u8>(levels + i) + offset - load<f32>(x + (i << 2));
    diff = diff * diff;
    sum = sum + load<f32>(w + (i << 2)) * diff;
  }
  return sum;
}

/** make_qkx2_quants for 32 values at x with weights w: levels into L, returns the scale (qkx2Min = −min). */
function makeQkx2Quants(nmax: i32, x: usize, w: usize, L: usize, Laux: usize, rmin: f32, rdelta: f32, nstep: i32): f32 {
  let mn = load<f32>(x);
  let mx = mn;
  let sumW = load<f32>(w);
  let sumX = sumW * mn;
  for (let i: usize = 1; i < 32; i++) {
    const xi = load<f32>(x + (i << 2));
    if (xi < mn) mn = xi;
    if (xi > mx) mx = xi;
    const wi = load<f32>(w + (i << 2));
    sumW = sumW + wi;
    sumX = sumX + wi * xi;
  }
  if (mn > 0) mn = 0;
  if (mx == mn) {
    memory.fill(L, 0, 32);
    qkx2Min = -mn;
    return 0;
  }
  const fmax = <f32>nmax;
  let iscale = fmax / (mx - mn);
  let scale: f32 = <f32>1 / iscale;
  for (let i: usize = 0; i < 32; i++) {
    store<u8>(L + i, <u8>clampInt(nearestInt(iscale * (load<f32>(x + (i << 2)) - mn)), 0, nmax));
  }
  let bestError = qkx2Error(scale, mn, L, x, w);
  for (let is = 0; is <= nstep; is++) {
    iscale = (rmin + rdelta * <f32>is + fmax) / (mx - mn);
    let sumL: f32 = 0, sumL2: f32 = 0, sumXL: f32 = 0;
    for (let i: usize = 0; i < 32; i++) {
      const xi = load<f32>(x + (i << 2));
      const l = clampInt(nearestInt(iscale * (xi - mn)), 0, nmax);
      store<u8>(Laux + i, <u8>l);
      const wl = load<f32>(w + (i << 2)) * <f32>l;
      sumL = sumL + wl;
      sumL2 = sumL2 + wl * <f32>l;
      sumXL = sumXL + wl * xi;
    }
    const D = sumW * sumL2 - sumL * sumL;
    if (D > 0) {
      let thisScale = (sumW * sumXL - sumX * sumL) / D;
      let thisMin = (sumL2 * sumX - sumL * sumXL) / D;
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = sumXL / sumL2;
      }
      const curError = qkx2Error(thisScale, thisMin, Laux, x, w);
      if (curError < bestError) {
        memory.copy(L, Laux, 32);
        bestError = curError;
        scale = thisScale;
        mn = thisMin;
      }
    }
  }
  qkx2Min = -mn;
  return scale;
}

/** The common half of quantize_row_q4_K_ref / q5_K_ref for the 256 values at x (see gguf/kquant-scales.ts). */
function scaleMinSuperBlock(x: usize, nmax: i32, rmin: f32, nstep: i32, out: usize, scratch: usize): void {
  const L = scratch + L_OFFSET, Laux = scratch + LAUX_OFFSET, w = scratch + WEIGHTS_OFFSET;
  const scales = scratch + SCALES_OFFSET, mins = scratch + MINS_OFFSET;
  let maxScale: f32 = 0, maxMin: f32 = 0;
  for (let j: usize = 0; j < 8; j++) {
    const xj = x + (j << 7);
    let sumX2: f32 = 0;
    for (let l: usize = 0; l < 32; l++) {
      const v = load<f32>(xj + (l << 2));
      sumX2 = sumX2 + v * v;
    }
    const avX = f32.sqrt(sumX2 / <f32>32);
    for (let l: usize = 0; l < 32; l++) store<f32>(w + (l << 2), avX + f32.abs(load<f32>(xj + (l << 2))));
    const scale = makeQkx2Quants(nmax, xj, w, L + (j << 5), Laux, rmin, <f32>0.1, nstep);
    store<f32>(scales + (j << 2), scale);
    store<f32>(mins + (j << 2), qkx2Min);
    if (scale > maxScale) maxScale = scale;
    if (qkx2Min > maxMin) maxMin = qkx2Min;
  }
  const invScale: f32 = maxScale > 0 ? <f32>63 / maxScale : 0;
  const invMin: f32 = maxMin > 0 ? <f32>63 / maxMin : 0;
  const packed = out + 4;
  for (let j = 0; j < 8; j++) {
    const ls = <u32>min(63, nearestInt(invScale * load<f32>(scales + (<usize>j << 2))) & 0xff);
    const lm = <u32>min(63, nearestInt(invMin * load<f32>(mins + (<usize>j << 2))) & 0xff);
    if (j < 4) {
      store<u8>(packed + j, <u8>ls);
      store<u8>(packed + j + 4, <u8>lm);
    } else {
      store<u8>(packed + j + 4, <u8>((ls & 0xf) | ((lm & 0xf) << 4)));
      store<u8>(packed + j - 4, load<u8>(packed + j - 4) | <u8>((ls >> 4) << 6));
      store<u8>(packed + j, load<u8>(packed + j) | <u8>((lm >> 4) << 6));
    }
  }
  const d = halfToFloat(storeHalf(out, maxScale / <f32>63));
  const dmin = halfToFloat(storeHalf(out + 2, maxMin / <f32>63));
  for (let j = 0; j < 8; j++) {
    const sm = scaleMin(packed, j);
    const dj = d * <f32>(sm & 0xff);
    if (dj == 0 || isNaN(dj)) continue; // `if (!d) continue` of the TypeScript reference
    const dm = dmin * <f32>(sm >> 8);
    for (let i = 0; i < 32; i++) {
      const v = load<f32>(x + (<usize>(32 * j + i) << 2));
      store<u8>(L + <usize>(32 * j + i), <u8>clampInt(nearestInt((v + dm) / dj), 0, nmax));
    }
  }
}

function quantizeQ4_K(x: usize, out: usize, scratch: usize): void {
  scaleMinSuperBlock(x, 15, -1, 20, out, scratch);
  const L = scratch + L_OFFSET;
  for (let c: usize = 0; c < 4; c++) {
    for (let l: usize = 0; l < 32; l++) {
      store<u8>(out + 16 + 32 * c + l, load<u8>(L + 64 * c + l) | (load<u8>(L + 64 * c + l + 32) << 4));
    }
  }
}

function quantizeQ5_K(x: usize, out: usize, scratch: usize): void {
  scaleMinSuperBlock(x, 31, -0.5, 15, out, scratch);
  const L = scratch + L_OFFSET;
  const qh = out + 16;
  memory.fill(qh, 0, 32);
  for (let c: usize = 0; c < 4; c++) {
    for (let l: usize = 0; l < 32; l++) {
      const l1 = <u32>load<u8>(L + 64 * c + l), l2 = <u32>load<u8>(L + 64 * c + l + 32);
      let h = <u32>load<u8>(qh + l);
      const shift = <u32>(2 * c);
      if (l1 > 15) h |= 1 << shift;
      if (l2 > 15) h |= 2 << shift;
      store<u8>(qh + l, <u8>h);
      store<u8>(out + 48 + 32 * c + l, <u8>((l1 & 0xf) | ((l2 & 0xf) << 4)));
    }
  }
}

/** make_qx_quants (rmse_type 1, no weights) for 16 values at x: levels + 32 into L, returns the scale. */
function makeQxQuants16(x: usize, L: usize): f32 {
  const nmax = 32;
  let amax: f32 = 0, mx: f32 = 0;
  for (let i: usize = 0; i < 16; i++) {
    const v = load<f32>(x + (i << 2));
    if (f32.abs(v) > amax) { amax = f32.abs(v); mx = v; }
  }
  if (f32.abs(mx) < GROUP_MAX_EPS) {
    memory.fill(L, 0, 16);
    return 0;
  }
  let sumlx: f32 = 0, suml2: f32 = 0;
  fitQx(<f32>-nmax / mx, x, L, true);
  sumlx = fitSumlx; suml2 = fitSuml2;
  let scale: f32 = suml2 != 0 && !isNaN(suml2) ? sumlx / suml2 : 0;
  let best = scale * sumlx;
  for (let is = -9; is <= 9; is++) {
    if (is == 0) continue;
    const iscale = -(<f32>nmax + <f32>0.1 * <f32>is) / mx;
    fitQx(iscale, x, L, false);
    sumlx = fitSumlx; suml2 = fitSuml2;
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      fitQx(iscale, x, L, true);
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

let fitSumlx: f32 = 0;
let fitSuml2: f32 = 0;

/** One trial scale of make_qx_quants: Σ w·x·l and Σ w·l² with w = x² (levels stored when asked). */
// @ts-ignore: decorator
@inline function fitQx(iscale: f32, x: usize, L: usize, keep: bool): void {
  let sumlx: f32 = 0, suml2: f32 = 0;
  for (let i: usize = 0; i < 16; i++) {
    const xi = load<f32>(x + (i << 2));
    const l = clampInt(nearestInt(iscale * xi), -32, 31);
    if (keep) store<u8>(L + i, <u8>(l + 32));
    const w = xi * xi;
    sumlx = sumlx + w * xi * <f32>l;
    suml2 = suml2 + w * <f32>l * <f32>l;
  }
  fitSumlx = sumlx;
  fitSuml2 = suml2;
}

function quantizeQ6_K(x: usize, out: usize, scratch: usize): void {
  const L = scratch + L_OFFSET, scales = scratch + SCALES_OFFSET;
  let maxScale: f32 = 0, maxAbsScale: f32 = 0;
  for (let ib: usize = 0; ib < 16; ib++) {
    const scale = makeQxQuants16(x + (ib << 6), L + (ib << 4));
    store<f32>(scales + (ib << 2), scale);
    if (f32.abs(scale) > maxAbsScale) {
      maxAbsScale = f32.abs(scale);
      maxScale = scale;
    }
  }
  if (maxAbsScale < GROUP_MAX_EPS) {
    memory.fill(out, 0, 210);
    return;
  }
  const iscale = <f32>-128 / maxScale;
  const d = halfToFloat(storeHalf(out + 208, <f32>1 / iscale));
  for (let ib: usize = 0; ib < 16; ib++) store<u8>(out + 192 + ib, <u8>(min(127, nearestInt(iscale * load<f32>(scales + (ib << 2)))) & 0xff));
  for (let j: usize = 0; j < 16; j++) {
    const dj = d * <f32>load<i8>(out + 192 + j);
    if (dj == 0 || isNaN(dj)) continue;
    for (let i: usize = 0; i < 16; i++) {
      store<u8>(L + 16 * j + i, <u8>(clampInt(nearestInt(load<f32>(x + ((16 * j + i) << 2)) / dj), -32, 31) + 32));
    }
  }
  for (let n: usize = 0; n < 2; n++) {
    const ql = out + 64 * n, qh = out + 128 + 32 * n, o = L + 128 * n;
    for (let l: usize = 0; l < 32; l++) {
      const q1 = load<u8>(o + l), q2 = load<u8>(o + l + 32), q3 = load<u8>(o + l + 64), q4 = load<u8>(o + l + 96);
      store<u8>(ql + l, (q1 & 0xf) | ((q3 & 0xf) << 4));
      store<u8>(ql + l + 32, (q2 & 0xf) | ((q4 & 0xf) << 4));
      store<u8>(qh + l, (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
    }
  }
}

/** quantize_row_q8_0_ref for 32 values: d = max|x| / 127, q = roundf(x / d) (halves away from zero). */
function quantizeQ8_0(x: usize, out: usize): void {
  const top = absMax32(x);
  const d = top / <f32>127;
  const id = f32x4.splat(d != 0 && !isNaN(d) ? <f32>1 / d : 0);
  storeHalf(out, d);
  const half = f32x4.splat(0.5), one = f32x4.splat(1), sign = i32x4.splat(0x80000000);
  for (let j: usize = 0; j < 32; j += 8) {
    const lo = roundHalfAway(f32x4.mul(v128.load(x + (j << 2)), id), half, one, sign);
    const hi = roundHalfAway(f32x4.mul(v128.load(x + (j << 2), 16), id), half, one, sign);
    // |q| ≤ 127; a non-finite x·id (id = 1/d overflows for subnormal blocks) becomes 0, as in
    // gguf/q8_0.ts (JavaScript's ToInt32) and x86's conversion of roundf's result to int8.
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(lo, hi), i16x8.splat(0));
    store<u64>(out + 2 + j, i64x2.extract_lane(bytes, 0));
  }
}

/** C roundf (halves away from zero) of 4 floats, as int32; infinities and NaN give 0. */
// @ts-ignore: decorator
@inline function roundHalfAway(v: v128, half: v128, one: v128, sign: v128): v128 {
  const a = f32x4.abs(v);
  const t = f32x4.trunc(a);
  const r = f32x4.add(t, v128.and(f32x4.ge(f32x4.sub(a, t), half), one));
  const finite = f32x4.lt(a, f32x4.splat(Infinity));
  return i32x4.trunc_sat_f32x4_s(v128.and(v128.or(r, v128.and(v, sign)), finite));
}

/**
 * Quantizes `blocks` blocks (32 values for Q8_0, 256 for the K-quants) at src into dst. `scratch`
 * holds quantizeScratchBytes() per thread. Tasks: BLOCKS_PER_TASK blocks each (×8 for Q8_0).
 */
export function quantizeBlocks(type: i32, src: usize, blocks: i32, dst: usize, scratch: usize): void {
  const own = scratch + <usize>threadSlot() * quantizeScratchBytes();
  const q8 = type == TYPE_Q8_0;
  const values: usize = q8 ? 32 : 256;
  const bytes: usize = q8 ? 34 : type == TYPE_Q4_K ? 144 : type == TYPE_Q5_K ? 176 : 210;
  const perTask = q8 ? 8 * BLOCKS_PER_TASK : BLOCKS_PER_TASK;
  const tasks = (blocks + perTask - 1) / perTask;
  for (let t = nextTask(); t < tasks; t = nextTask()) {
    for (let b = t * perTask; b < min(blocks, (t + 1) * perTask); b++) {
      const x = src + <usize>b * values * 4;
      const out = dst + <usize>b * bytes;
      if (q8) quantizeQ8_0(x, out);
      else if (type == TYPE_Q4_K) quantizeQ4_K(x, out, own);
      else if (type == TYPE_Q5_K) quantizeQ5_K(x, out, own);
      else if (type == TYPE_Q6_K) quantizeQ6_K(x, out, own);
      else unreachable();
    }
  }
}
