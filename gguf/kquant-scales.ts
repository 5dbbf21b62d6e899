// The 6-bit scale/min packing shared by Q4_K and Q5_K (ggml get_scale_min_k4): 12 bytes hold eight
// (scale, min) pairs, one per 32-element sub-block.

/**
 * Unpacks the 12 bytes at src[at..] into scales[0..7] and mins[0..7].
 */
export function unpackScaleMinK4(src: Uint8Array, at: number, scales: Uint8Array, mins: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    scales[j] = src[at + j] & 63;
    mins[j] = src[at + j + 4] & 63;
  }
  for (let j = 4; j < 8; j++) {
    scales[j] = (src[at + j + 4] & 0xf) | ((src[at + j - 4] >> 6) << 4);
    mins[j] = (src[at + j + 4] >> 4) | ((src[at + j] >> 6) << 4);
  }
}
