// The scale searches of ggml's reference K-quant quantizers (ggml-quants.c make_qx_quants,
// make_q3_quants, make_qkx2_quants, nearest_int), ported with float32 rounding after every
// operation (Math.fround) so the chosen scales, and so the bytes, are exactly ggml's. The double
// result of one operation on two float32 values, rounded once to float32, is the float32 result.

const f = Math.fround;

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** ggml nearest_int: the float32 magic-number rounding (ties to even), same bits for any input. */
export function nearestInt(x: number): number {
  scratch[0] = f(x + 12582912);
  return (scratchBits[0] & 0x007fffff) - 0x00400000;
}

/** ggml's GROUP_MAX_EPS: a group whose largest |x| is below this is treated as all zeros. */
export const GROUP_MAX_EPS = f(1e-15);

/** The value of largest magnitude in x[at..at+n) (the first one on ties), sign kept. */
function largestMagnitude(x: Float32Array, at: number, n: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[at + i]);
    if (ax > amax) { amax = ax; max = x[at + i]; }
  }
  return max;
}

/**
 * make_qx_quants for rmse_type 1 without weights (Q6_K): symmetric levels L[i] in [0, 2·nmax) for
 * x[at..at+n), searching 19 scales around nmax/max for the best weighted (x²) fit. Returns the scale.
 */
export function makeQxQuants(n: number, nmax: number, x: Float32Array, at: number, L: Uint8Array, lAt: number): number {
  const max = largestMagnitude(x, at, n);
  if (Math.abs(max) < GROUP_MAX_EPS) {
    L.fill(0, lAt, lAt + n);
    return 0;
  }
  const fit = (iscale: number, store: boolean): [number, number] => {
    let sumlx = 0;
    let suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[at + i];
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
      if (store) L[lAt + i] = l + nmax;
      const w = f(xi * xi);
      sumlx = f(sumlx + f(f(w * xi) * l));
      suml2 = f(suml2 + f(f(w * l) * l));
    }
    return [sumlx, suml2];
  };
  let [sumlx, suml2] = fit(f(-nmax / max), true);
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    const iscale = f(-f(nmax + f(f(0.1) * is)) / max);
    [sumlx, suml2] = fit(iscale, false);
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      fit(iscale, true);
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

/**
 * make_q3_quants with do_rmse (Q3_K): levels in [0, 2·nmax) refined by up to 5 passes of
 * single-level changes that improve the x²-weighted fit. Returns the scale.
 */
export function makeQ3Quants(n: number, nmax: number, x: Float32Array, at: number, L: Int8Array, lAt: number): number {
  const max = largestMagnitude(x, at, n);
  if (Math.abs(max) < GROUP_MAX_EPS) {
    L.fill(0, lAt, lAt + n);
    return 0;
  }
  const iscale = f(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[at + i];
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
    L[lAt + i] = l;
    const w = f(xi * xi);
    sumlx = f(sumlx + f(f(w * xi) * l));
    suml2 = f(suml2 + f(f(w * l) * l));
  }
  for (let itry = 0; itry < 5; itry++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[at + i];
      const li = L[lAt + i];
      const w = f(xi * xi);
      let slx = f(sumlx - f(f(w * xi) * li));
      if (slx > 0) {
        let sl2 = f(suml2 - f(f(w * li) * li));
        const newL = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(f(xi * sl2) / slx))));
        if (newL !== li) {
          slx = f(slx + f(f(w * xi) * newL));
          sl2 = f(sl2 + f(f(w * newL) * newL));
          if (sl2 > 0 && f(f(slx * slx) * suml2) > f(f(sumlx * sumlx) * sl2)) {
            L[lAt + i] = newL;
            sumlx = slx;
            suml2 = sl2;
            changed++;
          }
        }
      }
    }
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) L[lAt + i] += nmax;
  return suml2 > 0 ? f(sumlx / suml2) : 0;
}

export interface ScaleMin {
  scale: number;
  /** The offset to subtract, as ggml returns it (−min, ≥ 0). */
  min: number;
}

/**
 * make_qkx2_quants (Q2_K, Q4_K, Q5_K): asymmetric levels L[i] in [0, nmax] with scale and min,
 * searching nstep+1 scales from (nmax + rmin)/(max − min) in steps of rdelta for the smallest
 * weighted error (squared, or absolute with useMad). Laux is scratch for n levels.
 */
export function makeQkx2Quants(
  n: number, nmax: number, x: Float32Array, at: number, weights: Float32Array,
  L: Uint8Array, lAt: number, Laux: Uint8Array,
  rmin: number, rdelta: number, nstep: number, useMad: boolean,
): ScaleMin {
  let min = x[at];
  let max = x[at];
  let sumW = weights[0];
  let sumX = f(sumW * x[at]);
  for (let i = 1; i < n; i++) {
    const xi = x[at + i];
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i];
    sumW = f(sumW + w);
    sumX = f(sumX + f(w * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lAt, lAt + n);
    return { scale: 0, min: -min };
  }
  const error = (scale: number, offset: number, levels: Uint8Array, levelsAt: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let diff = f(f(f(scale * levels[levelsAt + i]) + offset) - x[at + i]);
      diff = useMad ? Math.abs(diff) : f(diff * diff);
      sum = f(sum + f(weights[i] * diff));
    }
    return sum;
  };
  // ggml updates `min` when it accepts a candidate, and later candidates start from it.
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  for (let i = 0; i < n; i++) L[lAt + i] = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(x[at + i] - min)))));
  let bestError = error(scale, min, L, lAt);
  for (let is = 0; is <= nstep; is++) {
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let sumL = 0, sumL2 = 0, sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[at + i];
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(xi - min)))));
      Laux[i] = l;
      const w = weights[i];
      sumL = f(sumL + f(w * l));
      sumL2 = f(sumL2 + f(f(w * l) * l));
      sumXL = f(sumXL + f(f(w * l) * xi));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (D > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      const curError = error(thisScale, thisMin, Laux, 0);
      if (curError < bestError) {
        L.set(Laux.subarray(0, n), lAt);
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return { scale, min: -min };
}
