// Color conversion to interleaved RGB, in libjpeg's fixed-point arithmetic (jdcolor.c: 16-bit
// fractions, tables built with FIX(x) = round(x·2¹⁶)). CMYK and YCCK (Adobe) end as Pillow's
// convert("RGB") makes them: libjpeg's CMYK values inverted (Pillow reads them as "CMYK;I",
// Adobe's convention), then r = (255 − k) − (255 − k)·c / 255 with Pillow's rounding.
const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number) => Math.round(x * (1 << SCALEBITS));

const crR = new Int32Array(256), cbB = new Int32Array(256), crG = new Int32Array(256), cbG = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  crR[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  cbB[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  crG[i] = -fix(0.71414) * x;
  cbG[i] = -fix(0.34414) * x + ONE_HALF;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

export function ycbcrToRgb(y: Uint8Array, cb: Uint8Array, cr: Uint8Array, out: Uint8Array): void {
  for (let i = 0, o = 0; i < y.length; i++, o += 3) {
    const l = y[i], b = cb[i], r = cr[i];
    out[o] = clamp(l + crR[r]);
    out[o + 1] = clamp(l + ((cbG[b] + crG[r]) >> SCALEBITS));
    out[o + 2] = clamp(l + cbB[b]);
  }
}

export function planesToRgb(r: Uint8Array, g: Uint8Array, b: Uint8Array, out: Uint8Array): void {
  for (let i = 0, o = 0; i < r.length; i++, o += 3) {
    out[o] = r[i];
    out[o + 1] = g[i];
    out[o + 2] = b[i];
  }
}

export function grayToRgb(y: Uint8Array, out: Uint8Array): void {
  for (let i = 0, o = 0; i < y.length; i++, o += 3) out[o] = out[o + 1] = out[o + 2] = y[i];
}

/** Pillow's MULDIV255: a·b/255 rounded, without a division. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** libjpeg CMYK planes (YCCK already converted by `ycckToCmyk`) → RGB as Pillow. */
export function cmykToRgb(c: Uint8Array, m: Uint8Array, y: Uint8Array, k: Uint8Array, out: Uint8Array): void {
  for (let i = 0, o = 0; i < c.length; i++, o += 3) {
    const nk = k[i]; // 255 − inverted k
    out[o] = clamp(nk - mulDiv255(255 - c[i], nk));
    out[o + 1] = clamp(nk - mulDiv255(255 - m[i], nk));
    out[o + 2] = clamp(nk - mulDiv255(255 - y[i], nk));
  }
}

/** libjpeg's ycck_cmyk_convert, in place on the first three planes (K passes through). */
export function ycckToCmyk(y: Uint8Array, cb: Uint8Array, cr: Uint8Array): void {
  for (let i = 0; i < y.length; i++) {
    const l = y[i], b = cb[i], r = cr[i];
    y[i] = clamp(255 - (l + crR[r]));
    cb[i] = clamp(255 - (l + ((cbG[b] + crG[r]) >> SCALEBITS)));
    cr[i] = clamp(255 - (l + cbB[b]));
  }
}
