// The exports of the kernel module (asm/index.ts), typed. Pointers are byte offsets into the
// shared memory; 0 means "absent" for optional operands.

export interface KernelExports {
  beginJob(): void;
  packedLinearBytes(n: number, k: number): number;
  packLinear(w: number, n: number, k: number, dst: number): void;
  linear(x: number, m: number, k: number, w: number, n: number,
    bias: number, act: number, scale: number, residual: number, out: number): void;
  linearStoredScratchBytes(k: number): number;
  linearStored(x: number, m: number, k: number, w: number, type: number, n: number, rowsPerChunk: number,
    bias: number, act: number, scale: number, residual: number, out: number, scratch: number): void;
  linearQ8(xq: number, m: number, k: number, w: number, n: number,
    bias: number, act: number, scale: number, residual: number, out: number): void;
  storedRowBytes(type: number, k: number): number;
  widenStored(src: number, type: number, rows: number, k: number, dst: number): void;
  packedQ8Bytes(n: number, k: number): number;
  packQ8_0(w: number, n: number, k: number, dst: number): void;
  widenPackedQ8_0(src: number, n: number, k: number, dst: number): void;
  quantizedActivationBytes(m: number, k: number): number;
  quantizeActivations(x: number, m: number, k: number, dst: number): void;
  quantizeScratchBytes(): number;
  quantizeBlocks(type: number, src: number, blocks: number, dst: number, scratch: number): void;
  packedConvBytes(rows: number, cin: number, taps: number): number;
  packConv(src: number, rows: number, cin: number, taps: number,
    rowStride: number, ciStride: number, tapStride: number, dst: number): void;
  convPlanes(x: number, c: number, h: number, w: number, pad: number, stride: number, relu: number,
    dst: number, q0: number, hq: number, wq: number): void;
  conv(planes: number, taps: number, tapCount: number, cin: number, ciStride: number, rowStride: number,
    w: number, cout: number, bias: number, act: number, residual: number, out: number, ho: number, wo: number,
    y0: number, y1: number): void;
  packedWinogradBytes(cout: number, cin: number): number;
  packWinograd(w: number, cout: number, cin: number, dst: number): void;
  winogradScratchBytes(cin: number, cout: number, tileRows: number, tpr: number, w: number): number;
  winogradConv(x: number, cin: number, h: number, w: number, relu: number, u: number, cout: number,
    bias: number, act: number, residual: number, proj: number, projRows: number, projBias: number,
    out: number, tileRows: number, tpr: number, scratch: number): void;
  convTransposeScatter(tmp: number, cout: number, k: number, h: number, w: number, bias: number, out: number): void;
  attentionScratchBytes(): number;
  attentionPrepare(qkv: number, rows: number, c: number, heads: number, seq: number,
    qw: number, qb: number, kw: number, kb: number, eps: number, cos: number, sin: number, scale: number,
    qDst: number, kDst: number, vDst: number): void;
  attentionPadKeys(kDst: number, bhCount: number, seq: number, d: number): void;
  attention(q: number, k: number, v: number, batch: number, heads: number, seq: number, d: number,
    out: number, scratch: number): void;
  layerNorm(x: number, rows: number, cols: number, w: number, b: number, eps: number, out: number): void;
  add(a: number, b: number, out: number, n: number): void;
  relu(x: number, out: number, n: number): void;
  swiglu(x: number, m: number, h: number, out: number): void;
  transpose(x: number, m: number, n: number, out: number): void;
  resizeBilinear(x: number, c: number, h: number, w: number, oh: number, ow: number, add: number,
    addX: number, addY: number, split: number, out: number): void;
}

/** Kernels that split their work into tasks (everything but the size queries and beginJob). */
export const PARALLEL_KERNELS = [
  'packLinear', 'linear', 'linearStored', 'linearQ8', 'widenStored', 'packQ8_0', 'quantizeBlocks', 'widenPackedQ8_0', 'quantizeActivations', 'packConv', 'convPlanes', 'conv', 'convTransposeScatter',
  'packWinograd', 'winogradConv',
  'attentionPrepare', 'attentionPadKeys', 'attention', 'layerNorm', 'add', 'relu', 'swiglu',
  'transpose', 'resizeBilinear',
] as const satisfies readonly (keyof KernelExports)[];

export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];

/** Activation codes of the kernels (asm/vmath.ts). */
export const ACTIVATION_CODES = { none: 0, relu: 1, gelu: 2 } as const;
