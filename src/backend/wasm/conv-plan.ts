// How the wasm backend splits a convolution into work that fits in cache: which path a conv
// takes (Winograd, direct 1×1 GEMM, banded planes), the band heights, and the tap offsets into
// the banded input planes. Pure arithmetic on shapes, kept apart from the tensor bookkeeping.

/** Scratch budget of one band of convolution input planes (a few output rows, all channels). */
export const PLANE_BAND_BYTES = 2 << 20;
/** A 1×1 conv copies a large input into bands only for this many outputs reusing each copy. */
export const PLANES_MIN_COUT = 16;
/**
 * 3×3 pad-1 stride-1 convs take the Winograd path from this many channels (in and out); below,
 * the transforms and the 16/9 larger packed weight do not pay for themselves. The choice depends
 * on the weight only, never the map size: a weight serves one packing.
 */
export const WINOGRAD_MIN_CHANNELS = 16;
/**
 * Budget of one band's Winograd-transformed inputs and products (per thread): fewer, taller bands
 * rewrite fewer halo rows, which matters at full resolution (64→32 at 336×504: 57 ms, 77 at 1 MiB).
 */
export const WINOGRAD_BAND_BYTES = 4 << 20;
/** Bands per thread at least (when the map is tall enough), so threads finish together. */
export const WINOGRAD_BANDS_PER_THREAD = 4;

/** 3×3, pad 1, stride 1, with enough channels both ways: the Winograd F(2×2, 3×3) path. */
export function takesWinograd(kh: number, kw: number, stride: number, pad: number, cin: number, cout: number): boolean {
  return kh === 3 && kw === 3 && stride === 1 && pad === 1 && Math.min(cin, cout) >= WINOGRAD_MIN_CHANNELS;
}

/** A 1×1 conv run as one GEMM straight over the input (small inputs, or few outputs to reuse a copy). */
export function takesDirect1x1(taps: number, stride: number, pad: number, reluInput: boolean, cin: number, h: number, w: number, cout: number): boolean {
  const direct = cin * h * w * 4 <= PLANE_BAND_BYTES || cout < PLANES_MIN_COUT;
  return taps === 1 && stride === 1 && pad === 0 && !reluInput && direct;
}

export interface PlaneBands {
  /** Input rows a band needs beyond its output rows (per stride phase). */
  extraRows: number;
  /** Samples per plane row. */
  wq: number;
  /** Output rows per band. */
  band: number;
  planeBytes: number;
}

/** Band geometry of the banded-planes path: as many output rows per band as PLANE_BAND_BYTES holds. */
export function planeBands(cin: number, w: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number): PlaneBands {
  const extraRows = Math.floor((kh - 1) / stride);
  const wq = Math.max(Math.ceil((w + 2 * pad) / stride), wo + Math.floor((kw - 1) / stride));
  const band = Math.max(1, Math.min(ho, Math.floor(PLANE_BAND_BYTES / (stride * stride * cin * wq * 4)) - extraRows));
  return { extraRows, wq, band, planeBytes: (band + extraRows) * wq * 4 };
}

/** Byte offset of each kernel tap (ky, kx) into the banded planes (one plane set per stride phase). */
export function tapOffsets(out: Int32Array, kh: number, kw: number, stride: number, cin: number, { planeBytes, wq }: PlaneBands): void {
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const phase = (ky % stride) * stride + (kx % stride);
      out[ky * kw + kx] = phase * cin * planeBytes + Math.floor(ky / stride) * wq * 4 + Math.floor(kx / stride) * 4;
    }
  }
}

/** Winograd band geometry: tiles per row (a multiple of 4) and tile rows per task. */
export function winogradBands(cin: number, cout: number, h: number, w: number, threads: number): { tpr: number; tileRows: number } {
  const tpr = Math.ceil(Math.ceil(w / 2) / 4) * 4;
  const tileRowsTotal = Math.ceil(h / 2);
  const bytesPerTileRow = 16 * (cin + cout) * tpr * 4;
  const tileRows = Math.max(1, Math.min(
    Math.floor(WINOGRAD_BAND_BYTES / bytesPerTileRow),
    Math.ceil(tileRowsTotal / (WINOGRAD_BANDS_PER_THREAD * threads)),
  ));
  return { tpr, tileRows };
}
