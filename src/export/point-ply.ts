// Coloured point cloud → binary PLY (x y z float32, red green blue uint8), the layout every
// point-cloud viewer (MeshLab, CloudCompare, Open3D, Blender) reads.

export interface PlyPoints {
  count: number;
  /** xyz per point. */
  positions: Float32Array;
  /** RGB per point. */
  colors: Uint8Array;
}

export function encodePointPly(points: PlyPoints): Uint8Array {
  const { count, positions, colors } = points;
  if (positions.length < count * 3 || colors.length < count * 3) {
    throw new Error(`point PLY: ${count} points need ${count * 3} coordinates and colours, got ${positions.length} and ${colors.length}`);
  }
  const header = new TextEncoder().encode(
    'ply\nformat binary_little_endian 1.0\n' +
    `element vertex ${count}\n` +
    'property float x\nproperty float y\nproperty float z\n' +
    'property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n',
  );
  const stride = 15;
  const out = new Uint8Array(header.length + count * stride);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < count; i++) {
    const at = i * stride;
    view.setFloat32(at, positions[i * 3]!, true);
    view.setFloat32(at + 4, positions[i * 3 + 1]!, true);
    view.setFloat32(at + 8, positions[i * 3 + 2]!, true);
    view.setUint8(at + 12, colors[i * 3]!);
    view.setUint8(at + 13, colors[i * 3 + 1]!);
    view.setUint8(at + 14, colors[i * 3 + 2]!);
  }
  return out;
}
