// bfloat16 (ggml BF16) codec: the upper half of an f32.

/** Decodes little-endian bf16 data; out.length elements. */
export function dequantizeBF16(src: Uint8Array, out: Float32Array): void {
  // Int32 view: the shifted value is a signed 32-bit int, which stays a small integer in the engine.
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0, o = 0; i < bits.length; i++, o += 2) bits[i] = (src[o] | (src[o + 1] << 8)) << 16;
}

/**
 * Encodes src as little-endian bf16 (ggml_fp32_to_bf16_row_ref): round to nearest even on the
 * upper 16 bits, NaN made quiet. out holds 2 bytes per value.
 */
export function quantizeBF16(src: Float32Array, out: Uint8Array): void {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0, o = 0; i < bits.length; i++, o += 2) {
    const u = bits[i];
    // >>> wraps the sum modulo 2^32 first, like ggml's uint32 arithmetic.
    const h = (u & 0x7fffffff) > 0x7f800000 ? (u >>> 16) | 64 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
    out[o] = h & 0xff;
    out[o + 1] = (h >> 8) & 0xff;
  }
}
