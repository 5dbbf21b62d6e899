// DA3's GaussianAdapter (`infer_gs`): the GS head's raw per-pixel parameters, the predicted depth
// and camera → world-space 3D Gaussians, one per pixel. Float64 throughout (like
// depth-anything.cpp), stored as float32.
//
// Raw channels per pixel (37): 0..1 xy offset, 2..4 scale logits, 5..8 quaternion, 9..35 SH
// (3 colours × 9, colour-major), 36 depth offset; logit 37 is the confidence.

import { quaternionToMatrix, type Camera } from './camera.ts';
import { invert3x3, invertAffine } from './matrix.ts';
import { rotateShInPlace, shRotation } from './wigner-d.ts';
import type { Gaussians } from '../types.ts';

export const GS_SH_DEGREE = 2;
const SH_COEFFS = (GS_SH_DEGREE + 1) ** 2;
/** Channels of the GS head: 37 raw Gaussian parameters + the confidence logit. */
export const GS_HEAD_CHANNELS = 2 + 3 + 4 + 3 * SH_COEFFS + 1 + 1;
const SCALE_MIN = 1e-5, SCALE_MAX = 30;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Rotation matrix → quaternion as DA3's `mat_to_quat`: scalar last (x, y, z, w), the sign chosen
 * so that w ≥ 0. Built from the best-conditioned of the four candidate formulas.
 */
export function matrixToQuaternionXyzw(m: ArrayLike<number>): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = Array.from({ length: 9 }, (_, k) => m[k]!);
  const abs = [1 + m00 + m11 + m22, 1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22].map((x) => Math.sqrt(Math.max(0, x)));
  const best = abs.indexOf(Math.max(...abs));
  const rijk = [
    [abs[0]! ** 2, m21 - m12, m02 - m20, m10 - m01],
    [m21 - m12, abs[1]! ** 2, m10 + m01, m02 + m20],
    [m02 - m20, m10 + m01, abs[2]! ** 2, m12 + m21],
    [m10 - m01, m20 + m02, m21 + m12, abs[3]! ** 2],
  ][best]!.map((x) => x / (2 * Math.max(abs[best]!, 0.1)));
  const sign = rijk[0]! < 0 ? -1 : 1;
  return [sign * rijk[1]!, sign * rijk[2]!, sign * rijk[3]!, sign * rijk[0]!];
}

/**
 * World Gaussians of one view from its GS head logits [38, H·W] (channel-major, as downloaded),
 * its depth [H·W] and its predicted camera (world→camera extrinsics, intrinsics in pixels).
 */
export function gaussiansFromHead(logits: Float32Array, depth: Float32Array, camera: Camera, height: number, width: number): Gaussians {
  const n = height * width;
  if (logits.length !== GS_HEAD_CHANNELS * n) throw new Error(`gaussians: head logits have ${logits.length} values, expected ${GS_HEAD_CHANNELS}×${height}×${width}`);
  if (depth.length !== n) throw new Error(`gaussians: depth has ${depth.length} values, expected ${height}×${width}`);
  const c2w = invertAffine(camera.extrinsics);
  // K normalized to unit image size (row 0 / W, row 1 / H).
  const Kn = Float64Array.from(camera.intrinsics, (x, i) => (i < 3 ? x / width : i < 6 ? x / height : x));
  const KnInv = invert3x3(Kn);
  if (!c2w || !KnInv) throw new Error('gaussians: the camera extrinsics or intrinsics are singular');
  const Rc = [c2w[0]!, c2w[1]!, c2w[2]!, c2w[4]!, c2w[5]!, c2w[6]!, c2w[8]!, c2w[9]!, c2w[10]!];
  // Pixel footprint: 0.1·Σ(Kn[:2,:2]⁻¹·(1/W, 1/H)) (= 0.1·(1/fx + 1/fy) without skew).
  const det2 = Kn[0]! * Kn[4]! - Kn[1]! * Kn[3]!;
  const footprint = 0.1 * ((Kn[4]! / width - Kn[1]! / height) + (-Kn[3]! / width + Kn[0]! / height)) / det2;
  const shRot = shRotation(Rc, GS_SH_DEGREE);
  // Degree l ≥ 1 damped by 0.1·0.25^l (1 / 0.025 / 0.00625).
  const shMask = Array.from({ length: SH_COEFFS }, (_, k) => {
    const l = Math.floor(Math.sqrt(k));
    return l === 0 ? 1 : 0.1 * 0.25 ** l;
  });

  const means = new Float32Array(3 * n), scales = new Float32Array(3 * n), rotations = new Float32Array(4 * n);
  const harmonics = new Float32Array(3 * SH_COEFFS * n), opacities = new Float32Array(n);
  const sh = new Float64Array(3 * SH_COEFFS), Rw = new Float64Array(9);
  const raw = (c: number, p: number) => logits[c * n + p]!;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const distance = depth[p]! + raw(36, p);
      // Unit ray through the offset pixel centre; depth is a distance along it.
      const u = (x + 0.5) / width + raw(0, p) / width, v = (y + 0.5) / height + raw(1, p) / height;
      const cx = KnInv[0]! * u + KnInv[1]! * v + KnInv[2]!;
      const cy = KnInv[3]! * u + KnInv[4]! * v + KnInv[5]!;
      const cz = KnInv[6]! * u + KnInv[7]! * v + KnInv[8]!;
      const len = Math.hypot(cx, cy, cz);
      for (let r = 0; r < 3; r++) {
        means[3 * p + r] = c2w[4 * r + 3]! + (Rc[3 * r]! * cx + Rc[3 * r + 1]! * cy + Rc[3 * r + 2]! * cz) / len * distance;
        scales[3 * p + r] = (SCALE_MIN + (SCALE_MAX - SCALE_MIN) * sigmoid(raw(2 + r, p))) * distance * footprint;
      }

      // Upstream relabels the head's "xyzw" quaternion (a, b, c, d) as wxyz = (d, a, b, c) and
      // then reads that with its scalar-last quat_to_mat: x = d, y = a, z = b, w = c.
      const a = raw(5, p), b = raw(6, p), c = raw(7, p), d = raw(8, p);
      const qn = Math.hypot(a, b, c, d) + 1e-8;
      const Rq = quaternionToMatrix(d / qn, a / qn, b / qn, c / qn);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) Rw[3 * i + j] = Rc[3 * i]! * Rq[j]! + Rc[3 * i + 1]! * Rq[3 + j]! + Rc[3 * i + 2]! * Rq[6 + j]!;
      rotations.set(matrixToQuaternionXyzw(Rw), 4 * p);

      for (let i = 0; i < sh.length; i++) sh[i] = raw(9 + i, p) * shMask[i % SH_COEFFS]!;
      for (let colour = 0; colour < 3; colour++) rotateShInPlace(sh, colour * SH_COEFFS, shRot);
      harmonics.set(sh, 3 * SH_COEFFS * p);
      // map_pdf_to_opacity at step 0 is the identity: 0.5·(1 − (1 − p) + p) = p.
      opacities[p] = sigmoid(raw(37, p));
    }
  }
  return { count: n, shDegree: GS_SH_DEGREE, means, scales, rotations, harmonics, opacities };
}
