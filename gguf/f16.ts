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

const f32Scratch = new Float32Array(1);
const f32ScratchBits = new Uint32Array(f32Scratch.buffer);

/**
 * The f16 bit pattern nearest to `f` (ggml GGML_FP32_TO_FP16): round to nearest even, overflow to
 * ±inf, NaN to 0x7E00 with the sign kept. `f` is taken as a float32 value.
 */
/** Writes floatToHalf(value) little-endian at out[offset..offset+2). */
export function writeHalf(out: Uint8Array, offset: number, value: number): void {
  const h = floatToHalf(value);
  out[offset] = h & 0xff;
  out[offset + 1] = h >> 8;
}

export function floatToHalf(f: number): number {
  f32Scratch[0] = f;
  const x = f32ScratchBits[0];
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00;
  if (abs >= 0x477ff000) return sign | 0x7c00; // 65520 and above round to infinity
  if (abs < 0x38800000) {
    // Below 2^-14: a subnormal half, i.e. a multiple of 2^-24 (exact in a double), ties to even.
    const v = Math.abs(f32Scratch[0]) * 16777216;
    let r = Math.round(v);
    if (r - v === 0.5 && (r & 1) !== 0) r--;
    return sign | r;
  }
  const rest = abs & 0x1fff;
  // Rebias the exponent (127 -> 15) and keep 10 mantissa bits; a carry rolls into the exponent.
  let h = ((abs - 0x38000000) >>> 13) & 0x7fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) !== 0)) h++;
  return sign | h;
}

/** Encodes src as little-endian f16 (ggml_fp32_to_fp16_row); out holds 2 bytes per value. */
export function quantizeF16(src: Float32Array, out: Uint8Array): void {
  for (let i = 0, o = 0; i < src.length; i++, o += 2) {
    const h = floatToHalf(src[i]);
    out[o] = h & 0xff;
    out[o + 1] = h >> 8;
  }
}
