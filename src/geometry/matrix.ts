// Small row-major float64 matrix helpers for camera geometry.

/** Inverse of a 3×3 matrix by the adjugate; undefined when it is singular or not finite. */
export function invert3x3(m: ArrayLike<number>): Float64Array | undefined {
  const [a, b, c, d, e, f, g, h, i] = Array.from({ length: 9 }, (_, k) => m[k]!);
  const A = e * i - f * h, B = f * g - d * i, C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || det === 0) return undefined;
  const adjugate = [A, c * h - b * i, b * f - c * e, B, a * i - c * g, c * d - a * f, C, b * g - a * h, a * e - b * d];
  return Float64Array.from(adjugate, (x) => x / det);
}

/** Inverse of the affine map [A | t] (3×4, implicit bottom row 0 0 0 1): [A⁻¹ | −A⁻¹t]. */
export function invertAffine(m: ArrayLike<number>): Float64Array | undefined {
  const inverse = invert3x3([m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!]);
  if (!inverse) return undefined;
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    let t = 0;
    for (let c = 0; c < 3; c++) {
      out[r * 4 + c] = inverse[r * 3 + c]!;
      t -= inverse[r * 3 + c]! * m[c * 4 + 3]!;
    }
    out[r * 4 + 3] = t;
  }
  return out;
}

/** m (3×4 affine) applied to the point (x, y, z), written to out[0..2]. */
export function applyAffine(m: ArrayLike<number>, x: number, y: number, z: number, out: Float64Array): void {
  for (let r = 0; r < 3; r++) out[r] = m[r * 4]! * x + m[r * 4 + 1]! * y + m[r * 4 + 2]! * z + m[r * 4 + 3]!;
}
