// Dequantization and the inverse DCT of libjpeg's accurate integer method (jpeg_idct_islow,
// the Loeffler–Ligtenberg–Moschytz factorization with 13-bit constants; djpeg's default): the
// same operations in the same order, so the samples come out identical. Pass 1 runs over the
// columns (2 extra fraction bits kept), pass 2 over the rows, then the +128 level shift and a
// clamp to 0..255 (what libjpeg-turbo's SIMD code does; its C code wraps only for values no
// valid stream produces).
const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

const workspace = new Int32Array(64);

/**
 * One block: `coefs[off..off+64)` (natural order) times `quant` (natural order) → 8×8 samples
 * written at `out[outOff + y·stride + x]`.
 */
export function idctBlock(coefs: Int16Array, off: number, quant: Uint16Array, out: Uint8Array, outOff: number, stride: number): void {
  const ws = workspace;
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (coefs[i + 8] === 0 && coefs[i + 16] === 0 && coefs[i + 24] === 0 && coefs[i + 32] === 0 && coefs[i + 40] === 0 && coefs[i + 48] === 0 && coefs[i + 56] === 0) {
      const dc = (coefs[i] * quant[c]) << PASS1_BITS;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    // Even part
    let z2 = coefs[i + 16] * quant[c + 16];
    let z3 = coefs[i + 48] * quant[c + 48];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 - z3 * FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = coefs[i] * quant[c];
    z3 = coefs[i + 32] * quant[c + 32];
    let tmp0 = (z2 + z3) << CONST_BITS;
    let tmp1 = (z2 - z3) << CONST_BITS;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    // Odd part
    tmp0 = coefs[i + 56] * quant[c + 56];
    tmp1 = coefs[i + 40] * quant[c + 40];
    tmp2 = coefs[i + 24] * quant[c + 24];
    tmp3 = coefs[i + 8] * quant[c + 8];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    const round = 1 << (CONST_BITS - PASS1_BITS - 1), shift = CONST_BITS - PASS1_BITS;
    ws[c] = (tmp10 + tmp3 + round) >> shift;
    ws[56 + c] = (tmp10 - tmp3 + round) >> shift;
    ws[8 + c] = (tmp11 + tmp2 + round) >> shift;
    ws[48 + c] = (tmp11 - tmp2 + round) >> shift;
    ws[16 + c] = (tmp12 + tmp1 + round) >> shift;
    ws[40 + c] = (tmp12 - tmp1 + round) >> shift;
    ws[24 + c] = (tmp13 + tmp0 + round) >> shift;
    ws[32 + c] = (tmp13 - tmp0 + round) >> shift;
  }
  const round = 1 << (CONST_BITS + PASS1_BITS + 3 - 1), shift = CONST_BITS + PASS1_BITS + 3;
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    // Even part
    let z2 = ws[w + 2], z3 = ws[w + 6];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 - z3 * FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w] + ws[w + 4]) << CONST_BITS;
    let tmp1 = (ws[w] - ws[w + 4]) << CONST_BITS;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    // Odd part
    tmp0 = ws[w + 7];
    tmp1 = ws[w + 5];
    tmp2 = ws[w + 3];
    tmp3 = ws[w + 1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[o] = clamp(((tmp10 + tmp3 + round) >> shift) + 128);
    out[o + 7] = clamp(((tmp10 - tmp3 + round) >> shift) + 128);
    out[o + 1] = clamp(((tmp11 + tmp2 + round) >> shift) + 128);
    out[o + 6] = clamp(((tmp11 - tmp2 + round) >> shift) + 128);
    out[o + 2] = clamp(((tmp12 + tmp1 + round) >> shift) + 128);
    out[o + 5] = clamp(((tmp12 - tmp1 + round) >> shift) + 128);
    out[o + 3] = clamp(((tmp13 + tmp0 + round) >> shift) + 128);
    out[o + 4] = clamp(((tmp13 - tmp0 + round) >> shift) + 128);
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
