// Pose encoding → camera matrices (DA3 `pose_encoding_to_extri_intri` + `affine_inverse`),
// in float64.

export interface Camera {
  /** 3×4 world-to-camera, row-major. */
  extrinsics: Float64Array;
  /** 3×3 intrinsics in pixels, row-major. */
  intrinsics: Float64Array;
}

/** Rotation from an unnormalized quaternion (x, y, z, w), s = 2/|q|². */
export function quaternionToMatrix(x: number, y: number, z: number, w: number): number[] {
  const s = 2 / (x * x + y * y + z * z + w * w);
  return [
    1 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w),
    s * (x * y + z * w), 1 - s * (x * x + z * z), s * (y * z - x * w),
    s * (x * z - y * w), s * (y * z + x * w), 1 - s * (x * x + y * y),
  ];
}

/** Inverse of a rigid 3×4 [R | t]: [Rᵀ | −Rᵀt]. */
export function invertRigid(R: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const out = new Float64Array(12);
  for (let i = 0; i < 3; i++) {
    let tt = 0;
    for (let j = 0; j < 3; j++) {
      out[i * 4 + j] = R[j * 3 + i];
      tt -= R[j * 3 + i] * t[j];
    }
    out[i * 4 + 3] = tt;
  }
  return out;
}

/** enc = [t (3), q xyzw (4), fov_h, fov_w]; image size in processed pixels. */
export function poseEncodingToCamera(enc: ArrayLike<number>, height: number, width: number): Camera {
  const R = quaternionToMatrix(enc[3], enc[4], enc[5], enc[6]);
  const extrinsics = invertRigid(R, [enc[0], enc[1], enc[2]]);
  const fy = height / 2 / Math.max(Math.tan(enc[7] / 2), 1e-6);
  const fx = width / 2 / Math.max(Math.tan(enc[8] / 2), 1e-6);
  const intrinsics = Float64Array.of(fx, 0, width / 2, 0, fy, height / 2, 0, 0, 1);
  return { extrinsics, intrinsics };
}
