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
/** The 1-D transform's 8 results, before the pass's descaling (out[i] and out[7 − i] pair up). */
const butterfly = new Int32Array(8);

/**
 * One 1-D inverse DCT of jpeg_idct_islow on inputs d0..d7 (already dequantized in pass 1,
 * workspace values in pass 2): the even part on 0, 2, 4, 6 and the odd part on 1, 3, 5, 7,
 * the same multiplications and additions in the same order as libjpeg. Results in `butterfly`,
 * scaled by 2^CONST_BITS.
 */
function transform(d0: number, d1: number, d2: number, d3: number, d4: number, d5: number, d6: number, d7: number): void {
  // Even part
  let z1 = (d2 + d6) * FIX_0_541196100;
  let tmp2 = z1 - d6 * FIX_1_847759065;
  let tmp3 = z1 + d2 * FIX_0_765366865;
  let tmp0 = (d0 + d4) << CONST_BITS;
  let tmp1 = (d0 - d4) << CONST_BITS;
  const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
  // Odd part
  tmp0 = d7;
  tmp1 = d5;
  tmp2 = d3;
  tmp3 = d1;
  z1 = tmp0 + tmp3;
  let z2 = tmp1 + tmp2;
  let z3 = tmp0 + tmp2;
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
  const b = butterfly;
  b[0] = tmp10 + tmp3; b[7] = tmp10 - tmp3;
  b[1] = tmp11 + tmp2; b[6] = tmp11 - tmp2;
  b[2] = tmp12 + tmp1; b[5] = tmp12 - tmp1;
  b[3] = tmp13 + tmp0; b[4] = tmp13 - tmp0;
}

/**
 * One block: `coefs[off..off+64)` (natural order) times `quant` (natural order) → 8×8 samples
 * written at `out[outOff + y·stride + x]`.
 */
export function idctBlock(coefs: Int16Array, off: number, quant: Uint16Array, out: Uint8Array, outOff: number, stride: number): void {
  const ws = workspace, b = butterfly;
  // Pass 1: columns, keeping PASS1_BITS extra fraction bits.
  const round1 = 1 << (CONST_BITS - PASS1_BITS - 1), shift1 = CONST_BITS - PASS1_BITS;
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (coefs[i + 8] === 0 && coefs[i + 16] === 0 && coefs[i + 24] === 0 && coefs[i + 32] === 0 && coefs[i + 40] === 0 && coefs[i + 48] === 0 && coefs[i + 56] === 0) {
      const dc = (coefs[i]! * quant[c]!) << PASS1_BITS;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    transform(coefs[i]! * quant[c]!, coefs[i + 8]! * quant[c + 8]!, coefs[i + 16]! * quant[c + 16]!, coefs[i + 24]! * quant[c + 24]!,
      coefs[i + 32]! * quant[c + 32]!, coefs[i + 40]! * quant[c + 40]!, coefs[i + 48]! * quant[c + 48]!, coefs[i + 56]! * quant[c + 56]!);
    for (let r = 0; r < 8; r++) ws[r * 8 + c] = (b[r]! + round1) >> shift1;
  }
  // Pass 2: rows, then the level shift and the clamp.
  const round2 = 1 << (CONST_BITS + PASS1_BITS + 3 - 1), shift2 = CONST_BITS + PASS1_BITS + 3;
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    transform(ws[w]!, ws[w + 1]!, ws[w + 2]!, ws[w + 3]!, ws[w + 4]!, ws[w + 5]!, ws[w + 6]!, ws[w + 7]!);
    for (let x = 0; x < 8; x++) out[o + x] = clamp(((b[x]! + round2) >> shift2) + 128);
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
