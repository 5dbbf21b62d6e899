// bfloat16 (ggml BF16) codec: the upper half of an f32.

/** Decodes little-endian bf16 data; out.length elements. */
export function dequantizeBF16(src: Uint8Array, out: Float32Array): void {
  // Int32 view: the shifted value is a signed 32-bit int, which stays a small integer in the engine.
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0, o = 0; i < bits.length; i++, o += 2) bits[i] = (src[o] | (src[o + 1] << 8)) << 16;
}
