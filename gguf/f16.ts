// IEEE binary16 (ggml F16) codec.

// Int32Array rather than Uint32Array: bit patterns with the sign bit set stay small integers in
// the engine instead of becoming heap doubles, which makes the copy loops several times faster.
let halfToFloatBits: Int32Array | undefined;
let halfToFloatValues: Float32Array | undefined;

/** f32 bit pattern of every f16 bit pattern (exact, incl. subnormals, ±inf and NaN payloads). */
export function halfTable(): Int32Array {
  if (halfToFloatBits) return halfToFloatBits;
  const table = new Int32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 31) {
      table[h] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      table[h] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      table[h] = sign;
    } else {
      // Subnormal: shift the mantissa up until its leading 1 becomes the implicit bit.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      table[h] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  halfToFloatBits = table;
  halfToFloatValues = new Float32Array(table.buffer);
  return table;
}

/** f16 bits -> f32 value, as a lookup table (block scales of the quantized types use this). */
export function halfValues(): Float32Array {
  if (!halfToFloatValues) halfTable();
  return halfToFloatValues!;
}

/** The value of one f16 bit pattern. */
export function halfToFloat(h: number): number {
  return halfValues()[h & 0xffff];
}

/** Decodes little-endian f16 data; out.length elements. Writes bit patterns so NaN payloads survive. */
export function dequantizeF16(src: Uint8Array, out: Float32Array): void {
  const table = halfTable();
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0, o = 0; i < bits.length; i++, o += 2) bits[i] = table[src[o] | (src[o + 1] << 8)];
}
