// Rotation matrix → unit quaternion the way COLMAP's `read_write_model.rotmat2qvec` does it:
// the eigenvector of the largest eigenvalue of a symmetric 4×4 matrix built from R (robust
// even for a slightly non-orthonormal R), in float64.
import { symmetricEigen } from './symmetric-eigen.ts';

/** COLMAP qvec (qw, qx, qy, qz), qw ≥ 0, of the 3×3 rotation R (row-major). */
export function rotationToQvec(R: ArrayLike<number>): [number, number, number, number] {
  const [xx, yx, zx, xy, yy, zy, xz, yz, zz] = Array.from({ length: 9 }, (_, i) => R[i]!);
  // rotmat2qvec's matrix, completed from its lower triangle (numpy.linalg.eigh reads only that).
  const k = [
    xx - yy - zz, yx + xy, zx + xz, yz - zy,
    yx + xy, yy - xx - zz, zy + yz, zx - xz,
    zx + xz, zy + yz, zz - xx - yy, xy - yx,
    yz - zy, zx - xz, xy - yx, xx + yy + zz,
  ].map((x) => x / 3);
  const { vectors } = symmetricEigen(k, 4);
  // Eigenvalues come in ascending order: the largest one's vector is the last column (x, y, z, w).
  const [x, y, z, w] = [0, 1, 2, 3].map((row) => vectors[row * 4 + 3]!);
  const sign = w! < 0 ? -1 : 1;
  return [sign * w!, sign * x!, sign * y!, sign * z!];
}
