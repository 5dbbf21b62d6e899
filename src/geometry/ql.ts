// QL decomposition A = Q·L (Q orthogonal, L lower triangular) of a 3×3 matrix, as DA3's
// `ql_decomposition`: QR of A·P with P the anti-identity, Q = Q̃·P, L = P·R̃·P, then each column
// of Q and row of L multiplied by sign(L_kk) so the diagonal of L is positive (unique result).

type Mat3 = Float64Array; // row-major 3×3

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += a[i * 3 + k] * b[k * 3 + j];
    out[i * 3 + j] = s;
  }
  return out;
}

const ANTI_IDENTITY: Mat3 = Float64Array.of(0, 0, 1, 0, 1, 0, 1, 0, 0);

/** Householder QR of a 3×3 matrix: returns Q (orthogonal) and R (upper triangular). */
export function qr3(a: ArrayLike<number>): { q: Mat3; r: Mat3 } {
  const r = Float64Array.from(a);
  let q: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  for (let k = 0; k < 2; k++) {
    const x = Array.from({ length: 3 - k }, (_, i) => r[(k + i) * 3 + k]); // column k from the diagonal down
    const norm = Math.hypot(...x);
    if (norm === 0) continue;
    const alpha = x[0] >= 0 ? -norm : norm;
    const v = x.slice();
    v[0] -= alpha;
    const vv = v.reduce((s, t) => s + t * t, 0);
    if (vv === 0) continue;
    const h = new Float64Array(9);
    for (let i = 0; i < 3; i++) h[i * 3 + i] = 1;
    for (let i = 0; i < v.length; i++) for (let j = 0; j < v.length; j++) h[(i + k) * 3 + j + k] -= (2 * v[i] * v[j]) / vv;
    r.set(mul(h, r));
    q = mul(q, h);
  }
  return { q, r };
}

export function ql3(a: ArrayLike<number>): { q: Mat3; l: Mat3 } {
  const { q: qt, r: rt } = qr3(mul(Float64Array.from(a), ANTI_IDENTITY));
  const q = mul(qt, ANTI_IDENTITY);
  const l = mul(mul(ANTI_IDENTITY, rt), ANTI_IDENTITY);
  for (let k = 0; k < 3; k++) {
    const s = Math.sign(l[k * 3 + k]);
    for (let i = 0; i < 3; i++) {
      q[i * 3 + k] *= s;
      l[k * 3 + i] *= s;
    }
  }
  return { q, l };
}
