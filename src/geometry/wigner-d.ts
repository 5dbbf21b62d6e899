// Rotation of real spherical-harmonic coefficients (degrees 0..2) the way DA3's Gaussian adapter
// does it with e3nn: the 3×3 rotation is moved into e3nn's axis order, split into Y-X-Y Euler
// angles (e3nn `matrix_to_angles`), and each degree l is multiplied by the real Wigner-D matrix
// D_l = Z_l(α)·exp(−β·X_l)·Z_l(γ) (e3nn `wigner_D(l, α, −β, γ)`). Float64, row-major.

/** Highest SH degree with explicit generators here (the DA3 Gaussian head uses 2). */
const MAX_SH_DEGREE = 2;

/** e3nn's generator of rotations about its x axis, per degree (nonzeros only: [row, col, value]). */
const X_GENERATORS: readonly (readonly [number, number, number][])[] = [
  [],
  [[1, 2, -1], [2, 1, 1]],
  [[0, 1, 1], [1, 0, -1], [2, 3, -Math.sqrt(3)], [3, 2, Math.sqrt(3)], [3, 4, -1], [4, 3, 1]],
];

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik !== 0) for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j]!;
    }
  }
  return out;
}

function transpose3(m: ArrayLike<number>): Float64Array {
  return Float64Array.of(m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!);
}

function rotationY(t: number): Float64Array {
  const c = Math.cos(t), s = Math.sin(t);
  return Float64Array.of(c, 0, s, 0, 1, 0, -s, 0, c);
}

function rotationX(t: number): Float64Array {
  const c = Math.cos(t), s = Math.sin(t);
  return Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
}

/** e3nn `matrix_to_angles`: R = Ry(α)·Rx(β)·Ry(γ). */
export function matrixToAngles(R: ArrayLike<number>): [alpha: number, beta: number, gamma: number] {
  // The image of the y axis fixes α and β …
  const norm = Math.hypot(R[1]!, R[4]!, R[7]!);
  const x = R[1]! / norm, y = R[4]! / norm, z = R[7]! / norm;
  const beta = Math.acos(Math.min(1, Math.max(-1, y)));
  const alpha = Math.atan2(x, z);
  // … and what is left after undoing them is a rotation about y by γ.
  const rest = matmul(transpose3(matmul(rotationY(alpha), rotationX(beta), 3)), R, 3);
  return [alpha, beta, Math.atan2(rest[2]!, rest[0]!)];
}

/** exp(t·X) for a small skew-symmetric X (n×n): Taylor series after halving t until ‖tX‖ < 0.5, then squaring back. */
function expm(X: Float64Array, n: number, t: number): Float64Array {
  let norm = 0;
  for (const x of X) norm = Math.max(norm, Math.abs(x));
  let squarings = 0;
  while (Math.abs(t) * norm * n >= 0.5 * 2 ** squarings) squarings++;
  const A = X.map((x) => x * t / 2 ** squarings);
  const out = new Float64Array(n * n);
  let term: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = term[i * n + i] = 1;
  for (let k = 1; k <= 20; k++) {
    term = matmul(term, A, n).map((x) => x / k);
    for (let i = 0; i < out.length; i++) out[i] += term[i]!;
  }
  let result: Float64Array = out;
  for (let s = 0; s < squarings; s++) result = matmul(result, result, n);
  return result;
}

/** Rotation about e3nn's y axis in degree l: Z[k][k] = cos((l−k)θ), Z[k][2l−k] = sin((l−k)θ). */
function zRotation(l: number, theta: number): Float64Array {
  const n = 2 * l + 1;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    out[k * n + (2 * l - k)] = Math.sin((l - k) * theta);
    out[k * n + k] = Math.cos((l - k) * theta); // after the sine: both land on the centre for k = l
  }
  return out;
}

/** The real Wigner-D matrix of degree l ≤ 2, (2l+1)×(2l+1), for e3nn angles (α, β, γ) as DA3 calls it (β negated). */
export function wignerD(l: number, alpha: number, beta: number, gamma: number): Float64Array {
  if (!Number.isInteger(l) || l < 0 || l > MAX_SH_DEGREE) throw new Error(`wigner-d: degree ${l} is not supported (0..${MAX_SH_DEGREE})`);
  const n = 2 * l + 1;
  const X = new Float64Array(n * n);
  for (const [r, c, v] of X_GENERATORS[l]!) X[r * n + c] = v;
  return matmul(matmul(zRotation(l, alpha), expm(X, n, -beta), n), zRotation(l, gamma), n);
}

/**
 * The per-degree SH rotation matrices D_0..D_degree for a rotation R (3×3, row-major, world axes):
 * R is first conjugated into e3nn's axis order (y, z, x), R' = P⁻¹·R·P.
 */
export function shRotation(R: ArrayLike<number>, degree: number): Float64Array[] {
  const P = Float64Array.of(0, 0, 1, 1, 0, 0, 0, 1, 0);
  const [alpha, beta, gamma] = matrixToAngles(matmul(matmul(transpose3(P), R, 3), P, 3));
  return Array.from({ length: degree + 1 }, (_, l) => wignerD(l, alpha, beta, gamma));
}

/** Rotates one colour's (degree + 1)² SH coefficients, sh[offset…], in place by the matrices of `shRotation`. */
export function rotateShInPlace(sh: Float64Array, offset: number, rotation: readonly Float64Array[]): void {
  const tmp = new Float64Array(2 * rotation.length - 1);
  rotation.forEach((D, l) => {
    const n = 2 * l + 1, start = offset + l * l;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += D[i * n + j]! * sh[start + j]!;
      tmp[i] = acc;
    }
    sh.set(tmp.subarray(0, n), start);
  });
}
