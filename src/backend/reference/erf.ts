// erf in float64, accurate to ~1e-13: the Maclaurin series converges quickly for |z| < 4, and
// beyond that 1 − |erf(z)| < 1.6e-8, below half a float32 ulp of 1, so ±1 is exact for GELU.
export function erf(z: number): number {
  const a = Math.abs(z);
  if (a >= 4) return Math.sign(z);
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 80; n++) {
    term *= -z2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** GELU with the exact erf form, as nn.GELU() computes it. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}
