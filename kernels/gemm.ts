// The tiled GEMM every matrix-shaped op specializes: C[M, N] = Σ_k A(m, k)·B(k, n), with A and B
// read through loader functions and C written through a store function (the fused epilogue).
// linear.ts, conv2d.ts (implicit GEMM: B is the im2col matrix, gathered on the fly, never stored)
// and conv-transpose2d.ts supply those three functions and their bindings.
//
// Geometry: a 16×16 workgroup computes a 64×64 tile of C, 4×4 outputs per invocation strided by
// 16 (so stores and workgroup-memory reads are contiguous across a row of invocations), in
// 16-deep K slices staged in 2 × 4 KiB of workgroup memory: within WebGPU's default limits
// (256 invocations, 16 KiB) on every adapter. Accumulation is f32, in k order.

export const GEMM_TILE = 64;

/** The GEMM parameters every specialization receives as its uniform `P`. */
export const gemmParamsWgsl = /* wgsl */ `
struct Params {
  M: u32, N: u32, K: u32, act: u32, flags: u32,
  p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32,
}
@group(0) @binding(0) var<uniform> P: Params;`;
/** Number of u32 words in Params. */
export const GEMM_PARAM_WORDS = 12;

export interface GemmSpec {
  /**
   * WGSL: the storage bindings (binding 1 and up) plus
   * `fn loadA(m: u32, k: u32) -> f32`, `fn loadB(k: u32, n: u32) -> f32` (called only in range)
   * and `fn store(m: u32, n: u32, acc: f32)` (called only in range).
   */
  body: string;
  /** Whether consecutive k of A (resp. B) are adjacent in memory: decides which index consecutive invocations walk while staging a tile, so global loads coalesce. */
  aKContiguous: boolean;
  bKContiguous: boolean;
}

/** Staging of one 64×16 (A) or 16×64 (B) slice: 1024 values, 4 per invocation. */
function stage(tile: 'As' | 'Bs', load: string, kContiguous: boolean): string {
  const [outer, inner] = kContiguous ? ['e / 16u', 'e % 16u'] : ['e % 64u', 'e / 64u'];
  const global = tile === 'As' ? 'let g = m0 + o; let gk = k0 + kk; if (g < P.M && gk < P.K) { v = loadA(g, gk); }'
    : 'let g = n0 + o; let gk = k0 + kk; if (g < P.N && gk < P.K) { v = loadB(gk, g); }';
  return `
    for (var i = 0u; i < 4u; i++) {
      let e = tid + i * 256u;
      let o = ${outer};
      let kk = ${inner};
      var v = 0.0;
      ${global}
      ${tile}[kk * 64u + o] = v;
    }`;
}

export function gemmShader(spec: GemmSpec): string {
  return /* wgsl */ `${gemmParamsWgsl}
${spec.body}

var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) tid: u32) {
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  var acc = array<vec4f, 4>(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var k0 = 0u; k0 < P.K; k0 += 16u) {${stage('As', 'loadA', spec.aKContiguous)}${stage('Bs', 'loadB', spec.bKContiguous)}
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let b = vec4f(Bs[kk * 64u + lid.x], Bs[kk * 64u + lid.x + 16u], Bs[kk * 64u + lid.x + 32u], Bs[kk * 64u + lid.x + 48u]);
      for (var i = 0u; i < 4u; i++) {
        acc[i] = fma(vec4f(As[kk * 64u + lid.y + 16u * i]), b, acc[i]);
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y + 16u * i;
    if (m >= P.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + lid.x + 16u * j;
      if (n < P.N) { store(m, n, acc[i][j]); }
    }
  }
}`;
}
