// Decode JPEG (our libjpeg-turbo-exact decoder, src/image/jpeg/) or PNG (fast-png) bytes to
// interleaved 8-bit RGB, the reference's `convert("RGB")` semantics: gray replicated, alpha
// dropped without compositing, palette expanded, 16-bit samples reduced to their high byte.

import { decode as decodePngPixels, convertIndexedToRgb } from 'fast-png';
import type { DecodedPng } from 'fast-png';
import type { RgbImage } from '../types.ts';
import { applyOrientation, readJpegOrientation } from './exif.ts';
import { jpegFrameSize } from './jpeg-segments.ts';
import { decodeJpeg as decodeJpegPixels } from './jpeg/decode-jpeg.ts';
import { checkImageSize } from './limits.ts';

export interface DecodeOptions {
  /** Rotate/flip JPEGs per their EXIF orientation tag (default true; the PyTorch reference does not). */
  applyExifOrientation?: boolean;
  /** Refuse images of more pixels than this, from their header, before decoding (at most the library's MAX_IMAGE_PIXELS). */
  maxPixels?: number;
}

export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage {
  if (bytes.length === 0) throw new Error('image: input is empty (0 bytes)');
  if (isPng(bytes)) return decodePng(bytes, options.maxPixels);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const img = decodeJpeg(bytes, options.maxPixels);
    return options.applyExifOrientation === false ? img : applyOrientation(img, readJpegOrientation(bytes));
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`image: unrecognised format (expected JPEG or PNG), first bytes: ${head}`);
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function decodeJpeg(bytes: Uint8Array, maxPixels: number | undefined): RgbImage {
  const size = jpegFrameSize(bytes);
  if (size === undefined) throw new Error('image: JPEG has no frame header (SOF) before its first scan; truncated or corrupt');
  checkImageSize('image: JPEG', size.width, size.height, maxPixels);
  try {
    return decodeJpegPixels(bytes);
  } catch (e) {
    throw new Error(`image: corrupt, truncated or unsupported JPEG (${reason(e)})`);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function decodePng(bytes: Uint8Array, maxPixels: number | undefined): RgbImage {
  // IHDR must be the first chunk: length 13, "IHDR", then big-endian width and height.
  if (bytes.length < 33 || bytes[12] !== 0x49 || bytes[13] !== 0x48 || bytes[14] !== 0x44 || bytes[15] !== 0x52) {
    throw new Error('image: PNG is truncated or corrupt (no IHDR chunk)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkImageSize('image: PNG', view.getUint32(16), view.getUint32(20), maxPixels);
  let png: DecodedPng;
  try {
    png = decodePngPixels(bytes, { checkCrc: true });
  } catch (e) {
    throw new Error(`image: corrupt, truncated or unsupported PNG (${reason(e)})`);
  }
  const { width, height } = png;
  if (png.palette !== undefined) {
    const rgb = convertIndexedToRgb(png);
    return { width, height, data: dropAlpha(rgb, png.palette[0].length, width * height) };
  }
  const samples = toEightBit(png, width);
  if (samples.length !== width * height * png.channels) {
    throw new Error(`image: PNG pixel data is incomplete (${samples.length} of ${width * height * png.channels} samples)`);
  }
  return { width, height, data: expandToRgb(samples, png.channels, width * height) };
}

/** 8-bit samples: 16-bit keeps the high byte, 1/2/4-bit gray is unpacked and scaled to 0..255. */
function toEightBit(png: DecodedPng, width: number): Uint8Array {
  const { data, depth, channels } = png;
  if (depth === 8) return data as Uint8Array;
  if (depth === 16) return Uint8Array.from(data as Uint16Array, (v) => v >> 8);
  // Sub-byte depths only exist for gray (channels 1); rows are padded to whole bytes.
  const packed = data as Uint8Array;
  const rowBytes = Math.ceil((width * depth) / 8);
  const height = Math.floor(packed.length / rowBytes);
  const out = new Uint8Array(width * height * channels);
  const max = (1 << depth) - 1;
  const scale = 255 / max;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & max) * scale;
    }
  }
  return out;
}

function expandToRgb(samples: Uint8Array, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return samples;
  if (channels === 4) return dropAlpha(samples, 4, pixels);
  // Gray (1) or gray + alpha (2): replicate gray, drop alpha.
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const g = samples[i * channels];
    out[3 * i] = g;
    out[3 * i + 1] = g;
    out[3 * i + 2] = g;
  }
  return out;
}

function dropAlpha(samples: Uint8Array, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return samples;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[3 * i] = samples[channels * i];
    out[3 * i + 1] = samples[channels * i + 1];
    out[3 * i + 2] = samples[channels * i + 2];
  }
  return out;
}
