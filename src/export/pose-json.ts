// Camera pose JSON exactly as depth-anything.cpp's `write_pose_json` prints it: float32 values
// through printf("%.8g"), fixed indentation, trailing newline.
import { formatG } from '../format/printf.ts';

/** The C++ stores pose values as float and prints them with %.8g. */
function formatFloat(value: number): string {
  return formatG(Math.fround(value), 8);
}

function matrixRows(values: ArrayLike<number>, rows: number, cols: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(formatFloat(values[r * cols + c]!));
    lines.push(`    [${row.join(', ')}]${r < rows - 1 ? ',' : ''}\n`);
  }
  return lines.join('');
}

/** `extrinsics`: 3×4 world-to-camera, row-major; `intrinsics`: 3×3, row-major. */
export function formatPoseJson(extrinsics: ArrayLike<number>, intrinsics: ArrayLike<number>): string {
  if (extrinsics.length !== 12) throw new Error(`pose JSON: extrinsics need 12 values, got ${extrinsics.length}`);
  if (intrinsics.length !== 9) throw new Error(`pose JSON: intrinsics need 9 values, got ${intrinsics.length}`);
  return (
    '{\n  "extrinsics": [\n' +
    matrixRows(extrinsics, 3, 4) +
    '  ],\n  "intrinsics": [\n' +
    matrixRows(intrinsics, 3, 3) +
    '  ]\n}\n'
  );
}
