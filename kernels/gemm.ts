// The tiled GEMM every matrix-shaped op specializes: C[M, N] = Σ_k A(m, k)·B(k, n), with A and B
// read through loader functions and C written through a store function (the fused epilogue).
// linear.ts, conv2d.ts (implicit GEMM: B is the im2col matrix, gathered on the fly, never stored)
// and conv-transpose2d.ts supply those three functions and their bindings.
//
// Geometry: a 16×16 workgroup computes a BM×BN tile of C, a TM×TN block of outputs per
// invocation held in registers, in 16-deep K slices staged in workgroup memory and read back as
// vec4s (4 FMAs per workgroup load at TN = 4, more at 8). Two tiles: 64×64 (4×4 per invocation,
// 8 KiB) and 128×128 (8×8, 16 KiB, the register blocking that reached 30–36 TFLOP/s on an H200
// in the probe of shared/reference/webgpu.md); both fit WebGPU's default limits (256
// invocations, 16 KiB) on every adapter. The large tile is used only when the product has
// enough 128-tiles to fill a big GPU. Accumulation is f32, in k order.
export interface GemmTile {
  /** Output rows / columns per workgroup. */
  bm: number;
  bn: number;
}

export const GEMM_SMALL: GemmTile = { bm: 64, bn: 64 };
export const GEMM_LARGE: GemmTile = { bm: 128, bn: 128 };
/** Products with at least this many 128×128 tiles take the large tile. */
export const GEMM_LARGE_MIN_TILES = 192;

export function pickGemmTile(m: number, n: number): GemmTile {
  return Math.ceil(m / 128) * Math.ceil(n / 128) >= GEMM_LARGE_MIN_TILES ? GEMM_LARGE : GEMM_SMALL;
}

/** One GEMM specialization compiled for each tile. */
export interface GemmKernel {
  small: string;
  large: string;
}

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

/**
 * Staging of one BM×16 (A) or 16×BN (B) slice. Each invocation writes whole vec4s (4 adjacent
 * rows/columns at one k): WGSL lets a store to one vector component rewrite the whole vector,
 * so invocations writing different components of one vec4 would race.
 */
function stage(tile: 'As' | 'Bs', rows: number, kContiguous: boolean): string {
  const groups = rows / 4; // vec4s per k
  const per = groups * 16 / 256;
  // k-contiguous operands: 16 adjacent invocations read 16 adjacent k of a row (coalesced);
  // otherwise each invocation reads 4 adjacent rows/columns, adjacent invocations adjacent ones.
  const [og, kk] = kContiguous ? ['e / 16u', 'e % 16u'] : [`e % ${groups}u`, `e / ${groups}u`];
  const [base, limit, load] = tile === 'As' ? ['m0', 'P.M', 'loadA(g, gk)'] : ['n0', 'P.N', 'loadB(gk, g)'];
  return `
    for (var i = 0u; i < ${per}u; i++) {
      let e = tid + i * 256u;
      let og = ${og};
      let kk = ${kk};
      let gk = k0 + kk;
      var v = vec4f(0.0);
      if (gk < P.K) {
        for (var q = 0u; q < 4u; q++) {
          let g = ${base} + 4u * og + q;
          if (g < ${limit}) { v[q] = ${load}; }
        }
      }
      ${tile}[kk * ${groups}u + og] = v;
    }`;
}

function gemmTileShader(spec: GemmSpec, { bm, bn }: GemmTile): string {
  const tm = bm / 16, tn = bn / 16, tm4 = tm / 4, tn4 = tn / 4;
  return /* wgsl */ `${gemmParamsWgsl}
${spec.body}

var<workgroup> As: array<vec4f, ${bm * 4}>;
var<workgroup> Bs: array<vec4f, ${bn * 4}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) tid: u32) {
  let m0 = wg.y * ${bm}u;
  let n0 = wg.x * ${bn}u;
  var acc: array<vec4f, ${tm * tn4}>;
  for (var k0 = 0u; k0 < P.K; k0 += 16u) {${stage('As', bm, spec.aKContiguous)}${stage('Bs', bn, spec.bKContiguous)}
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<vec4f, ${tm4}>;
      var b: array<vec4f, ${tn4}>;
      for (var i = 0u; i < ${tm4}u; i++) { a[i] = As[kk * ${bm / 4}u + lid.y * ${tm4}u + i]; }
      for (var j = 0u; j < ${tn4}u; j++) { b[j] = Bs[kk * ${bn / 4}u + lid.x * ${tn4}u + j]; }
      for (var i = 0u; i < ${tm}u; i++) {
        let ai = vec4f(a[i / 4u][i % 4u]);
        for (var j = 0u; j < ${tn4}u; j++) { acc[i * ${tn4}u + j] = fma(ai, b[j], acc[i * ${tn4}u + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${tm}u; i++) {
    let m = m0 + lid.y * ${tm}u + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < ${tn}u; j++) {
      let n = n0 + lid.x * ${tn}u + j;
      if (n < P.N) { store(m, n, acc[i * ${tn4}u + j / 4u][j % 4u]); }
    }
  }
}`;
}

export function gemmShader(spec: GemmSpec): GemmKernel {
  return { small: gemmTileShader(spec, GEMM_SMALL), large: gemmTileShader(spec, GEMM_LARGE) };
}
