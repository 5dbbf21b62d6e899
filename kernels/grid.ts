// Flat invocation index over a 2-D grid of 1-D workgroups. A dispatch may have at most 65535
// workgroups per dimension, so large elementwise grids are folded into y (see `gridSize` in
// src/backend/webgpu/dispatch.ts) and the flat index is rebuilt here. Every store is guarded
// against the true element count: some drivers clamp out-of-bounds writes instead of dropping them.
export const ELEMENTWISE_WORKGROUP = 256;

export const flatIndexWgsl = /* wgsl */ `
fn flatIndex(wg: vec3u, groups: vec3u, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * ${ELEMENTWISE_WORKGROUP}u + local;
}`;
