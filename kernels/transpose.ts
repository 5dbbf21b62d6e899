// [M, N] → [N, M] through a 16×17 workgroup tile (the padding column avoids bank conflicts), so
// both the reads and the writes are contiguous across a row of invocations.
export const TRANSPOSE_TILE = 16;

export const transposeShader = /* wgsl */ `
struct Params { M: u32, N: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> tile: array<f32, ${TRANSPOSE_TILE * (TRANSPOSE_TILE + 1)}>;

@compute @workgroup_size(${TRANSPOSE_TILE}, ${TRANSPOSE_TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wg.y * ${TRANSPOSE_TILE}u + lid.y;
  let c = wg.x * ${TRANSPOSE_TILE}u + lid.x;
  if (r < P.M && c < P.N) { tile[lid.y * ${TRANSPOSE_TILE + 1}u + lid.x] = x[r * P.N + c]; }
  workgroupBarrier();
  let orow = wg.x * ${TRANSPOSE_TILE}u + lid.y;
  let ocol = wg.y * ${TRANSPOSE_TILE}u + lid.x;
  if (orow < P.N && ocol < P.M) { out[orow * P.M + ocol] = tile[lid.x * ${TRANSPOSE_TILE + 1}u + lid.y]; }
}`;
