import { describe, expect, it } from 'vitest';
import { formatPoseJson } from '../src/export/pose-json.ts';

describe('formatPoseJson', () => {
  // Expected text printed by the C++ code path (float arrays through fprintf %.8g), compiled with gcc.
  it('prints the exact depth-anything.cpp text, float32 values through %.8g', () => {
    const extrinsics = new Float64Array([
      1, -0, 0.123456789, 1e-5,
      -0.5, 0.99999994, 2.5e-8, -123.456789,
      0, 0, 1, 100000000,
    ]);
    const intrinsics = new Float64Array([403.12345678, 0, 252, 0, 401.9, 168, 0, 0, 1]);
    expect(formatPoseJson(extrinsics, intrinsics)).toBe(
      '{\n' +
        '  "extrinsics": [\n' +
        '    [1, -0, 0.12345679, 9.9999997e-06],\n' + // 1e-5 as float32 is 9.99999975e-06
        '    [-0.5, 0.99999994, 2.5e-08, -123.45679],\n' +
        '    [0, 0, 1, 1e+08]\n' +
        '  ],\n' +
        '  "intrinsics": [\n' +
        '    [403.12344, 0, 252],\n' + // 403.12345678 as float32 is 403.123443603…
        '    [0, 401.89999, 168],\n' + // 401.9 as float32 is 401.899993896…
        '    [0, 0, 1]\n' +
        '  ]\n' +
        '}\n',
    );
  });

  it('is valid JSON for finite values', () => {
    const text = formatPoseJson(new Array(12).fill(0.25), new Array(9).fill(3));
    expect(JSON.parse(text)).toEqual({ extrinsics: [[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]], intrinsics: [[3, 3, 3], [3, 3, 3], [3, 3, 3]] });
  });

  it('rejects matrices of the wrong size', () => {
    expect(() => formatPoseJson(new Float64Array(9), new Float64Array(9))).toThrow(/extrinsics need 12 values, got 9/);
    expect(() => formatPoseJson(new Float64Array(12), new Float64Array(12))).toThrow(/intrinsics need 9 values, got 12/);
  });
});
