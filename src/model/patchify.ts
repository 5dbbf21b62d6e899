/**
 * [S, 3, H, W] → [S·Np, 3·p·p]: one row per patch (row-major over the patch grid), each patch
 * flattened as (channel, y, x) — the layout of the patch-embed conv weight, so the conv
 * becomes a matrix product.
 */
export function patchify(input: Float32Array, views: number, height: number, width: number, p: number): Float32Array {
  const ph = height / p, pw = width / p;
  if (!Number.isInteger(ph) || !Number.isInteger(pw)) throw new Error(`input ${width}×${height} is not a multiple of the patch size ${p}`);
  const rowLen = 3 * p * p;
  const out = new Float32Array(views * ph * pw * rowLen);
  let o = 0;
  for (let v = 0; v < views; v++) {
    for (let r = 0; r < ph; r++) {
      for (let c = 0; c < pw; c++) {
        for (let ch = 0; ch < 3; ch++) {
          for (let y = 0; y < p; y++) {
            const src = ((v * 3 + ch) * height + r * p + y) * width + c * p;
            out.set(input.subarray(src, src + p), o);
            o += p;
          }
        }
      }
    }
  }
  return out;
}
