// Shared fixture access for the image tests.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { decodeImage } from '../src/image/decode.ts';
import { parseSafetensors, safetensorsToArray } from '../gguf/safetensors.ts';
import type { RgbImage } from '../src/types.ts';

/** A fixture file as a plain Uint8Array (a Node Buffer's slice() would not copy). */
export function readFixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
}

export function loadFixtureImage(path: string): RgbImage {
  return decodeImage(readFixture(path));
}

export function loadSafetensorsArrays(path: string): (name: string) => { shape: number[]; data: ReturnType<typeof safetensorsToArray> } {
  const file = parseSafetensors(readFixture(path));
  return (name) => {
    const t = file.tensors.get(name);
    if (t === undefined) throw new Error(`fixture ${path} has no tensor ${name}`);
    return { shape: t.shape, data: safetensorsToArray(t) };
  };
}

/** Number of differing elements, the largest and the mean absolute difference. */
export function diffStats(a: ArrayLike<number>, b: ArrayLike<number>): { count: number; max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let count = 0, max = 0, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d !== 0) count++;
    if (d > max) max = d;
    sum += d;
  }
  return { count, max, mean: sum / a.length };
}

/** `desk_sq680`: the centre 680×680 crop (columns 172..851) of the decoded desk photo. */
export function deskSquareCrop(desk: RgbImage): RgbImage {
  const side = 680, left = 172;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    data.set(desk.data.subarray((y * desk.width + left) * 3, (y * desk.width + left + side) * 3), y * side * 3);
  }
  return { width: side, height: side, data };
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Same size and identical bytes (a plain loop: deep equality on large arrays is slow). */
export function expectSameImage(actual: RgbImage, expected: RgbImage): void {
  expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
  const d = diffStats(actual.data, expected.data);
  expect({ differing: d.count, maxDiff: d.max }).toEqual({ differing: 0, maxDiff: 0 });
}
