// EXIF orientation: read tag 0x0112 from a JPEG's APP1 segment and apply it to decoded pixels.
// (The DA3/DA2 references ignore EXIF; honouring it is this library's choice, on by default.)

import type { RgbImage } from '../types.ts';
import { jpegHeaderSegments } from './jpeg-segments.ts';

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/** The EXIF orientation (1..8) of a JPEG; 1 (as stored) when absent or malformed. */
export function readJpegOrientation(bytes: Uint8Array): number {
  for (const { marker, data } of jpegHeaderSegments(bytes)) {
    if (marker === 0xe1 && isExifHeader(data)) return readTiffOrientation(data.subarray(6));
  }
  return 1;
}

function isExifHeader(d: Uint8Array): boolean {
  // "Exif\0\0"
  return d.length >= 6 && d[0] === 0x45 && d[1] === 0x78 && d[2] === 0x69 && d[3] === 0x66 && d[4] === 0 && d[5] === 0;
}

function readTiffOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  let little: boolean;
  if (tiff[0] === 0x49 && tiff[1] === 0x49) little = true; // "II"
  else if (tiff[0] === 0x4d && tiff[1] === 0x4d) little = false; // "MM"
  else return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd0 = view.getUint32(4, little);
  if (ifd0 + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd0, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + 12 * i;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== TYPE_SHORT) return 1;
    const value = view.getUint16(entry + 8, little); // a single SHORT sits in the value field itself
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/**
 * Transform stored pixels into display orientation: 2 mirror, 3 rotate 180°, 4 flip vertically,
 * 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
 */
export function applyOrientation(img: RgbImage, orientation: number): RgbImage {
  if (!(Number.isInteger(orientation) && orientation >= 1 && orientation <= 8)) {
    throw new Error(`image: EXIF orientation must be an integer 1..8, got ${orientation}`);
  }
  if (orientation === 1) return img;
  const { width: w, height: h, data } = img;
  const swap = orientation >= 5; // 5..8 exchange the axes
  const outW = swap ? h : w;
  const outH = swap ? w : h;
  // Source pixel of display pixel (x, y): sx = ax·x + bx·y + cx, sy = ay·x + by·y + cy.
  const [ax, bx, cx, ay, by, cy] = ({
    2: [-1, 0, w - 1, 0, 1, 0],
    3: [-1, 0, w - 1, 0, -1, h - 1],
    4: [1, 0, 0, 0, -1, h - 1],
    5: [0, 1, 0, 1, 0, 0],
    6: [0, 1, 0, -1, 0, h - 1],
    7: [0, -1, w - 1, -1, 0, h - 1],
    8: [0, -1, w - 1, 1, 0, 0],
  } as Record<number, number[]>)[orientation];
  const out = new Uint8Array(data.length);
  let o = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = ((ay * x + by * y + cy) * w + (ax * x + bx * y + cx)) * 3;
      out[o++] = data[s];
      out[o++] = data[s + 1];
      out[o++] = data[s + 2];
    }
  }
  return { width: outW, height: outH, data: out };
}
