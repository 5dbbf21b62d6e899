// Chroma upsampling as libjpeg-turbo does it with its default fancy upsampling (jdsample.c):
// triangle filters for 2:1 horizontal (h2v1), 2:1 vertical (h1v2) and 2:1 both ways (h2v2), with
// their exact rounding biases and edge rules (the first/last column and the row above/below the
// image repeat the edge samples); box replication when a plane is ≤ 2 samples wide (h2v1/h2v2),
// and plain replication for every other integral ratio (4:1:1 and the like).
import { JpegError } from './jpeg-error.ts';

export interface Plane {
  data: Uint8Array;
  /** Samples per stored row (≥ width: block padding). */
  stride: number;
  /** Samples of image data. */
  width: number;
  height: number;
}

/** `plane` upsampled by (hf, vf) to width × height (cropped), as a dense width-stride plane. */
export function upsample(plane: Plane, hf: number, vf: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (hf === 1 && vf === 1) {
    for (let y = 0; y < height; y++) out.set(plane.data.subarray(y * plane.stride, y * plane.stride + width), y * width);
  } else if (hf === 2 && vf === 1 && plane.width > 2) {
    fancyH2V1(plane, out, width, height);
  } else if (hf === 1 && vf === 2) {
    fancyH1V2(plane, out, width, height);
  } else if (hf === 2 && vf === 2 && plane.width > 2) {
    fancyH2V2(plane, out, width, height);
  } else {
    replicate(plane, hf, vf, out, width, height);
  }
  return out;
}

/** The row of image data nearest to `y` (rows past the edges repeat the edge row, as libjpeg's context rows do). */
function rowStart(plane: Plane, y: number): number {
  return Math.min(Math.max(y, 0), plane.height - 1) * plane.stride;
}

function fancyH2V1(plane: Plane, out: Uint8Array, width: number, height: number): void {
  const row = new Uint8Array(plane.width * 2);
  const src = plane.data, n = plane.width;
  for (let y = 0; y < height; y++) {
    const p = rowStart(plane, y);
    let v = src[p];
    row[0] = v;
    row[1] = (v * 3 + src[p + 1] + 2) >> 2;
    for (let i = 1; i < n - 1; i++) {
      v = src[p + i] * 3;
      row[2 * i] = (v + src[p + i - 1] + 1) >> 2;
      row[2 * i + 1] = (v + src[p + i + 1] + 2) >> 2;
    }
    v = src[p + n - 1];
    row[2 * n - 2] = (v * 3 + src[p + n - 2] + 1) >> 2;
    row[2 * n - 1] = v;
    out.set(row.subarray(0, width), y * width);
  }
}

function fancyH1V2(plane: Plane, out: Uint8Array, width: number, height: number): void {
  const src = plane.data;
  for (let y = 0; y < height; y++) {
    const inRow = y >> 1, below = (y & 1) === 1;
    const p0 = rowStart(plane, inRow), p1 = rowStart(plane, below ? inRow + 1 : inRow - 1);
    const bias = below ? 2 : 1, o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = (src[p0 + x] * 3 + src[p1 + x] + bias) >> 2;
  }
}

function fancyH2V2(plane: Plane, out: Uint8Array, width: number, height: number): void {
  const src = plane.data, n = plane.width;
  const row = new Uint8Array(2 * n);
  const sums = new Int32Array(n);
  for (let y = 0; y < height; y++) {
    const inRow = y >> 1, below = (y & 1) === 1;
    const p0 = rowStart(plane, inRow), p1 = rowStart(plane, below ? inRow + 1 : inRow - 1);
    for (let i = 0; i < n; i++) sums[i] = src[p0 + i] * 3 + src[p1 + i];
    row[0] = (sums[0] * 4 + 8) >> 4;
    row[1] = (sums[0] * 3 + sums[1] + 7) >> 4;
    for (let i = 1; i < n - 1; i++) {
      row[2 * i] = (sums[i] * 3 + sums[i - 1] + 8) >> 4;
      row[2 * i + 1] = (sums[i] * 3 + sums[i + 1] + 7) >> 4;
    }
    row[2 * n - 2] = (sums[n - 1] * 3 + sums[n - 2] + 8) >> 4;
    row[2 * n - 1] = (sums[n - 1] * 4 + 7) >> 4;
    out.set(row.subarray(0, width), y * width);
  }
}

function replicate(plane: Plane, hf: number, vf: number, out: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(hf) || !Number.isInteger(vf)) throw new JpegError(`sampling ratio ${hf}x${vf} is not supported`);
  const src = plane.data;
  for (let y = 0; y < height; y++) {
    const p = Math.floor(y / vf) * plane.stride, o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = src[p + Math.floor(x / hf)];
  }
}
