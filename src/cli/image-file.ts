import { readFileSync } from 'node:fs';
import { decodeImage } from '../image/decode.ts';
import type { RgbImage } from '../types.ts';
import { describeFsError } from './fs-error.ts';

export function readImageFile(path: string): RgbImage {
  let bytes: Uint8Array;
  try {
    const buffer = readFileSync(path);
    // A plain view: Buffer's own methods (slice shares memory) must not leak into the core.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new Error(`cannot read image ${path}: ${describeFsError(e)}`);
  }
  try {
    return decodeImage(bytes);
  } catch (e) {
    throw new Error(`cannot decode image ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
