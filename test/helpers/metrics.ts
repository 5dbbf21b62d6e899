// Parity metrics between an implementation's tensor and a reference tensor, as defined in the
// fixture pack's README §8.
import { expect } from 'vitest';
import { parity, type Parity } from './parity.ts';

export { parity, type Parity };

/** The fixture README's gate for float intermediates: corr ≥ 0.99999, nrmse ≤ 1e-4, max|d| ≤ 2e-3·rms. */
export function expectIntermediate(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): Parity {
  const p = parity(actual, expected);
  expect(p.pearson, `${name} pearson`).toBeGreaterThanOrEqual(0.99999);
  expect(p.nrmse, `${name} nrmse`).toBeLessThanOrEqual(1e-4);
  expect(p.maxAbsOverRms, `${name} max|d|/rms`).toBeLessThanOrEqual(2e-3);
  return p;
}

/**
 * Depth and confidence: corr ≥ 0.999999 and max_rel ≤ 1e-4 (the DA3 gate). Maps clipped at zero
 * (DA2 relative) carry float noise around the clip: they use the README §8 gate, 5e-4.
 */
export function expectDenseOutput(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, maxRel = 1e-4): Parity {
  const p = parity(actual, expected);
  expect(p.pearson, `${name} pearson`).toBeGreaterThanOrEqual(0.999999);
  expect(p.maxRel, `${name} max_rel`).toBeLessThanOrEqual(maxRel);
  return p;
}

export function expectMaxAbs(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(parity(actual, expected).maxAbs, `${name} max|d|`).toBeLessThanOrEqual(tol);
}

/** max_rel as the fixture README defines it: max |a − b| / max(|b|, 1e-3·rms(b)). */
export function expectMaxRel(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(parity(actual, expected).maxRel, `${name} max_rel`).toBeLessThanOrEqual(tol);
}
