// Weighted DLT homography dst ≅ H·[x, y, 1] (DA3 `find_homography_least_squares_weighted_torch`):
// each point contributes two rows scaled by √w; h is the right singular vector of the smallest
// singular value, found here as the smallest eigenvector of AᵀA in float64; H is scaled so
// H[2][2] = 1.

import { symmetricEigen } from './symmetric-eigen.ts';

/** src, dst: interleaved (x, y) pairs; idx selects the points used. Returns H row-major. */
export function weightedHomography(src: ArrayLike<number>, dst: ArrayLike<number>, w: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  if (idx.length < 4) throw new Error(`homography: needs at least 4 points, got ${idx.length}`);
  const ata = new Float64Array(81);
  const row = new Float64Array(9);
  const accumulate = () => {
    for (let i = 0; i < 9; i++) {
      if (row[i] === 0) continue;
      for (let j = 0; j < 9; j++) ata[i * 9 + j] += row[i] * row[j];
    }
  };
  for (let k = 0; k < idx.length; k++) {
    const n = idx[k];
    const s = Math.sqrt(w[n]);
    const x = src[2 * n], y = src[2 * n + 1], u = dst[2 * n], v = dst[2 * n + 1];
    row.set([-x * s, -y * s, -s, 0, 0, 0, x * u * s, y * u * s, u * s]);
    accumulate();
    row.set([0, 0, 0, -x * s, -y * s, -s, x * v * s, y * v * s, v * s]);
    accumulate();
  }
  const { vectors } = symmetricEigen(ata, 9);
  const h = Float64Array.from({ length: 9 }, (_, i) => vectors[i * 9]);
  return h.map((x) => x / h[8]);
}
