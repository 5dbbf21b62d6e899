// Parity metrics between an implementation's tensor and a reference tensor, as defined in the
// fixture pack's README §8 (no test-runner imports: bench/parity-report.ts uses them too).

export interface Parity {
  pearson: number;
  maxAbs: number;
  /** ‖a − b‖₂ / ‖b‖₂ */
  nrmse: number;
  /** max |a − b| / max(|b|, 1e-3·rms(b)) */
  maxRel: number;
  /** max |a − b| / rms(b) */
  maxAbsOverRms: number;
}

export function parity(actual: ArrayLike<number>, expected: ArrayLike<number>): Parity {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs reference ${expected.length}`);
  const n = expected.length;
  let ma = 0, mb = 0, sqDiff = 0, sqRef = 0;
  for (let i = 0; i < n; i++) { ma += actual[i]; mb += expected[i]; }
  ma /= n; mb /= n;
  let cov = 0, va = 0, vb = 0, maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i], b = expected[i];
    if (!Number.isFinite(a)) return { pearson: NaN, maxAbs: Infinity, nrmse: Infinity, maxRel: Infinity, maxAbsOverRms: Infinity };
    cov += (a - ma) * (b - mb); va += (a - ma) ** 2; vb += (b - mb) ** 2;
    sqDiff += (a - b) ** 2; sqRef += b * b;
    maxAbs = Math.max(maxAbs, Math.abs(a - b));
  }
  const rms = Math.sqrt(sqRef / n);
  let maxRel = 0;
  for (let i = 0; i < n; i++) maxRel = Math.max(maxRel, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-3 * rms));
  return {
    pearson: va === 0 && vb === 0 ? 1 : cov / Math.sqrt(va * vb),
    maxAbs,
    nrmse: Math.sqrt(sqDiff) / Math.sqrt(sqRef),
    maxRel,
    maxAbsOverRms: maxAbs / rms,
  };
}
